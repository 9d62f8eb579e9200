"""Scale-out: two Rasa servers behind one address, one PostgreSQL tracker store, one Redis lock store.

Each Rasa server has its own action server (and outbox); the case API runs on PostgreSQL. The
balancer (scripts/balancer.py) sends each request to the next server in turn, so the turns of a
conversation alternate between the two servers. Nothing may be lost or doubled: every message
is in the conversation's tracker exactly once and in order, every turn is answered, and each
conversation ends with exactly one intake in the case API. Needs PostgreSQL and Redis
(`eval "$(bash scripts/services.sh)"`, which .ci/run does).
"""
from __future__ import annotations

import contextlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List
from urllib.parse import urlsplit

import httpx
import pytest

from scripts.stack import REPO_ROOT
from tests.e2e.conftest import Chat, IsolatedStack, Staff, intakes_of

DATABASE = os.environ.get("WEGWEISER_TEST_DATABASE_URL")
REDIS = os.environ.get("WEGWEISER_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not (DATABASE and REDIS), reason="needs PostgreSQL and Redis: eval \"$(bash scripts/services.sh)\""
)

# One whole German intake, as buttons and typed answers; each step's expected words.
INTAKE = [
    ("Ich suche eine Wohnung", "Darf ich Ihre Antworten speichern"),
    ("/affirm", "freiwillige Frage"),
    ("nein", "Wie dürfen wir Sie nennen"),
    ('/inform{"answer": "skip"}', "Wie alt sind Sie"),
    ("34", "Bekommen Sie Geld vom Amt"),
    ("ich bekomme Bürgergeld", "Aufenthaltspapier"),
    ('/inform{"answer": "residence_permit"}', "Stadtteil"),
    ("Hiltrup", "erreichen"),
    ('/inform{"answer": "chat"}', "Hiltrup"),
    ("/affirm", "angekommen"),
]


@contextlib.contextmanager
def fresh_database(url: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside the one `url` names; dropped afterwards."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IsolatedStack]:
    suffix = secrets.token_hex(4)
    with fresh_database(DATABASE, f"wegweiser_scale_{suffix}") as api_db, \
            fresh_database(DATABASE, f"rasa_scale_{suffix}") as tracker_db:
        tracker, redis = urlsplit(tracker_db), urlsplit(REDIS)
        env = {
            "WEGWEISER_DATABASE_URL": api_db,
            "WEGWEISER_RASA_ENDPOINTS": str(REPO_ROOT / "bot" / "endpoints.production.yml"),
            "WEGWEISER_TRACKER_DB_HOST": tracker.hostname,
            "WEGWEISER_TRACKER_DB_PORT": str(tracker.port or 5432),
            "WEGWEISER_TRACKER_DB_NAME": tracker.path.lstrip("/"),
            "WEGWEISER_TRACKER_DB_USER": tracker.username,
            "WEGWEISER_TRACKER_DB_PASSWORD": tracker.password,
            "WEGWEISER_REDIS_HOST": redis.hostname,
            "WEGWEISER_REDIS_PORT": str(redis.port or 6379),
            "WEGWEISER_OUTBOX_RETRY_SECONDS": "1",
        }
        stack = IsolatedStack(var_dir=tmp_path_factory.mktemp("cluster"), rasa_port=0, actions_port=0, api_port=0,
                              log_to_files=True, rasa_servers=2, env_overrides=env)
        with stack:
            yield stack


@pytest.fixture(scope="module")
def cluster_staff(cluster: IsolatedStack) -> Staff:
    return Staff.create(cluster, "scale-caritas")


def tracker_texts(cluster: IsolatedStack, sender: str) -> List[str]:
    """The person's messages as the shared tracker store holds them, in order."""
    token = cluster.environment()["WEGWEISER_RASA_TOKEN"]
    response = httpx.get(f"{cluster.rasa_url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    assert response.status_code == 200, response.text
    return [e["text"] for e in response.json()["events"] if e["event"] == "user"]


def run_intake(cluster: IsolatedStack, sender: str) -> List[str]:
    chat = Chat(cluster, sender)
    problems = []
    for message, expected in INTAKE:
        replies = chat.texts(chat.say(message))
        if expected not in replies:
            problems.append(f"{message!r} -> {replies!r} (expected {expected!r})")
    return problems


def test_conversations_alternate_between_two_rasa_servers_and_nothing_is_lost(cluster, cluster_staff) -> None:
    senders = [f"scale-{n}-{secrets.token_hex(3)}" for n in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = list(pool.map(lambda sender: run_intake(cluster, sender), senders))
    assert problems == [[] for _ in senders], problems

    served = httpx.get(f"{cluster.rasa_url}/__balancer").json()
    assert len(served) == 2 and min(served.values()) >= len(senders) * len(INTAKE) // 3, served

    for sender in senders:
        assert tracker_texts(cluster, sender) == [message for message, _ in INTAKE]
        [intake] = intakes_of(cluster_staff, sender)
        assert intake["age"] == 34 and intake["district"] == "Hiltrup"


def test_a_form_goes_on_when_the_next_message_reaches_the_other_server(cluster) -> None:
    first, second = [p for p in cluster.parts if p.name.startswith("Rasa server")]
    sender = f"scale-direct-{secrets.token_hex(3)}"

    def say(part, text):
        response = httpx.post(part.public_url, json={"sender": sender, "message": text}, timeout=60)
        assert response.status_code == 200
        return "\n".join(r.get("text", "") for r in response.json())

    assert "Darf ich Ihre Antworten speichern" in say(first, "Ich suche eine Wohnung")
    assert "freiwillige Frage" in say(second, "/affirm")
    assert "Wie dürfen wir Sie nennen" in say(first, "nein")
    assert "Wie alt sind Sie" in say(second, '/inform{"answer": "skip"}')


@pytest.mark.parametrize("attempt", range(4))
def test_two_messages_of_one_conversation_at_once_on_both_servers_are_both_kept(cluster, attempt) -> None:
    """The Redis lock store makes the two servers take the conversation one after the other.

    With Rasa's own RedisLockStore this lost one of the two messages about once in four attempts:
    both servers got ticket 0 (bot/lock_store.py), hence four attempts, each a new conversation.
    """
    first, second = [p for p in cluster.parts if p.name.startswith("Rasa server")]
    sender = f"scale-race-{attempt}-{secrets.token_hex(3)}"
    messages = {first.public_url: "Ich suche eine Wohnung", second.public_url: "Ich suche Arbeit"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(
            lambda item: httpx.post(item[0], json={"sender": sender, "message": item[1]}, timeout=60),
            messages.items(),
        ))
    assert [a.status_code for a in answers] == [200, 200]
    assert all(a.json() for a in answers), "a turn went unanswered"
    assert sorted(tracker_texts(cluster, sender)) == sorted(messages.values())
