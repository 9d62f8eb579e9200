"""What went wrong while one message was handled, so that the person is told (in their language).

Rasa 3.6 carries on silently in two cases where the person's message was in fact not dealt with:

- the tracker store cannot be read or written (bot/tracker_store.py records it here);
- the action server cannot be reached or fails: Rasa logs "Bot will continue, but the actions
  events are lost" and goes on, so a final "yes" submits nothing and the reply is empty or
  beside the point. `install()` wraps Rasa's RemoteAction so such a failure is recorded here.

The REST channel (bot/channels/rest.py) watches every turn (`watch`) and, once the turn is
handled, adds one message with the label of `Turn.notice`. A form's own rejection of an answer
(`ActionExecutionRejection`) is a normal answer, not a failure.
"""
from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Text

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"


@dataclass
class Turn:
    """One message being handled, and what failed during it."""

    sender_id: Text
    failed: bool = False  # the tracker store
    erasure_failed: bool = False
    action_failed: bool = False  # the action server
    language: Optional[Text] = None

    @property
    def notice(self) -> Optional[Text]:
        """The label that tells the person what went wrong, if anything did."""
        if self.erasure_failed:
            return "store.not_erased"
        if self.failed:
            return "store.not_saved"
        return "turn.action_failed" if self.action_failed else None


_TURN: ContextVar[Optional[Turn]] = ContextVar("wegweiser_turn", default=None)


@contextlib.contextmanager
def watch(sender_id: Text) -> Iterator[Turn]:
    """Records the failures of one conversation's turn while its message is handled (same task)."""
    turn = Turn(sender_id)
    token = _TURN.set(turn)
    try:
        yield turn
    finally:
        _TURN.reset(token)


def _watched(sender_id: Text, tracker: Optional[DialogueStateTracker]) -> Optional[Turn]:
    turn = _TURN.get()
    if turn is None or turn.sender_id != sender_id:
        return None
    if tracker is not None and tracker.get_slot(LANGUAGE_SLOT):
        turn.language = tracker.get_slot(LANGUAGE_SLOT)
    return turn


def record_failure(sender_id: Text, tracker: Optional[DialogueStateTracker], erasure: bool = False) -> bool:
    """Marks the tracker store as failed in the watched turn; False if no turn of it is watched."""
    turn = _watched(sender_id, tracker)
    if turn is None:
        return False
    turn.failed = True
    turn.erasure_failed = turn.erasure_failed or erasure
    return True


_rasa_remote_action_run = RemoteAction.run


async def remote_action_run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: DialogueStateTracker,
                            domain: Any) -> List[Any]:
    try:
        return await _rasa_remote_action_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception:
        turn = _watched(tracker.sender_id, tracker)
        if turn is not None:
            turn.action_failed = True
        raise


def install() -> None:
    RemoteAction.run = remote_action_run
