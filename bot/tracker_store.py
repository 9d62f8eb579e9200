"""The Rasa tracker store: SQL (SQLite embedded, PostgreSQL in production), with erasure, and
never silently forgetful.

When the person asks for deletion, action_delete_my_data sets the slot `erasure_requested`;
saving such a tracker deletes every stored event of the conversation instead of appending,
so nothing of it survives (not even the request to delete).

When the store cannot be read or written (database down, disk full, file locked or read-only),
Rasa's FailSafeTrackerStore would log the error and carry on with an in-memory copy that is
never read back, so the person's answers would be lost without a word. Here the failure is
recorded for the turn under way (bot/turns.py, watched by the REST channel, bot/channels/rest.py), and
the channel tells the person in their language at the end of the turn (label `store.not_saved`,
or `store.not_erased` when a requested deletion failed). A failed save is then not copied into
memory: the person knows, and a copy nobody reads would only grow. Outside a watched turn
(Rasa's HTTP API) the error goes to Rasa's handling as before.

Rasa reads a conversation's whole session from the database and replays it into a new tracker at
the start of every turn (about a sixth of the Rasa server's CPU per turn, docs/benchmarks.md).
The store keeps the tracker it last saved per conversation (`TrackerCache`) and hands it out
again while the database still holds exactly what was saved: one indexed query (count and
highest id of the conversation's events) instead of the read and replay. Another Rasa server
writing the conversation, a deletion, an unsaved change to the tracker or a failed save make
the query or the tracker differ, and the tracker is read from the database as before, as it is
when the model (and with it the domain the slots come from) was replaced.

Each tracker object this store read or saved carries how many of its events are stored
(`stored_events`), and a save appends exactly the events after those. Rasa counts the session's
stored events instead (one more query), and that count leaves out the session's metadata slot,
which is logged with a timestamp before `SessionStarted`: one event would be stored twice. A
tracker this store does not know (one built from a request to Rasa's HTTP API) is saved as Rasa
saves it, and not cached. The one difference to a read, by design: a cached tracker still holds
that metadata slot, which a read leaves out; Rasa's policies and slots start again at
`SessionStarted` either way (tests/bot/test_tracker_store_postgres.py: two servers on PostgreSQL).
"""
from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional, Text, Tuple

import sqlalchemy as sa

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.turns import record_failure

logger = logging.getLogger(__name__)

ERASURE_SLOT = "erasure_requested"


Fingerprint = Tuple[int, Optional[int]]  # number of stored events of a conversation, highest event id
STORED = "_wegweiser_stored_events"  # on a tracker object: how many of its first events are stored


def stored_events(tracker: DialogueStateTracker) -> Optional[int]:
    """How many of this tracker object's events are in the store, if this store knows (it read or saved them)."""
    count = getattr(tracker, STORED, None)
    return count if count is not None and count <= len(tracker.events) else None


def mark_stored(tracker: DialogueStateTracker) -> None:
    setattr(tracker, STORED, len(tracker.events))


@dataclass
class Cached:
    tracker: DialogueStateTracker
    stored: Fingerprint
    domain: Any  # the domain the tracker's slots were made from (a new model brings a new one)


class TrackerCache:
    """The trackers last saved, by conversation, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: "OrderedDict[Text, Cached]" = OrderedDict()

    def put(self, tracker: DialogueStateTracker, stored: Fingerprint, domain: Any) -> None:
        if self.size <= 0:
            return
        self._entries.pop(tracker.sender_id, None)
        self._entries[tracker.sender_id] = Cached(tracker, stored, domain)  # the newest, last
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def get(self, sender_id: Text, stored: Fingerprint, domain: Any) -> Optional[DialogueStateTracker]:
        """The cached tracker if the database holds exactly its events, and its domain is the current one."""
        entry = self._entries.pop(sender_id, None)
        if entry is None or entry.stored != stored or entry.domain is not domain:
            return None
        if stored_events(entry.tracker) != len(entry.tracker.events):
            return None  # changed since its save: a turn under way, or one that broke off before saving
        self._entries[sender_id] = entry
        return entry.tracker

    def forget(self, sender_id: Text) -> None:
        self._entries.pop(sender_id, None)

    def __contains__(self, sender_id: Text) -> bool:
        return sender_id in self._entries


def _one_session(tracker: DialogueStateTracker) -> bool:
    """True if the tracker holds one session at most, as a tracker read from the store does."""
    return sum(isinstance(event, SessionStarted) for event in tracker.events) <= 1


def _sqlite_write_ahead_log(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


class ErasableSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cache_size: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With an event broker, Rasa finds the events to publish by reading the tracker back: it must be read.
        self.cache = TrackerCache(int(cache_size) if self.event_broker is None else 0)
        if self.engine.dialect.name == "sqlite":
            # The embedded store: a commit waits for no fsync (about 20 ms on a slow disk, on Rasa's one
            # event loop). A crashed process loses nothing; a power cut may lose the last turns. And its
            # connections are kept: SQLAlchemy 1.4 opens a new SQLite connection for every session of a
            # file database (NullPool), about 1 ms per query, several queries per turn.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _sqlite_write_ahead_log)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _fingerprint(self, session: Any, sender_id: Text) -> Fingerprint:
        table = self.SQLEvent.__table__
        count, highest = session.execute(
            sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
        ).one()
        return int(count), highest

    def _stored(self, sender_id: Text) -> Fingerprint:
        with self.session_scope() as session:
            return self._fingerprint(session, sender_id)

    def _append(self, tracker: DialogueStateTracker) -> Tuple[Fingerprint, bool]:
        """Rasa's SQLTrackerStore.save, as one multi-row insert instead of an ORM object per event.

        The events to add are those after the ones this store knows are stored (it read or saved
        them on this tracker object); for another tracker (one made from a request to Rasa's HTTP
        API) Rasa's count of the session's stored events decides, as in Rasa. Returns what the
        database then holds of the conversation, and whether that is exactly the tracker's events.
        """
        known = stored_events(tracker)
        rows = []
        with self.session_scope() as session:
            if known is None:
                new_events = list(self._additional_events(session, tracker))
            else:
                new_events = list(itertools.islice(tracker.events, known, len(tracker.events)))
            for event in new_events:
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            stored = self._fingerprint(session, tracker.sender_id)
            session.commit()
        # A new conversation's first save stores every event, so the tracker is then what is stored too.
        exact = known is not None or (stored[0] == len(rows) == len(tracker.events))
        return stored, exact

    async def save(self, tracker: DialogueStateTracker) -> None:
        erasure = bool(tracker.get_slot(ERASURE_SLOT))
        try:
            if erasure:
                self.erase(tracker.sender_id)
                return
            await self.stream_events(tracker)
            try:
                stored, exact = self._append(tracker)
            finally:
                self.cache.forget(tracker.sender_id)
            if exact:
                mark_stored(tracker)
                if _one_session(tracker):
                    self.cache.put(tracker, stored, self.domain)
        except Exception:
            logger.exception("the conversation could not be %s in the tracker store", "erased" if erasure else "saved")
            if not record_failure(tracker.sender_id, tracker, erasure):
                raise

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            if sender_id in self.cache:
                cached = self.cache.get(sender_id, self._stored(sender_id), self.domain)
                if cached is not None:
                    return cached
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                mark_stored(tracker)  # every event of it was just read from the store
            return tracker
        except Exception:
            # Rasa then starts the conversation afresh: the person's earlier answers are gone for this turn.
            record_failure(sender_id, None)
            raise

    def erase(self, sender_id: str) -> int:
        self.cache.forget(sender_id)
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("conversation erased on request (%d events)", deleted)
        return deleted
