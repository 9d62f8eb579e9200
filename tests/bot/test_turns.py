"""A turn whose action server call failed is told as such (bot/turns.py), offline."""
from __future__ import annotations

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions.i18n import label
from bot.channels.rest import telling_when_not_saved
from bot.turns import watch
from scripts.stack import free_port

DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})


def tracker_in(language: str, sender: str = "person") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [SlotSet("language", language)], slots=DOMAIN.slots)


def unreachable_action() -> RemoteAction:
    return RemoteAction("action_submit_intake", EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))


async def test_an_unreachable_action_server_is_told_in_the_persons_language() -> None:
    collector = CollectingOutputChannel()

    async def handle_message(message: UserMessage) -> None:  # what Rasa's processor does, in short
        try:
            await unreachable_action().run(message.output_channel, None, tracker_in("ar", message.sender_id), DOMAIN)
        except Exception:
            pass  # "Bot will continue, but the actions events are lost"

    await telling_when_not_saved(handle_message)(UserMessage("/affirm", collector, "person"))
    assert [m["text"] for m in collector.messages] == [label("ar", "turn.action_failed")]


async def test_a_form_rejecting_an_answer_is_no_failure(monkeypatch) -> None:
    async def rejecting(*args, **kwargs):
        raise ActionExecutionRejection("validate_intake_form")

    import bot.turns

    monkeypatch.setattr(bot.turns, "_rasa_remote_action_run", rejecting)
    with watch("person") as turn, pytest.raises(ActionExecutionRejection):
        await unreachable_action().run(CollectingOutputChannel(), None, tracker_in("uk"), DOMAIN)
    assert turn.notice is None


async def test_another_conversations_failure_is_not_this_turns() -> None:
    with watch("someone-else") as turn, pytest.raises(Exception):
        await unreachable_action().run(CollectingOutputChannel(), None, tracker_in("tr"), DOMAIN)
    assert turn.notice is None
