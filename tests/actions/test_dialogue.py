"""Submitting, routing, safety: what the person is told and what reaches the case API."""
from __future__ import annotations

from actions.dialogue import ActionDeleteMyData, ActionEmergency, ActionFallback, ActionRequestHuman, ActionSubmitIntake
from actions.case_api import case_api
from rasa_sdk.executor import CollectingDispatcher
from actions.slot_mappings import ValidateSlotMappings, needs_in_message
from tests.actions.conftest import DOMAIN, make_tracker, responses

CONFIRMED = {
    "consent": True, "consent_at": "2026-11-24T10:00:00+00:00", "nickname": "", "age": 24.0,
    "receives_benefits": "buergergeld", "residence_status": "residence_permit", "district": "Kinderhaus",
    "contact_channel": "phone", "contact_value": "01512345678", "intake_confirmed": True,
    "needs": [{"intent": "need_work", "text": "ich suche Arbeit", "confidence": 0.91}],
}


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_confirmed_intake_reaches_the_case_api_with_routing(fake_api, dispatcher) -> None:
    events = await ActionSubmitIntake().run(dispatcher, make_tracker(slots=CONFIRMED), DOMAIN)
    [sent] = fake_api.received
    assert sent["path"] == "/api/intakes" and sent["auth"] == "Bearer bot-secret"
    intake = sent["body"]
    assert intake["conversation_id"] == "conversation-1"
    assert intake["age"] == 24 and intake["nickname"] is None
    assert intake["contact"] == {"channel": "phone", "value": "01512345678"}
    assert intake["needs"] == CONFIRMED["needs"]
    assert {"code": "education_work", "rule": "goal.need_work"} in intake["goals"]
    referrals = {r["code"] for r in intake["referrals"]}
    assert {"jobcenter", "jmd"} <= referrals
    assert responses(dispatcher) == ["utter_intake_submitted"]
    assert "Jobcenter" in dispatcher.messages[0]["next_steps"]
    assert slot_events(events)["needs"] == [] and slot_events(events)["intake_ids"] == [sent["key"]]


async def test_case_api_down_keeps_the_intake_and_sends_it_later_once(fake_api, dispatcher) -> None:
    fake_api.up = False
    await ActionSubmitIntake().run(dispatcher, make_tracker(slots=CONFIRMED), DOMAIN)
    assert responses(dispatcher) == ["utter_intake_queued"]
    assert len(case_api().outbox.pending()) == 1
    fake_api.up = True
    assert await case_api().flush() == 1
    assert await case_api().flush() == 0
    assert len(fake_api.received) == 1 and fake_api.received[0]["body"]["age"] == 24


async def test_without_consent_nothing_is_sent_but_referrals_are_suggested(fake_api, dispatcher) -> None:
    tracker = make_tracker(slots={"consent": False, "language": "en",
                                  "needs": [{"intent": "need_naturalisation", "text": "passport", "confidence": 0.9}]})
    await ActionSubmitIntake().run(dispatcher, tracker, DOMAIN)
    assert fake_api.received == []
    assert responses(dispatcher) == ["utter_consent_declined"]
    assert "Einbürgerung" in dispatcher.messages[0]["next_steps"]


async def test_emergency_without_consent_gives_numbers_and_stores_nothing(fake_api, dispatcher) -> None:
    tracker = make_tracker("mein Mann schlägt mich", "emergency", active_loop="intake_form")
    events = await ActionEmergency().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_emergency"]
    assert fake_api.received == []
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


async def test_emergency_with_consent_sends_an_urgent_intake(fake_api, dispatcher) -> None:
    tracker = make_tracker("I want to die", "emergency", slots={**CONFIRMED, "intake_confirmed": None})
    await ActionEmergency().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher)[0] == "utter_emergency"
    [sent] = fake_api.received
    assert sent["body"]["urgency"] == "high"
    assert sent["body"]["needs"][-1] == {"intent": "emergency", "text": "I want to die", "confidence": 0.95}


async def test_request_human_after_an_intake_sends_a_flagged_one(fake_api, dispatcher) -> None:
    tracker = make_tracker("Mensch bitte", "request_human", slots=CONFIRMED)
    await ActionRequestHuman().run(dispatcher, tracker, DOMAIN)
    assert fake_api.received[0]["body"]["human_requested"] is True
    assert "utter_human_handover" in responses(dispatcher)


async def test_request_human_without_consent_starts_the_questions(fake_api, dispatcher) -> None:
    events = await ActionRequestHuman().run(dispatcher, make_tracker("human", "request_human"), DOMAIN)
    assert fake_api.received == []
    assert any(e["event"] == "followup" and e["name"] == "intake_form" for e in events)


async def test_delete_my_data_erases_in_the_case_api_and_the_conversation(fake_api, dispatcher) -> None:
    events = await ActionDeleteMyData().run(dispatcher, make_tracker("lösch alles", "delete_my_data", slots=CONFIRMED), DOMAIN)
    assert fake_api.received[0]["path"] == "/api/erasure"
    assert fake_api.received[0]["body"] == {"conversation_id": "conversation-1"}
    slots = slot_events(events)
    assert slots["erasure_requested"] is True and slots["age"] is None and slots["language"] == "de"
    assert responses(dispatcher) == ["utter_data_deleted"]


async def test_delete_drops_intakes_still_waiting_in_the_outbox(fake_api, dispatcher) -> None:
    fake_api.up = False
    await ActionSubmitIntake().run(dispatcher, make_tracker(slots=CONFIRMED), DOMAIN)
    await ActionDeleteMyData().run(dispatcher, make_tracker("delete", "delete_my_data"), DOMAIN)
    fake_api.up = True
    await case_api().flush()
    assert [r["path"] for r in fake_api.received] == ["/api/erasure"]


async def test_fallback_offers_the_two_likeliest_topics_then_a_person(dispatcher) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "need_housing", "confidence": 0.3},
               {"name": "greet", "confidence": 0.2}, {"name": "need_money", "confidence": 0.1}]
    tracker = make_tracker("wonung geld", "nlu_fallback", ranking=ranking)
    events = await ActionFallback().run(dispatcher, tracker, DOMAIN)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/need_housing", "/need_money", "/help"]
    assert dispatcher.messages[0]["buttons"][0]["title"] == "Wohnung"
    second = make_tracker("???", "nlu_fallback", ranking=ranking, slots=slot_events(events))
    await ActionFallback().run(dispatcher, second, DOMAIN)
    assert responses(dispatcher)[-1] == "utter_offer_human"


async def test_an_unsure_reading_that_may_be_an_emergency_gets_the_numbers_at_once(fake_api, dispatcher) -> None:
    # "the neighbour said he will kill me, he is behind the door" in Finglish: asked back, but
    # danger is the likeliest reading behind the fallback.
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "emergency", "confidence": 0.41},
               {"name": "need_health", "confidence": 0.35}, {"name": "need_housing", "confidence": 0.1}]
    tracker = make_tracker("hamsaye gofte mikoshamet", "nlu_fallback", ranking=ranking, slots={"consent": True})
    events = await ActionFallback().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher)[0] == "utter_emergency"  # before any question
    buttons = dispatcher.messages[1]["buttons"]
    assert [b["payload"] for b in buttons] == ["/emergency", "/need_health", "/need_housing", "/help"]
    assert buttons[0]["title"] == "Ich bin in Gefahr"  # pressing it is the emergency intent: urgent intake
    assert fake_api.received == []  # no urgent intake: it may not be an emergency
    second = make_tracker("??", "nlu_fallback", ranking=[ranking[0], ranking[2], ranking[1]], slots=slot_events(events))
    await ActionFallback().run(dispatcher, second, DOMAIN)  # second in the ranking is still "likely"
    assert responses(dispatcher)[-2:] == ["utter_emergency", "utter_offer_human"]
    third = CollectingDispatcher()
    unlikely = [ranking[0], ranking[2], ranking[3], ranking[1]]
    await ActionFallback().run(third, make_tracker("wohnung arzt", "nlu_fallback", ranking=unlikely), DOMAIN)
    assert "utter_emergency" not in responses(third)
    assert "/emergency" not in [b["payload"] for b in third.messages[0]["buttons"]]


async def test_the_danger_button_sends_an_urgent_intake_with_the_words_that_were_asked_back(fake_api, dispatcher) -> None:
    events = [{"event": "user", "text": "hamsaye gofte mikoshamet", "parse_data": {"intent": {"name": "nlu_fallback"}}},
              {"event": "bot", "text": "112 / 110"}, {"event": "user", "text": "/emergency", "parse_data": {}}]
    pressed = make_tracker("/emergency", "emergency", confidence=1.0, events=events,
                           slots={**CONFIRMED, "intake_confirmed": None})
    await ActionEmergency().run(dispatcher, pressed, DOMAIN)
    [sent] = fake_api.received
    assert sent["body"]["urgency"] == "high"
    assert sent["body"]["needs"][-1] == {"intent": "emergency", "text": "hamsaye gofte mikoshamet", "confidence": 1.0}


async def test_a_topic_button_of_an_ask_back_keeps_the_words_that_were_asked_back() -> None:
    events = [{"event": "user", "text": "wonung geld", "parse_data": {"intent": {"name": "nlu_fallback"}}},
              {"event": "bot", "text": "Wohnung? Geld?"}, {"event": "user", "text": "/need_housing", "parse_data": {}}]
    pressed = make_tracker("/need_housing", "need_housing", confidence=1.0, events=events)
    slots = await ValidateSlotMappings().extract_needs(CollectingDispatcher(), pressed, DOMAIN)
    assert slots["needs"] == [{"intent": "need_housing", "text": "wonung geld", "confidence": 1.0}]
    menu = make_tracker("/need_housing", "need_housing", confidence=1.0,
                        events=[{"event": "user", "text": "hallo", "parse_data": {"intent": {"name": "greet"}}}, events[2]])
    slots = await ValidateSlotMappings().extract_needs(CollectingDispatcher(), menu, DOMAIN)
    assert slots["needs"] == [{"intent": "need_housing", "text": "", "confidence": 1.0}]  # a menu button: no words


def test_two_needs_in_one_message_are_both_kept() -> None:
    message = {"text": "Ich suche eine Wohnung und Arbeit", "intent": {"name": "need_housing", "confidence": 0.6},
               "intent_ranking": [{"name": "need_housing", "confidence": 0.6}, {"name": "need_work", "confidence": 0.35},
                                  {"name": "greet", "confidence": 0.05}]}
    assert [n["intent"] for n in needs_in_message(message)] == ["need_housing", "need_work"]
    assert needs_in_message({"text": "/need_money", "intent": {"name": "need_money", "confidence": 1.0}}) == [
        {"intent": "need_money", "text": "", "confidence": 1.0}]


async def test_needs_accumulate_over_the_conversation_but_a_form_answer_is_not_a_need(dispatcher) -> None:
    action = ValidateSlotMappings()
    known = [{"intent": "need_housing", "text": "Wohnung", "confidence": 0.9}]
    tracker = make_tracker("ich brauche einen Deutschkurs", "need_language_course", slots={"needs": known})
    result = await action.extract_needs(dispatcher, tracker, DOMAIN)
    assert [n["intent"] for n in result["needs"]] == ["need_housing", "need_language_course"]
    answering = make_tracker("Bürgergeld", "need_money", slots={"needs": known, "requested_slot": "receives_benefits"},
                             active_loop="intake_form")
    assert await action.extract_needs(dispatcher, answering, DOMAIN) == {}


async def test_a_kita_place_for_a_child_is_routed_to_the_jugendamt(fake_api, dispatcher) -> None:
    needs = [{"intent": "need_education", "text": "Ich brauche einen Kita-Platz für meine Tochter", "confidence": 0.9}]
    await ActionSubmitIntake().run(dispatcher, make_tracker(slots={**CONFIRMED, "needs": needs}), DOMAIN)
    referrals = {r["code"]: r["rule"] for r in fake_api.received[0]["body"]["referrals"]}
    assert referrals["jugendamt"] == "jugendamt.family_education"


async def test_a_refused_asylum_claim_in_arabic_is_routed_to_the_auslaenderbehoerde(fake_api, dispatcher) -> None:
    needs = [{"intent": "need_residence", "text": "رفضوا اللجوء تبعي شو اعمل", "confidence": 0.9}]
    slots = {**CONFIRMED, "needs": needs, "language": "ar", "residence_status": "unknown"}
    await ActionSubmitIntake().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    referrals = {r["code"]: r["rule"] for r in fake_api.received[0]["body"]["referrals"]}
    assert referrals["auslaenderbehoerde"] == "auslaenderbehoerde.asylum_refused"


async def test_a_repeated_submission_turn_reuses_its_idempotency_key(fake_api, dispatcher) -> None:
    tracker = make_tracker(slots=CONFIRMED)
    events = await ActionSubmitIntake().run(dispatcher, tracker, DOMAIN)
    await ActionSubmitIntake().run(dispatcher, make_tracker(slots=CONFIRMED), DOMAIN)  # the turn's events were lost
    assert fake_api.received[0]["key"] == fake_api.received[1]["key"]
    assert len(fake_api.stored) == 1
    after = make_tracker(slots={**CONFIRMED, **slot_events(events), "intake_confirmed": True, "needs": CONFIRMED["needs"]})
    await ActionSubmitIntake().run(dispatcher, after, DOMAIN)  # a later, new intake gets a new key
    assert fake_api.received[2]["key"] != fake_api.received[0]["key"]


async def test_a_yes_after_a_lost_submission_submits_the_confirmed_intake(fake_api, dispatcher) -> None:
    from actions.dialogue import ActionAnswerYes

    await ActionAnswerYes().run(dispatcher, make_tracker("/affirm", "affirm", slots=CONFIRMED), DOMAIN)
    assert [r["path"] for r in fake_api.received] == ["/api/intakes"]
    assert responses(dispatcher) == ["utter_intake_submitted"]


async def test_a_yes_without_a_question_explains_what_the_assistant_does(fake_api, dispatcher) -> None:
    from actions.dialogue import ActionAnswerYes

    await ActionAnswerYes().run(dispatcher, make_tracker("ja", "affirm"), DOMAIN)
    assert fake_api.received == [] and responses(dispatcher) == ["utter_help"]


def test_a_second_need_counts_by_the_classifiers_score_when_it_gives_one() -> None:
    ranking = [{"name": "need_housing", "confidence": 0.97, "score": 0.95},
               {"name": "need_work", "confidence": 0.03, "score": 0.32},
               {"name": "need_money", "confidence": 0.0, "score": -0.9}]
    message = {"text": "Ich suche eine Wohnung und Arbeit", "intent": ranking[0], "intent_ranking": ranking}
    assert [n["intent"] for n in needs_in_message(message)] == ["need_housing", "need_work"]
    ranking[1]["score"] = -0.6  # one need only: the runner-up does not read as a need of its own
    assert [n["intent"] for n in needs_in_message(message)] == ["need_housing"]
