"""What the Wegweiser code changes in the Rasa server: the cached answer check, the built domain."""
from __future__ import annotations

import json

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


async def test_the_form_check_works_on_the_action_server_with_the_domain_sent_without_responses():
    """What the Rasa server sends (bot/speedups.py) is enough for the action server to check an answer."""
    import json

    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk.executor import ActionExecutor

    import bot.channels.rest  # noqa: F401 - installs the speed-ups, as the Rasa server does
    from bot import speedups
    from scripts.build_domain import build

    domain = Domain.load(str(build()))
    tracker = DialogueStateTracker.from_events("lean", [
        SlotSet("language", "de"), SlotSet("consent", True), ActionExecuted("intake_form"),
        ActiveLoop("intake_form"), SlotSet("requested_slot", "age"), ActionExecuted("action_listen"),
        UserUttered("dreihundert", intent={"name": "inform", "confidence": 0.9}), SlotSet("age", "dreihundert"),
    ], slots=domain.slots)
    call = RemoteAction("validate_intake_form", EndpointConfig("http://127.0.0.1:1"))._action_call_format(tracker, domain)

    assert "responses" not in call["domain"] and domain.as_dict()["responses"]
    assert call["domain"]["forms"] == domain.as_dict()["forms"]
    assert call["domain"]["slots"] == domain.as_dict()["slots"]
    assert len(speedups.dumps(call)) < len(json.dumps(domain.as_dict())) / 2

    executor = ActionExecutor()
    executor.register_package("actions")
    answer = await executor.run(json.loads(speedups.dumps(call)))
    assert {"event": "slot", "name": "age", "value": None, "timestamp": None} in answer["events"]  # re-asked
    assert [r["response"] for r in answer["responses"]] == ["utter_invalid_age"]


async def test_action_calls_are_encoded_as_the_standard_library_would_read_them():
    from rasa.utils.endpoints import EndpointConfig

    import bot.channels.rest  # noqa: F401
    from bot import speedups

    value = {"text": "أحتاج سكن 🏠 \u202e", "confidence": 0.123456789012345, "n": [1, None, True], "t": 1733077000.5}
    assert json.loads(speedups.dumps(value)) == value
    assert json.loads(speedups.dumps({1: "a non-string key"})) == {"1": "a non-string key"}
    endpoint = EndpointConfig("http://127.0.0.1:1")
    async with endpoint.session() as client:
        assert client.json_serialize is speedups.dumps
    async with endpoint.session() as again:  # one session per endpoint, kept open between calls
        assert again is client and not client.closed
    await client.close()
