"""The Rasa tracker store: SQL (SQLite embedded, PostgreSQL in production), with erasure.

When the person asks for deletion, action_delete_my_data sets the slot `erasure_requested`;
saving such a tracker deletes every stored event of the conversation instead of appending,
so nothing of it survives (not even the request to delete).
"""
from __future__ import annotations

import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASURE_SLOT = "erasure_requested"


class ErasableSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(ERASURE_SLOT):
            self.erase(tracker.sender_id)
            return
        await super().save(tracker)

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
