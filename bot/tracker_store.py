"""The Rasa tracker store: SQL (SQLite embedded, PostgreSQL in production), with erasure, and
never silently forgetful.

When the person asks for deletion, action_delete_my_data sets the slot `erasure_requested`;
saving such a tracker deletes every stored event of the conversation instead of appending,
so nothing of it survives (not even the request to delete).

When the store cannot be read or written (database down, disk full, file locked or read-only),
Rasa's FailSafeTrackerStore would log the error and carry on with an in-memory copy that is
never read back, so the person's answers would be lost without a word. Here the failure is
recorded for the turn under way (`watch`, set by the REST channel, bot/channels/rest.py), and
the channel tells the person in their language at the end of the turn (label `store.not_saved`,
or `store.not_erased` when a requested deletion failed). A failed save is then not copied into
memory: the person knows, and a copy nobody reads would only grow. Outside a watched turn
(Rasa's HTTP API) the error goes to Rasa's handling as before.
"""
from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASURE_SLOT = "erasure_requested"
LANGUAGE_SLOT = "language"


@dataclass
class Turn:
    """One message being handled, and whether the store failed during it."""

    sender_id: Text
    failed: bool = False
    erasure_failed: bool = False
    language: Optional[Text] = None

    @property
    def notice(self) -> Optional[Text]:
        """The label that tells the person what went wrong, if anything did."""
        if self.erasure_failed:
            return "store.not_erased"
        return "store.not_saved" if self.failed else None


_TURN: ContextVar[Optional[Turn]] = ContextVar("wegweiser_tracker_store_turn", default=None)


@contextlib.contextmanager
def watch(sender_id: Text) -> Iterator[Turn]:
    """Records tracker store failures of one conversation while its message is handled (same task)."""
    turn = Turn(sender_id)
    token = _TURN.set(turn)
    try:
        yield turn
    finally:
        _TURN.reset(token)


def _record_failure(sender_id: Text, tracker: Optional[DialogueStateTracker], erasure: bool = False) -> bool:
    """Marks the watched turn of this conversation as failed; False if no turn of it is watched."""
    turn = _TURN.get()
    if turn is None or turn.sender_id != sender_id:
        return False
    turn.failed = True
    turn.erasure_failed = turn.erasure_failed or erasure
    if tracker is not None and tracker.get_slot(LANGUAGE_SLOT):
        turn.language = tracker.get_slot(LANGUAGE_SLOT)
    return True


class ErasableSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        erasure = bool(tracker.get_slot(ERASURE_SLOT))
        try:
            if erasure:
                self.erase(tracker.sender_id)
                return
            await super().save(tracker)
        except Exception:
            logger.exception("the conversation could not be %s in the tracker store", "erased" if erasure else "saved")
            if not _record_failure(tracker.sender_id, tracker, erasure):
                raise

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except Exception:
            # Rasa then starts the conversation afresh: the person's earlier answers are gone for this turn.
            _record_failure(sender_id, None)
            raise

    def erase(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("conversation erased on request (%d events)", deleted)
        return deleted
