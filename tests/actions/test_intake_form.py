"""The intake form: consent first, friendly re-asks, corrections, a summary in the person's language."""
from __future__ import annotations

from actions.intake_form import ActionAskIntakeConfirmed, ValidateIntakeForm
from tests.actions.conftest import DOMAIN, make_tracker, responses

FORM_SLOTS = DOMAIN["forms"]["intake_form"]["required_slots"]


async def required(tracker) -> list:
    return await ValidateIntakeForm().required_slots(list(FORM_SLOTS), None, tracker, DOMAIN)


async def test_consent_is_the_first_question_and_declining_ends_the_questions() -> None:
    assert (await required(make_tracker(slots={})))[0] == "consent"
    assert await required(make_tracker(slots={"consent": False})) == []


async def test_contact_value_is_asked_only_for_phone_or_email() -> None:
    assert "contact_value" not in await required(make_tracker(slots={"consent": True, "contact_channel": "chat"}))
    assert "contact_value" in await required(make_tracker(slots={"consent": True, "contact_channel": "phone"}))


def test_consent_yes_records_the_time(dispatcher) -> None:
    result = ValidateIntakeForm().validate_consent("/affirm", dispatcher, make_tracker("/affirm", "affirm"), DOMAIN)
    assert result["consent"] is True and result["consent_at"]


def test_consent_no(dispatcher) -> None:
    result = ValidateIntakeForm().validate_consent("nein", dispatcher, make_tracker("nein", "deny"), DOMAIN)
    assert result == {"consent": False, "consent_at": None}


def test_unclear_consent_is_asked_again(dispatcher) -> None:
    result = ValidateIntakeForm().validate_consent("hmm", dispatcher, make_tracker("hmm", "inform"), DOMAIN)
    assert result == {"consent": None}
    assert responses(dispatcher) == ["utter_consent_unclear"]


def test_age_300_gets_a_friendly_re_ask(dispatcher) -> None:
    result = ValidateIntakeForm().validate_age("300", dispatcher, make_tracker("300", "inform"), DOMAIN)
    assert result == {"age": None}
    assert responses(dispatcher) == ["utter_invalid_age"]


def test_age_in_words_and_digits(dispatcher) -> None:
    tracker = make_tracker("ich bin 27 Jahre alt", "inform")
    assert ValidateIntakeForm().validate_age(None, dispatcher, tracker, DOMAIN) == {"age": 27}


def test_another_need_instead_of_an_answer_is_noted_not_scolded(dispatcher) -> None:
    tracker = make_tracker("ich brauche auch Arbeit", "need_work", slots={
        "needs": [{"intent": "need_housing", "text": "Wohnung", "confidence": 0.9},
                  {"intent": "need_work", "text": "ich brauche auch Arbeit", "confidence": 0.9}]})
    result = ValidateIntakeForm().validate_age(None, dispatcher, tracker, DOMAIN)
    assert result == {"age": None}
    assert responses(dispatcher) == ["utter_need_noted"]
    assert dispatcher.messages[0]["topic"] == "Arbeit"


def test_letters_for_a_phone_number_are_re_asked(dispatcher) -> None:
    tracker = make_tracker("ruf mich an", "inform", slots={"contact_channel": "phone"})
    assert ValidateIntakeForm().validate_contact_value(None, dispatcher, tracker, DOMAIN) == {"contact_value": None}
    assert responses(dispatcher) == ["utter_invalid_phone"]


def test_choosing_chat_clears_an_earlier_phone_number(dispatcher) -> None:
    tracker = make_tracker('/inform{"answer": "chat"}', "inform")
    assert ValidateIntakeForm().validate_contact_channel(None, dispatcher, tracker, DOMAIN) == {
        "contact_channel": "chat", "contact_value": None}


def test_skipping_an_optional_question(dispatcher) -> None:
    tracker = make_tracker('/inform{"answer": "skip"}', "inform")
    assert ValidateIntakeForm().validate_nickname(None, dispatcher, tracker, DOMAIN) == {"nickname": ""}


def test_html_in_a_name_is_kept_as_text(dispatcher) -> None:
    tracker = make_tracker("<b>Sami</b>", "inform")
    assert ValidateIntakeForm().validate_nickname(None, dispatcher, tracker, DOMAIN) == {"nickname": "<b>Sami</b>"}


def test_correcting_the_age_from_the_summary_asks_it_again(dispatcher) -> None:
    tracker = make_tracker('/inform{"answer": "correct:age"}', "inform", slots={"age": 34})
    assert ValidateIntakeForm().validate_intake_confirmed(None, dispatcher, tracker, DOMAIN) == {
        "intake_confirmed": None, "age": None}


async def test_no_to_the_summary_offers_what_to_change_instead_of_the_summary(dispatcher) -> None:
    tracker = make_tracker("/deny", "deny")
    result = ValidateIntakeForm().validate_intake_confirmed(None, dispatcher, tracker, DOMAIN)
    assert result == {"intake_confirmed": None, "correcting": True}
    events = await ActionAskIntakeConfirmed().run(dispatcher, make_tracker(slots=result), DOMAIN)
    assert responses(dispatcher) == ["utter_ask_what_to_correct"]
    assert events[0]["name"] == "correcting" and events[0]["value"] is False


async def test_summary_is_in_the_persons_language(dispatcher) -> None:
    tracker = make_tracker(slots={
        "language": "en", "needs": [{"intent": "need_housing", "text": "flat", "confidence": 0.9}],
        "nickname": "", "age": 34.0, "receives_benefits": "buergergeld", "residence_status": "duldung",
        "district": "Hiltrup", "contact_channel": "phone", "contact_value": "01512345678"})
    await ActionAskIntakeConfirmed().run(dispatcher, tracker, DOMAIN)
    summary = dispatcher.messages[0]["summary"]
    assert "Topic: housing" in summary
    assert "Age: 34" in summary and "34.0" not in summary
    assert "Name: not given" in summary
    assert "phone (01512345678)" in summary
