"""Nothing is lost (issue 8): parts of the stack die and come back while people are talking.

This module starts its OWN stack (it kills and restarts parts; the shared session stack of
tests/conftest.py is left alone).
"""
from __future__ import annotations

import secrets
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import httpx
import pytest

from actions.i18n import label
from scripts.stack import API_BIN, REPO_ROOT, Stack
from tests.e2e.conftest import Chat, IsolatedStack, Staff, expected

ACTIONS, RASA, API = "action server", "Rasa server", "case API and UI"
CONVERSATIONS = 50
KILL_AFTER = 25
TURN_DEADLINE = 120.0  # how long one person keeps retrying a message that got no proper answer


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir: Path = tmp_path_factory.mktemp("resilience")
    with IsolatedStack(var_dir=var_dir, rasa_port=0, actions_port=0, api_port=0, log_to_files=True,
                       env_overrides={"WEGWEISER_OUTBOX_RETRY_SECONDS": "1"}) as running:
        yield running


@pytest.fixture(scope="module")
def staff_credentials(own_stack: Stack) -> Tuple[str, str]:
    password = secrets.token_urlsafe(16)
    subprocess.run(
        [str(API_BIN / "python"), "-m", "api.cli", "create-user", "--username", "resilience-caritas",
         "--role", "case_manager", "--organisation", "caritas", "--password-stdin"],
        input=password.encode(), cwd=REPO_ROOT, env=own_stack.environment(), check=True,
    )
    return "resilience-caritas", password


def _texts(replies: List[Dict]) -> str:
    return Chat.texts(replies)


class Gate:
    """Turns pass while it is open; `closed()` waits for the turns under way, then holds new ones.

    Why: this test is about the outbox, so the action server is killed and restarted while no
    turn is under way, with intakes half-way through their forms and undelivered ones in the
    outbox. A turn that reaches the dead action server is a different path (Rasa drops the
    action's events; the person is told and answers again): the test after this one."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._open = True
        self._under_way = 0

    def __enter__(self) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._open)
            self._under_way += 1

    def __exit__(self, *exc: object) -> None:
        with self._condition:
            self._under_way -= 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._open = False
            self._condition.wait_for(lambda: self._under_way == 0)

    def open(self) -> None:
        with self._condition:
            self._open = True
            self._condition.notify_all()


GATE = Gate()


def say_until(chat: Chat, message: str, *wanted: str, deadline: float = TURN_DEADLINE) -> str:
    """Send a message until the answer contains one of `wanted` (a person who got no proper
    answer while a part was down sends it again). Returns the answer's text."""
    give_up = time.monotonic() + deadline
    last = ""
    while True:
        try:
            with GATE:
                response = chat.client.post("/webhooks/rest/webhook", json={"sender": chat.sender, "message": message})
            if response.status_code == 200:
                last = _texts(response.json())
                if any(w in last for w in wanted):
                    return last
            else:
                last = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as error:
            last = f"{type(error).__name__}: {error}"
        if time.monotonic() > give_up:
            raise AssertionError(f"{chat.sender}: no answer with {wanted!r} to {message!r}; last: {last!r}")
        time.sleep(0.5)


def intake_counts(staff: Staff) -> Counter:
    """How many intakes each conversation has in the case API (all cases of this stack)."""
    counts: Counter = Counter()
    offset = 0
    while True:
        page = staff.get("/api/cases", params={"limit": 100, "offset": offset})
        assert page.status_code == 200, page.text
        body = page.json()
        for item in body["items"]:
            case = staff.get(f"/api/cases/{item['id']}")
            assert case.status_code == 200, case.text
            counts[case.json()["intake"]["conversation_id"]] += 1
        offset += len(body["items"])
        if not body["items"] or offset >= body["total"]:
            return counts


def outbox_pending(stack: Stack) -> int:
    path = stack.environment()["WEGWEISER_OUTBOX_PATH"]
    with sqlite3.connect(path, timeout=30) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]


def test_api_down_and_action_server_killed_loses_and_duplicates_nothing(
    own_stack: Stack, staff_credentials: Tuple[str, str]
) -> None:
    stack = own_stack
    submitted, queued = expected("de", "utter_intake_submitted"), expected("de", "utter_intake_queued")
    run = secrets.token_hex(4)
    senders = [f"resilience-{run}-{i:02d}" for i in range(CONVERSATIONS)]
    finished = threading.Semaphore(0)

    def conversation(index: int) -> str:
        chat = Chat(stack, senders[index])
        try:
            say_until(chat, "Ich suche eine Wohnung", expected("de", "utter_ask_consent"))
            say_until(chat, "/affirm", expected("de", "utter_ask_consent_improve"))
            say_until(chat, "/deny", expected("de", "utter_ask_nickname"))
            say_until(chat, '/inform{"answer": "skip"}', expected("de", "utter_ask_age"))
            say_until(chat, str(18 + index), expected("de", "utter_ask_receives_benefits"))
            say_until(chat, '/inform{"answer": "buergergeld"}', expected("de", "utter_ask_residence_status"))
            say_until(chat, '/inform{"answer": "residence_permit"}', expected("de", "utter_ask_district"))
            say_until(chat, '/inform{"answer": "skip"}', expected("de", "utter_ask_contact_channel"))
            say_until(chat, '/inform{"answer": "chat"}', expected("de", "utter_ask_intake_confirmed"))
            return say_until(chat, "/affirm", submitted, queued)
        finally:
            chat.client.close()
            finished.release()

    stack.kill(API, signal.SIGTERM)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(conversation, i) for i in range(CONVERSATIONS)]
        for _ in range(KILL_AFTER):
            assert finished.acquire(timeout=TURN_DEADLINE), "conversations stalled before the kill"
        GATE.close()  # the others are in the middle of their forms, not of a turn (see Gate)
        try:
            assert outbox_pending(stack) >= KILL_AFTER
            stack.kill(ACTIONS, signal.SIGKILL)
            stack.restart(ACTIONS, timeout=120)
        finally:
            GATE.open()
        answers = [future.result(timeout=TURN_DEADLINE * 3) for future in futures]
    print(f"{CONVERSATIONS} intakes through the REST channel in {time.monotonic() - started:.1f} s")
    for sender, answer in zip(senders, answers):
        assert submitted in answer or queued in answer, (sender, answer)

    stack.restart(API, timeout=120)
    staff = Staff(stack, *staff_credentials)
    deadline = time.monotonic() + 60
    while True:
        # Read the outbox first: once it is empty, nothing more can arrive after the count.
        drained = outbox_pending(stack) == 0
        counts = intake_counts(staff)
        ours = {sender: counts.get(sender, 0) for sender in senders}
        if drained and all(n >= 1 for n in ours.values()):
            break
        assert time.monotonic() < deadline, f"after 60 s: {sum(ours.values())} intakes, outbox pending {outbox_pending(stack)}"
        time.sleep(1)

    duplicated = {sender: n for sender, n in ours.items() if n > 1}
    assert not duplicated, f"conversations with more than one intake: {duplicated}"
    assert sum(ours.values()) == CONVERSATIONS
    assert sum(counts.values()) == CONVERSATIONS, counts  # nothing from anywhere else either


def test_rasa_restart_in_the_middle_of_the_form_continues_the_form(own_stack: Stack) -> None:
    chat = Chat(own_stack, f"resilience-form-{secrets.token_hex(4)}")
    assert expected("de", "utter_ask_consent") in chat.texts(chat.say("Ich suche eine Wohnung"))
    assert expected("de", "utter_ask_consent_improve") in chat.texts(chat.say("/affirm"))
    assert expected("de", "utter_ask_nickname") in chat.texts(chat.say("/deny"))
    assert expected("de", "utter_ask_age") in chat.texts(chat.say('/inform{"answer": "skip"}'))

    own_stack.restart(RASA, timeout=180)

    chat.client.close()
    chat = Chat(own_stack, chat.sender)
    replies = chat.texts(chat.say("34"))
    assert expected("de", "utter_ask_receives_benefits") in replies, replies


def test_action_server_down_at_the_final_yes_is_told_and_the_next_yes_submits_once(
    own_stack: Stack, staff_credentials: Tuple[str, str]
) -> None:
    """Rasa 3.6 drops the events of an action it cannot reach and carries on; the person is told
    (bot/turns.py) and their next "yes" submits the confirmed intake (action_answer_yes), once."""
    sender = f"resilience-yes-{secrets.token_hex(4)}"
    chat = Chat(own_stack, sender)
    for message, question in [("Ich suche eine Wohnung", "utter_ask_consent"), ("/affirm", "utter_ask_consent_improve"),
                              ("/deny", "utter_ask_nickname"), ('/inform{"answer": "skip"}', "utter_ask_age"),
                              ("41", "utter_ask_receives_benefits"), ('/inform{"answer": "none"}', "utter_ask_residence_status"),
                              ('/inform{"answer": "residence_permit"}', "utter_ask_district"),
                              ('/inform{"answer": "skip"}', "utter_ask_contact_channel"),
                              ('/inform{"answer": "chat"}', "utter_ask_intake_confirmed")]:
        assert expected("de", question) in chat.texts(chat.say(message)), question

    own_stack.kill(ACTIONS, signal.SIGKILL)
    try:
        during = chat.texts(chat.say("/affirm"))
    finally:
        own_stack.restart(ACTIONS, timeout=120)
    assert label("de", "turn.action_failed") in during, during
    assert expected("de", "utter_intake_submitted") not in during

    after = chat.texts(chat.say("/affirm"))
    assert expected("de", "utter_intake_submitted") in after or expected("de", "utter_intake_queued") in after, after
    staff = Staff(own_stack, *staff_credentials)
    deadline = time.monotonic() + 60
    while intake_counts(staff).get(sender, 0) < 1:
        assert time.monotonic() < deadline, "the confirmed intake did not arrive"
        time.sleep(1)
    chat.say("/affirm")  # a third yes changes nothing
    time.sleep(2)
    assert intake_counts(staff)[sender] == 1
    chat.client.close()
