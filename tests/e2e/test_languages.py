"""Whole intakes in Arabic (right-to-left), Ukrainian and Turkish through the REST channel."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import Chat, Staff, expected, intakes_of

CONVERSATIONS = {
    # language: (first message, improvement consent as typed, age as typed, benefits as typed, district)
    "ar": ("أحتاج مساعدة في إيجاد سكن", "لا", "٣٤", '/inform{"answer": "asylblg"}', "Kinderhaus"),
    "uk": ("мені потрібна допомога з житлом", "так", "34", '/inform{"answer": "none"}', "Gievenbeck"),
    "tr": ("ev arıyorum, yardım lazım", "hayır", "34 yaşındayım", '/inform{"answer": "buergergeld"}', "Coerde"),
}


@pytest.mark.parametrize("lang", sorted(CONVERSATIONS))
def test_a_whole_intake_in_the_persons_language(lang: str, chat: Chat, staff: Staff) -> None:
    first, improve, age, benefits, district = CONVERSATIONS[lang]
    replies = chat.texts(chat.say(first))
    assert expected(lang, "utter_ask_consent") in replies, replies
    assert expected(lang, "utter_ask_consent_improve") in chat.texts(chat.say("/affirm"))
    assert expected(lang, "utter_ask_nickname") in chat.texts(chat.say(improve))
    assert expected(lang, "utter_ask_age") in chat.texts(chat.say('/inform{"answer": "skip"}'))
    assert expected(lang, "utter_ask_receives_benefits") in chat.texts(chat.say(age))
    assert expected(lang, "utter_ask_residence_status") in chat.texts(chat.say(benefits))
    assert expected(lang, "utter_ask_district") in chat.texts(chat.say('/inform{"answer": "residence_permit"}'))
    assert expected(lang, "utter_ask_contact_channel") in chat.texts(chat.say(district))
    summary = chat.texts(chat.say('/inform{"answer": "chat"}'))
    assert expected(lang, "utter_ask_intake_confirmed") in summary and "34" in summary
    assert expected(lang, "utter_intake_submitted") in chat.texts(chat.say("/affirm"))

    [intake] = intakes_of(staff, chat.sender)
    assert intake["language"] == lang
    assert intake["age"] == 34
    assert intake["district"] == district
    assert intake["consent_improve"] is (improve == "так")
    assert intake["needs"][0] == {**intake["needs"][0], "intent": "need_housing", "text": first}
    assert "basic_needs" in [goal["code"] for goal in intake["goals"]]


def test_switching_language_mid_intake_asks_again_in_the_new_language(chat: Chat) -> None:
    chat.say("Ich suche eine Wohnung")
    chat.say("/affirm")
    chat.say("/deny")  # no to the improvement question
    switched = chat.texts(chat.say('/change_language{"language": "fa"}'))
    assert expected("fa", "utter_language_changed") in switched
    assert expected("fa", "utter_ask_nickname") in switched
