"""The tracker store never forgets silently: a failed read or write reaches the person (offline, fast).

The database is made unwritable the way another process does it: a connection of the test
holds SQLite's write lock (`BEGIN IMMEDIATE`); a read fails when the table is gone. File
permissions would not do: the tests may run as root, whom they do not stop. The store waits
0.1 s for the lock here instead of SQLite's 5 s (the `timeout` query of its URL).
"""
from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.i18n import label
from bot.channels.rest import StoreAwareRestInput, telling_when_not_saved
from bot.tracker_store import ErasableSQLTrackerStore
from bot.turns import watch

DOMAIN = Domain.from_dict({
    "slots": {
        "language": {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]},
        "erasure_requested": {"type": "bool", "influence_conversation": False, "mappings": [{"type": "custom"}]},
    },
})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def store(db: Path) -> ErasableSQLTrackerStore:
    return ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), query={"timeout": "0.1"})


@contextlib.contextmanager
def locked(db: Path, how: str = "IMMEDIATE") -> Iterator[None]:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute(f"BEGIN {how}")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextlib.contextmanager
def table_gone(db: Path) -> Iterator[None]:
    """Reads fail (the store runs in WAL mode, where a writer's lock does not keep readers out)."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("ALTER TABLE events RENAME TO events_away")
    try:
        yield
    finally:
        holder.execute("ALTER TABLE events_away RENAME TO events")
        holder.close()


async def test_the_embedded_store_writes_ahead_so_a_writer_does_not_block_reading(db) -> None:
    """WAL mode (a commit waits for no fsync, docs/benchmarks.md): another writer's lock keeps no reader out."""
    writer = ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), cache_size=0)
    await writer.save(await tracker_of(writer, "person-14", "ru", "мне нужна квартира"))
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with watch("person-14") as turn, locked(db):
        tracker = await writer.retrieve("person-14")
    assert turn.notice is None
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["мне нужна квартира"]


async def tracker_of(store: ErasableSQLTrackerStore, sender: str, language: str, text: str = "أحتاج سكن"):
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(SlotSet("language", language))
    tracker.update(UserUttered(text))
    return tracker


async def test_a_failed_write_is_recorded_for_the_turn_and_not_kept_in_memory(store, db) -> None:
    tracker = await tracker_of(store, "person-1", "ar")
    fail_safe = FailSafeTrackerStore(store)
    with watch("person-1") as turn, locked(db):
        await fail_safe.save(tracker)  # does not raise: the failure is the turn's
    assert turn.notice == "store.not_saved" and turn.language == "ar"
    assert fail_safe._fallback_tracker_store is None  # no silent in-memory copy
    assert len((await store.retrieve("person-1")).events) < len(tracker.events)  # really not stored


async def test_a_write_that_works_records_nothing(store) -> None:
    tracker = await tracker_of(store, "person-2", "uk")
    with watch("person-2") as turn:
        await store.save(tracker)
    assert turn.notice is None
    assert len((await store.retrieve("person-2")).events) == len(tracker.events)


async def test_the_answer_ends_with_the_notice_in_the_persons_language(store, db) -> None:
    tracker = await tracker_of(store, "person-3", "fa")
    fail_safe = FailSafeTrackerStore(store)

    async def handle_message(message: UserMessage) -> None:  # what Rasa's agent does, in short
        await message.output_channel.send_text_message(message.sender_id, "the assistant's answer")
        await fail_safe.save(tracker)

    collector = CollectingOutputChannel()
    with locked(db):
        await telling_when_not_saved(handle_message)(UserMessage("سلام", collector, "person-3"))
    assert [m["text"] for m in collector.messages] == ["the assistant's answer", label("fa", "store.not_saved")]


async def test_a_streamed_answer_gets_the_notice_before_it_ends(store, db) -> None:
    tracker = await tracker_of(store, "person-7", "uk", "мені потрібне житло")

    async def handle_message(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "the assistant's answer")
        await store.save(tracker)

    queue: asyncio.Queue = asyncio.Queue()
    with locked(db):  # what the REST channel does for ?stream=true
        await StoreAwareRestInput.on_message_wrapper(telling_when_not_saved(handle_message), "мені потрібне житло",
                                                     queue, "person-7", "rest", None)
    streamed = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [m["text"] if isinstance(m, dict) else m for m in streamed] == [
        "the assistant's answer", label("uk", "store.not_saved"), "DONE"]


async def test_a_failed_deletion_is_told_as_such(store, db) -> None:
    tracker = await tracker_of(store, "person-4", "tr")
    await store.save(tracker)
    tracker.update(SlotSet("erasure_requested", True))
    collector = CollectingOutputChannel()

    async def handle_message(message: UserMessage) -> None:
        await store.save(tracker)

    with locked(db):
        await telling_when_not_saved(handle_message)(UserMessage("verilerimi sil", collector, "person-4"))
    assert [m["text"] for m in collector.messages] == [label("tr", "store.not_erased")]
    assert await store.retrieve("person-4") is not None  # nothing was deleted, and the person knows


async def test_a_failed_read_is_recorded_too(store, db) -> None:
    await store.save(await tracker_of(store, "person-5", "de"))
    with watch("person-5") as turn, table_gone(db):
        assert await FailSafeTrackerStore(store).retrieve("person-5") is None  # Rasa would start afresh
    assert turn.notice == "store.not_saved" and turn.language is None  # told in German, the default


async def test_outside_a_watched_turn_rasa_handles_the_error_as_before(store, db) -> None:
    tracker = await tracker_of(store, "person-6", "en")
    with watch("someone-else") as other, locked(db), pytest.raises(sqlalchemy.exc.OperationalError):
        await store.save(tracker)
    assert other.notice is None


# The tracker last saved is handed out again while the database holds what it saved.

def states(tracker) -> list:
    return [event.as_dict() for event in tracker.events]


async def test_the_next_turn_gets_the_tracker_the_database_holds(store, db) -> None:
    tracker = await tracker_of(store, "person-8", "ar")
    await store.save(tracker)
    again = await store.retrieve("person-8")
    fresh = await ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), cache_size=0).retrieve("person-8")
    assert states(again) == states(fresh) == states(tracker)
    assert again.get_slot("language") == fresh.get_slot("language") == "ar"


async def test_a_turn_saved_by_another_server_is_read_from_the_database(store, db) -> None:
    await store.save(await tracker_of(store, "person-9", "uk", "мені потрібне житло"))
    other_server = ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    theirs = await other_server.retrieve("person-9")
    theirs.update(UserUttered("і роботу"))
    await other_server.save(theirs)

    ours = await store.retrieve("person-9")
    assert [e.text for e in ours.events if isinstance(e, UserUttered)] == ["мені потрібне житло", "і роботу"]


async def test_changes_that_were_never_saved_are_not_handed_out(store) -> None:
    tracker = await tracker_of(store, "person-10", "tr")
    await store.save(tracker)
    tracker.update(UserUttered("kaydedilmedi"))  # a turn that broke off before its save

    again = await store.retrieve("person-10")
    assert "kaydedilmedi" not in [e.text for e in again.events if isinstance(e, UserUttered)]


async def test_an_erased_conversation_is_gone_for_the_next_turn(store) -> None:
    tracker = await tracker_of(store, "person-11", "fa")
    await store.save(tracker)
    tracker.update(SlotSet("erasure_requested", True))
    await store.save(tracker)
    assert await store.retrieve("person-11") is None


async def test_a_failed_save_leaves_no_tracker_to_hand_out(store, db) -> None:
    tracker = await tracker_of(store, "person-12", "de")
    await store.save(tracker)
    tracker.update(UserUttered("nicht gespeichert"))
    with watch("person-12"), locked(db):
        await store.save(tracker)
    assert "nicht gespeichert" not in [e.text for e in (await store.retrieve("person-12")).events
                                       if isinstance(e, UserUttered)]


async def test_a_turn_on_a_handed_out_tracker_stores_each_event_once(store, db) -> None:
    """An event logged with a timestamp before `SessionStarted` (as the session's metadata slot is)
    is left out of Rasa's count of the session's stored events; the next save must not repeat one."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    tracker = await store.get_or_create_tracker("person-13")
    for event in (ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=2.0),
                  ActionExecuted("action_listen", timestamp=3.0), UserUttered("erste", timestamp=4.0)):
        tracker.update(event)
    await store.save(tracker)

    again = await store.retrieve("person-13")
    again.update(UserUttered("zweite", timestamp=5.0))
    await store.save(again)

    stored = await ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), cache_size=0).retrieve_full_tracker("person-13")
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["erste", "zweite"]
    assert len(stored.events) == len(again.events)


async def test_a_lookup_in_the_middle_of_a_turn_does_not_make_the_save_repeat_an_event(store, db) -> None:
    """Rasa's HTTP API reads a conversation without the lock (e.g. POST /conversations/<id>/predict)."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    tracker = await store.get_or_create_tracker("person-15")
    for event in (SlotSet("language", "de", timestamp=1.0), SessionStarted(timestamp=2.0),
                  ActionExecuted("action_listen", timestamp=3.0), UserUttered("erste", timestamp=4.0)):
        tracker.update(event)
    await store.save(tracker)
    turn = await store.retrieve("person-15")
    turn.update(UserUttered("zweite", timestamp=5.0))
    meanwhile = await store.retrieve("person-15")  # the turn is under way: read from the database
    assert meanwhile is not turn and "zweite" not in [e.text for e in meanwhile.events if isinstance(e, UserUttered)]
    await store.save(turn)

    stored = await ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), cache_size=0).retrieve_full_tracker("person-15")
    assert states(stored) == states(turn)


async def test_a_new_model_means_trackers_are_read_again_with_its_slots(store) -> None:
    await store.save(await tracker_of(store, "person-16", "uk"))
    store.domain = Domain.from_dict({"slots": {
        **{name: {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]}
           for name in ("language", "erasure_requested", "district")},
    }})
    tracker = await store.retrieve("person-16")
    assert "district" in tracker.slots and tracker.get_slot("language") == "uk"


async def test_a_tracker_replaced_through_rasas_http_api_is_not_handed_out_as_stored(store, db) -> None:
    """PUT /conversations/<id>/tracker/events builds a tracker from the request; Rasa appends only what
    goes beyond the stored count, so what is stored is not that tracker."""
    for text in ("eins", "zwei", "drei"):
        tracker = await store.retrieve("person-17") or await store.get_or_create_tracker("person-17")
        tracker.update(UserUttered(text))
        await store.save(tracker)
    replacement = DialogueStateTracker.from_events("person-17", [SlotSet("language", "fa")], slots=DOMAIN.slots)
    await store.save(replacement)

    again = await store.retrieve("person-17")
    fresh = await ErasableSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), cache_size=0).retrieve("person-17")
    assert states(again) == states(fresh)
