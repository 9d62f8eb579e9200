"""The Telegram bridge against a fake Telegram Bot API and the real Rasa, action server and case API."""
from __future__ import annotations

import sqlite3
import time

import pytest

from api.channels import texts
from tests.channels.fakes import FakeTelegram, RasaGate, button_update, photo_update, text_update
from tests.e2e.conftest import Staff, expected, intakes_of

pytestmark = pytest.mark.slow


def has_button(payload: str, chat_id: int):
    return lambda m: m["chat_id"] == chat_id and any(data == payload for _, data in m["buttons"])


def says(text: str, chat_id: int):
    return lambda m: m["chat_id"] == chat_id and text in m["text"]


def row_once_done(inbox_path, update_id: int, timeout: float = 10) -> tuple:
    """The inbox row of an update once the bridge has finished it (it answers, then records)."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(inbox_path) as db:
            row = db.execute("SELECT kind, body, done FROM updates WHERE update_id = ?", (update_id,)).fetchone()
        if (row and row[2]) or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


class Person:
    """One Telegram user writing to the bot and pressing its buttons."""

    def __init__(self, telegram: FakeTelegram, chat_id: int, language_code: str, next_update_id):
        self.telegram = telegram
        self.chat_id = chat_id
        self.language_code = language_code
        self.next_update_id = next_update_id

    def write(self, text: str) -> int:
        mark = self.telegram.mark()
        update_id = self.next_update_id()
        self.telegram.push(text_update(update_id, self.chat_id, text, self.language_code))
        return mark

    def press(self, message: dict, payload: str) -> int:
        [data] = [data for _, data in message["buttons"] if data == payload]
        mark = self.telegram.mark()
        self.telegram.push(button_update(self.next_update_id(), self.chat_id, message, data, self.language_code))
        return mark

    def expect_button(self, payload: str, after: int) -> dict:
        return self.telegram.wait_for(has_button(payload, self.chat_id), after)

    def expect_text(self, text: str, after: int) -> dict:
        return self.telegram.wait_for(says(text, self.chat_id), after)


def test_a_whole_intake_in_ukrainian_through_telegram(telegram_bridge, fake_telegram: FakeTelegram, staff: Staff, next_update_id) -> None:
    person = Person(fake_telegram, 710001, "uk", next_update_id)

    consent = person.expect_button("/affirm", person.write("шукаю квартиру в мюнстері"))
    assert expected("uk", "utter_ask_consent") in consent["text"]
    improve = person.expect_text(expected("uk", "utter_ask_consent_improve"), person.press(consent, "/affirm"))
    assert [title for title, _ in consent["buttons"]][0] != "/affirm"  # a title, not the payload, is shown
    nickname = person.expect_button('/inform{"answer": "skip"}', person.press(improve, "/deny"))

    age_question = person.expect_text(expected("uk", "utter_ask_age"), person.press(nickname, '/inform{"answer": "skip"}'))
    assert not age_question["buttons"]
    benefits = person.expect_button('/inform{"answer": "buergergeld"}', person.write("34"))
    residence = person.expect_button('/inform{"answer": "temporary_protection_24"}', person.press(benefits, '/inform{"answer": "buergergeld"}'))
    district = person.expect_text(expected("uk", "utter_ask_district"), person.press(residence, '/inform{"answer": "temporary_protection_24"}'))
    contact = person.expect_button('/inform{"answer": "chat"}', person.write("Hiltrup"))
    summary = person.expect_button("/affirm", person.press(contact, '/inform{"answer": "chat"}'))
    assert "34" in summary["text"] and "Hiltrup" in summary["text"]
    person.expect_text(expected("uk", "utter_intake_submitted"), person.press(summary, "/affirm"))
    assert district["buttons"]  # the optional question offers "skip"

    # Each pressed button was acknowledged and its keyboard removed.
    methods = [c["method"] for c in fake_telegram.calls if c.get("chat_id") == person.chat_id or c["method"] == "answerCallbackQuery"]
    assert "editMessageReplyMarkup" in methods and "answerCallbackQuery" in methods

    [intake] = intakes_of(staff, f"telegram-{person.chat_id}")
    assert intake["channel"] == "telegram"
    assert intake["language"] == "uk"
    assert intake["age"] == 34
    assert intake["receives_benefits"] == "buergergeld"
    assert intake["residence_status"] == "temporary_protection_24"
    assert [need["text"] for need in intake["needs"]] == ["шукаю квартиру в мюнстері"]


def test_a_redelivered_update_is_handled_once(telegram_bridge, fake_telegram: FakeTelegram, next_update_id) -> None:
    person = Person(fake_telegram, 710002, "de", next_update_id)
    first_id = next_update_id()
    update = text_update(first_id, person.chat_id, "Ich suche eine Wohnung", "de")
    mark = fake_telegram.mark()
    fake_telegram.push(update)
    person.expect_button("/affirm", mark)

    fake_telegram.redeliver(update)  # Telegram sends it again
    # A later update is handled after the redelivered one would have been (one chat, in order).
    later = fake_telegram.mark()
    fake_telegram.push(photo_update(next_update_id(), person.chat_id, "de"))
    fake_telegram.wait_for(says(texts.label("de", "text_only"), person.chat_id), later)
    answers_to_first = [m for m in fake_telegram.sent[mark:] if m["chat_id"] == person.chat_id and has_button("/affirm", person.chat_id)(m)]
    assert len(answers_to_first) == 1


def test_a_photo_gets_a_text_only_answer_and_is_not_stored(telegram_bridge, fake_telegram: FakeTelegram,
                                                             telegram_inbox_path, next_update_id) -> None:
    chat_id = 710003
    update_id = next_update_id()
    mark = fake_telegram.mark()
    fake_telegram.push(photo_update(update_id, chat_id, "ar"))
    fake_telegram.wait_for(says(texts.label("ar", "text_only"), chat_id), mark)
    assert row_once_done(telegram_inbox_path, update_id) == ("not_text", None, 1)


def test_when_rasa_is_down_the_person_is_told_and_answered_later(telegram_bridge, fake_telegram: FakeTelegram,
                                                                  rasa_gate: RasaGate, telegram_inbox_path, next_update_id) -> None:
    person = Person(fake_telegram, 710004, "tr", next_update_id)
    rasa_gate.down = True
    try:
        mark = person.write("ev arıyorum")
        person.expect_text(texts.label("tr", "rasa_unavailable_kept"), mark)
        time.sleep(2.5)  # the bridge retries meanwhile; the person is told only once
        told = [m for m in fake_telegram.sent[mark:] if m["chat_id"] == person.chat_id]
        assert len(told) == 1
        with sqlite3.connect(telegram_inbox_path) as db:
            assert db.execute("SELECT body FROM updates WHERE chat_id = ? AND done = 0", (person.chat_id,)).fetchall() == [("ev arıyorum",)]
    finally:
        rasa_gate.down = False
    answer = person.expect_button("/affirm", mark)
    assert expected("tr", "utter_ask_consent") in answer["text"]
    late = [m for m in fake_telegram.sent[mark:] if m["chat_id"] == person.chat_id][1:]
    assert late[0]["reply_parameters"]["message_id"]  # the late answer quotes the message it answers
    [(update_id,)] = sqlite3.connect(telegram_inbox_path).execute("SELECT update_id FROM updates WHERE chat_id = ?", (person.chat_id,)).fetchall()
    assert row_once_done(telegram_inbox_path, update_id) == ("text", None, 1)  # answered: the text is gone


from tests.hostile import HOSTILE  # noqa: E402


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_through_telegram_gets_an_answer_and_the_update_is_finished(
        telegram_bridge, fake_telegram: FakeTelegram, telegram_inbox_path, next_update_id, text: str) -> None:
    chat_id = 720000 + list(HOSTILE.values()).index(text)
    update_id = next_update_id()
    mark = fake_telegram.mark()
    fake_telegram.push(text_update(update_id, chat_id, text, "de"))
    answer = fake_telegram.wait_for(lambda m: m["chat_id"] == chat_id and m["text"].strip(), mark)
    assert "Traceback" not in answer["text"] and "<script>" not in answer["text"]
    kind, _body, done = row_once_done(telegram_inbox_path, update_id)
    assert done == 1 and kind == "text"
