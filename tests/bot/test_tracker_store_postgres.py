"""The tracker store's cache and multi-row append on PostgreSQL, the production database (sequence
ids, two servers on one database). Needs PostgreSQL: eval "$(bash scripts/services.sh)"."""
from __future__ import annotations

import os
import secrets
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.tracker_store import ErasableSQLTrackerStore
from tests.bot.test_tracker_store import DOMAIN, states

DATABASE = os.environ.get("WEGWEISER_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not DATABASE, reason='needs PostgreSQL: eval "$(bash scripts/services.sh)"')


@pytest.fixture(scope="module")
def database() -> Iterator[dict]:
    import psycopg2

    url = urlsplit(DATABASE.replace("postgresql+psycopg://", "postgresql://"))
    name = f"rasa_cache_{secrets.token_hex(4)}"
    admin = psycopg2.connect(DATABASE.replace("postgresql+psycopg://", "postgresql://"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"dialect": "postgresql", "host": url.hostname, "port": url.port or 5432, "db": name,
               "username": url.username, "password": url.password}
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def server(database: dict, cache_size: int = 1000) -> ErasableSQLTrackerStore:
    return ErasableSQLTrackerStore(DOMAIN, cache_size=cache_size, **database)


def texts(tracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_turns_alternating_between_two_servers_are_stored_once_and_in_order(database) -> None:
    first, second = server(database), server(database)
    sender = f"pg-{secrets.token_hex(3)}"
    tracker = await first.get_or_create_tracker(sender)
    for event in (ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=2.0),
                  SlotSet("language", "ar", timestamp=2.5), ActionExecuted("action_listen", timestamp=3.0)):
        tracker.update(event)
    await first.save(tracker)
    for number, store in enumerate([first, first, second, first, second, second]):
        turn = await store.retrieve(sender)
        turn.update(UserUttered(f"رسالة {number}"))
        if number == 3:
            assert states(await second.retrieve(sender)) != states(turn)  # read mid-turn on the other server
        turn.update(ActionExecuted("action_listen"))
        await store.save(turn)

    stored = await server(database, cache_size=0).retrieve_full_tracker(sender)
    assert texts(stored) == [f"رسالة {n}" for n in range(6)]
    serialised = [str(sorted(event.items())) for event in states(stored)]
    assert len(serialised) == len(set(serialised)), "an event was stored twice"
    views = [await first.retrieve(sender), await second.retrieve(sender)]
    assert [texts(v) for v in views] == [texts(stored)] * 2
    assert [v.current_slot_values()["language"] for v in views] == ["ar", "ar"]


async def test_an_erasure_on_one_server_is_seen_by_the_other(database) -> None:
    first, second = server(database), server(database)
    sender = f"pg-{secrets.token_hex(3)}"
    tracker = await first.get_or_create_tracker(sender)
    tracker.update(UserUttered("видалити"))
    await first.save(tracker)
    assert await first.retrieve(sender) is tracker  # handed out again from the cache

    theirs = await second.retrieve(sender)
    theirs.update(SlotSet("erasure_requested", True))
    await second.save(theirs)
    assert await first.retrieve(sender) is None
