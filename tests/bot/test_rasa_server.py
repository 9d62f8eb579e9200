"""What the Wegweiser code changes in the Rasa server: the cached answer check, the built domain."""
from __future__ import annotations

import pytest

pytest.importorskip("rasa")


def test_action_answers_are_checked_with_one_cached_validator():
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    import bot.channels.rest  # noqa: F401 - installs the speed-ups, as the Rasa server does
    from bot import speedups

    action = RemoteAction("action_fallback", None)
    assert RemoteAction._validate_action_result is speedups.validate_action_result
    assert action._validate_action_result({"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "no such event"}]})
    assert speedups.action_result_validator() is speedups.action_result_validator()


async def test_button_payloads_come_back_whole_after_rasa_fills_the_response():
    """Doubled braces in the built domain (scripts/build_domain.py): Rasa's slot filling gives the
    JSON payload back unchanged and logs no error (an error log would quote the person's slots)."""
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from scripts.build_domain import build

    domain = Domain.load(str(build()))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker.from_events("t", [SlotSet("language", "ar"), SlotSet("nickname", "Layla {x}")],
                                               slots=domain.slots)
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        response = await nlg.generate("utter_ask_contact_channel", tracker, "rest")
    payloads = [button["payload"] for button in response["buttons"]]
    assert '/inform{"answer": "chat"}' in payloads
    assert all("{{" not in p for p in payloads)
    assert not [entry for entry in logs if entry.get("log_level") in ("error", "exception")], logs
