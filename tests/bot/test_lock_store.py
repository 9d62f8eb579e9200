"""The Redis lock store serialises one conversation across Rasa servers (bot/lock_store.py).

Each "server" is its own lock store instance with its own Redis connection, in its own thread,
as two Rasa processes would be. Needs Redis (`eval "$(bash scripts/services.sh)"`).
"""
from __future__ import annotations

import asyncio
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

REDIS = os.environ.get("WEGWEISER_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS, reason="needs Redis: eval \"$(bash scripts/services.sh)\"")

SERVERS = 4
TURNS_PER_SERVER = 15


def server_store():
    from rasa.utils.endpoints import EndpointConfig

    from bot.lock_store import AtomicRedisLockStore

    url = urlsplit(REDIS)
    return AtomicRedisLockStore(EndpointConfig(url=url.hostname, port=url.port, db=1, key_prefix="wegweisertest"))


def test_tickets_issued_at_the_same_instant_by_several_servers_are_all_different() -> None:
    conversation = f"race-{secrets.token_hex(4)}"
    stores = [server_store() for _ in range(SERVERS)]
    start = threading.Barrier(SERVERS)

    def issue(store) -> list:
        start.wait()
        return [store.issue_ticket(conversation, 60) for _ in range(TURNS_PER_SERVER)]

    with ThreadPoolExecutor(SERVERS) as pool:
        tickets = [t for batch in pool.map(issue, stores) for t in batch]
    stores[0].delete_lock(conversation)

    assert len(set(tickets)) == SERVERS * TURNS_PER_SERVER, "two messages were given the same ticket"


def test_turns_of_one_conversation_on_several_servers_never_overlap() -> None:
    """Every turn reads a counter, waits, writes it + 1, as a turn reads and saves its tracker."""
    import redis

    conversation = f"turns-{secrets.token_hex(4)}"
    counter = f"wegweisertest:counter:{conversation}"
    client = redis.Redis.from_url(REDIS)
    stores = [server_store() for _ in range(SERVERS)]
    start = threading.Barrier(SERVERS)
    overlaps = []

    async def turn(store) -> None:
        async with store.lock(conversation, lock_lifetime=60, wait_time_in_seconds=0.005):
            seen = int(client.get(counter) or 0)
            time.sleep(0.003)
            if int(client.get(counter) or 0) != seen:
                overlaps.append(seen)
            client.set(counter, seen + 1)

    def serve(store) -> None:
        start.wait()
        for _ in range(TURNS_PER_SERVER):
            asyncio.run(turn(store))

    with ThreadPoolExecutor(SERVERS) as pool:
        list(pool.map(serve, stores))
    total = int(client.get(counter))
    client.delete(counter)

    assert not overlaps, f"{len(overlaps)} turns ran while another turn of the conversation was running"
    assert total == SERVERS * TURNS_PER_SERVER, "a turn's write was lost"
    assert stores[0].get_lock(conversation) is None, "the lock is left behind after the last turn"


def test_a_lock_with_a_queued_ticket_is_kept_when_the_turn_before_it_ends() -> None:
    conversation = f"queue-{secrets.token_hex(4)}"
    first, second = server_store(), server_store()
    serving = first.issue_ticket(conversation, 60)
    queued = second.issue_ticket(conversation, 60)

    first.cleanup(conversation, serving)

    lock = second.get_lock(conversation)
    assert lock is not None and not lock.is_locked(queued), "the queued message lost its place"
    second.cleanup(conversation, queued)
    assert second.get_lock(conversation) is None
