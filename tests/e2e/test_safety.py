"""Emergency, a person, deletion and odd input work at any point of a conversation."""
from __future__ import annotations

import uuid

import httpx

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import HOSTILE, INVALID_UTF8, MEGABYTE
from tests.e2e.conftest import Chat, Staff, expected, intakes_of


def test_emergency_in_the_middle_of_the_questions_gives_the_numbers_and_ends_the_form(chat: Chat, staff: Staff) -> None:
    chat.say("Ich suche eine Wohnung")
    chat.say("/affirm")
    chat.say("/deny")  # no to the improvement question
    replies = chat.texts(chat.say("/emergency"))
    assert "112" in replies and "0800 111 0 111" in replies and "116 016" in replies
    [intake] = intakes_of(staff, chat.sender)
    assert intake["urgency"] == "high"
    # The form is over: an answer now is not taken as a nickname.
    assert expected("de", "utter_ask_age") not in chat.texts(chat.say("Sami"))


def test_emergency_before_consent_stores_nothing(chat: Chat, staff: Staff) -> None:
    replies = chat.texts(chat.say("/emergency"))
    assert "112" in replies
    assert intakes_of(staff, chat.sender, timeout=3) == []


def test_delete_my_data_removes_the_intake_and_the_conversation(chat: Chat, staff: Staff, stack) -> None:
    import httpx

    chat.say("I need a flat")
    for answer in ("/affirm", "/deny", '/inform{"answer": "skip"}', "30", '/inform{"answer": "none"}',
                   '/inform{"answer": "unknown"}', '/inform{"answer": "skip"}', '/inform{"answer": "chat"}', "/affirm"):
        chat.say(answer)
    assert len(intakes_of(staff, chat.sender)) == 1
    assert expected("en", "utter_confirm_delete") in chat.texts(chat.say("/delete_my_data"))
    assert expected("en", "utter_data_deleted") in chat.texts(chat.say("/affirm"))
    assert intakes_of(staff, chat.sender, timeout=3) == []
    token = stack.environment()["WEGWEISER_RASA_TOKEN"]
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker", params={"token": token}).json()
    texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert "I need a flat" not in texts and tracker["slots"].get("age") is None


@pytest.mark.parametrize("message", list(HOSTILE.values()), ids=list(HOSTILE))
def test_odd_input_gets_a_sensible_reply(chat: Chat, message: str) -> None:
    replies = chat.say(message)
    assert replies, "the person must always get an answer"
    assert all(reply.get("text") for reply in replies)


def test_a_megabyte_and_invalid_utf8_through_the_rest_channel_get_no_server_error(stack, chat: Chat) -> None:
    huge = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": chat.sender, "message": MEGABYTE},
                      timeout=120)
    assert huge.status_code < 500
    broken = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=INVALID_UTF8,
                        headers={"Content-Type": "application/json"}, timeout=60)
    assert broken.status_code < 500
    assert chat.say("hallo"), "the conversation goes on"


def test_asking_for_a_person_after_the_intake_sends_a_flagged_intake(chat: Chat, staff: Staff) -> None:
    chat.say("I need a flat")
    for answer in ("/affirm", "/deny", '/inform{"answer": "skip"}', "41", '/inform{"answer": "none"}',
                   '/inform{"answer": "residence_permit"}', '/inform{"answer": "skip"}', '/inform{"answer": "chat"}', "/affirm"):
        chat.say(answer)
    replies = chat.texts(chat.say("/request_human"))
    assert expected("en", "utter_human_handover") in replies
    flagged = [intake for intake in intakes_of(staff, chat.sender) if intake["human_requested"]]
    assert len(flagged) == 1 and flagged[0]["needs"] == []


def test_asking_for_a_person_first_asks_consent_then_flags_the_intake(chat: Chat, staff: Staff) -> None:
    replies = chat.texts(chat.say("/request_human"))
    assert expected("de", "utter_human_after_questions") in replies
    assert expected("de", "utter_ask_consent") in replies


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_text_at_all_gets_an_answer(stack, text: str) -> None:
    """Property: whatever a person types as a first message, the assistant answers."""
    chat = Chat(stack, f"hypothesis-{uuid.uuid4().hex}")
    replies = chat.say(text)
    assert replies and all(reply.get("text") for reply in replies), repr(text)
