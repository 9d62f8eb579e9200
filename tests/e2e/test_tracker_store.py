"""The tracker store cannot be written: the person is told, through the REST channel and the
web chat relay (issue 8), and the conversation goes on once it can be written again.

The store is made unwritable the way another process does it: a connection of the test holds
the SQLite write lock of the Rasa server's tracker database (file permissions would not stop a
test run as root). Rasa then waits SQLite's busy timeout (5 s) and fails to save the turn.
"""
from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator

import httpx

from actions.i18n import label
from api.channels.webchat import COOKIE_NAME
from scripts.stack import Stack
from tests.e2e.conftest import Chat, expected


@contextlib.contextmanager
def tracker_store_locked(stack: Stack) -> Iterator[None]:
    holder = sqlite3.connect(stack.environment()["WEGWEISER_TRACKER_DB"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unwritable_tracker_store_is_told_in_the_persons_language(chat: Chat) -> None:
    assert expected("ar", "utter_ask_consent") in chat.texts(chat.say("أحتاج مساعدة في إيجاد سكن"))
    with tracker_store_locked(chat.stack):
        replies = chat.say("/affirm")
    assert expected("ar", "utter_ask_consent_improve") in chat.texts(replies)
    assert replies[-1]["text"] == label("ar", "store.not_saved")

    # It was not saved, as the person was told: the consent is asked for again, and now kept.
    again = chat.say("/affirm")
    assert expected("ar", "utter_ask_consent_improve") in chat.texts(again), again
    assert label("ar", "store.not_saved") not in chat.texts(again)
    assert expected("ar", "utter_ask_nickname") in chat.texts(chat.say("/deny"))
    assert expected("ar", "utter_ask_age") in chat.texts(chat.say('/inform{"answer": "skip"}'))


def test_the_web_chat_shows_it_too(stack: Stack) -> None:
    # The page's cookie may be Secure (httpx keeps it off plain http), so the test sends it itself.
    with httpx.Client(base_url=stack.api_url, timeout=30) as page:
        first = page.post("/chat/messages", json={"text": "Ich suche eine Wohnung", "language_hint": "de"})
        assert first.status_code == 200 and first.json()["accepted"], first.text
        conversation = {"Cookie": f"{COOKIE_NAME}={first.cookies[COOKIE_NAME]}"}
        with tracker_store_locked(stack):
            reply = page.post("/chat/messages", json={"text": "/affirm"}, headers=conversation).json()
    assert reply["accepted"] is True
    assert [m["text"] for m in reply["messages"]][-1] == label("de", "store.not_saved")
