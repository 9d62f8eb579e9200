"""The thin slice through the real servers: a need in a chat becomes an intake in the case API."""
from __future__ import annotations

from tests.e2e.conftest import Chat, Staff, intakes_of


def test_german_housing_need_becomes_an_intake(chat: Chat, staff: Staff) -> None:
    replies = chat.texts(chat.say("Ich suche eine Wohnung"))
    assert "Wohnung" in replies and "Darf ich Ihre Antworten speichern" in replies

    assert "Noch eine freiwillige Frage" in chat.texts(chat.say("/affirm"))  # consent_improve, default no
    assert "Wie dürfen wir Sie nennen" in chat.texts(chat.say("nein"))
    assert "Wie alt sind Sie" in chat.texts(chat.say('/inform{"answer": "skip"}'))
    assert "Bekommen Sie Geld vom Amt" in chat.texts(chat.say("34"))
    assert "Aufenthaltspapier" in chat.texts(chat.say("ich bekomme Bürgergeld"))
    assert "Stadtteil" in chat.texts(chat.say('/inform{"answer": "residence_permit"}'))
    assert "erreichen" in chat.texts(chat.say("Hiltrup"))
    summary = chat.texts(chat.say('/inform{"answer": "chat"}'))
    assert "34" in summary and "Bürgergeld" in summary and "Hiltrup" in summary
    done = chat.texts(chat.say("/affirm"))
    assert "angekommen" in done

    [intake] = intakes_of(staff, chat.sender)
    assert intake["language"] == "de"
    assert intake["age"] == 34
    assert intake["receives_benefits"] == "buergergeld"
    assert intake["consent"]["given"] is True
    assert intake["consent_improve"] is False
    assert [need["text"] for need in intake["needs"]] == ["Ich suche eine Wohnung"]
    assert intake["needs"][0]["intent"] == "need_housing"
    assert "basic_needs" in [goal["code"] for goal in intake["goals"]]
    assert all(goal["rule"] for goal in intake["goals"])


def test_english_declined_consent_stores_nothing(chat: Chat, staff: Staff) -> None:
    replies = chat.texts(chat.say("I need a flat"))
    assert "May I save your answers" in replies
    declined = chat.texts(chat.say("/deny"))
    assert "I will not save anything" in declined
    assert intakes_of(staff, chat.sender, timeout=3) == []


def test_unauthenticated_intake_read_is_refused(stack) -> None:
    import httpx

    response = httpx.get(f"{stack.api_url}/api/intakes/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 401
