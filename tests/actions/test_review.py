"""Review items for the operators' inbox: only with consent_improve, never form answers, nothing lost."""
from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional

from actions.case_api import case_api
from actions.dialogue import ActionDeleteMyData, ActionFallback, ActionRequestHuman, ActionSubmitIntake
from actions.intake_form import ValidateIntakeForm
from tests.actions.conftest import DOMAIN, make_tracker, responses
from tests.actions.test_dialogue import CONFIRMED

_ids = itertools.count(1)
UNSURE = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "need_housing", "confidence": 0.31},
          {"name": "need_money", "confidence": 0.28}, {"name": "greet", "confidence": 0.1}, {"name": "thank", "confidence": 0.05}]


def user(text: str, intent: str, ranking: Optional[List[Dict[str, Any]]] = None, confidence: float = 0.9) -> Dict[str, Any]:
    """A user event as Rasa stores it (the action server gets them in tracker.events)."""
    ranking = ranking or [{"name": intent, "confidence": confidence}]
    parse = {"text": text, "intent": {"name": intent, "confidence": ranking[0]["confidence"]},
             "intent_ranking": ranking, "entities": []}
    return {"event": "user", "text": text, "message_id": f"m{next(_ids)}", "parse_data": parse, "metadata": {}}


def slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def loop(name: Optional[str]) -> Dict[str, Any]:
    return {"event": "active_loop", "name": name}


def tracker_after(events: List[Dict[str, Any]], **slots: Any):
    """The tracker as the action server sees it after these events; the latest message is the last one."""
    last = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return make_tracker(last["text"], last["intent"]["name"], ranking=last["intent_ranking"],
                        confidence=last["intent"]["confidence"], slots={"language": "de", **slots}, events=events)


def items(fake_api) -> List[Dict[str, Any]]:
    return [r for r in fake_api.received if r["path"] == "/api/review-items"]


async def test_an_unsure_message_goes_to_the_inbox_with_consent(fake_api, dispatcher) -> None:
    events = [slot("consent", True), slot("consent_improve", True), slot("nickname", "Samira"),
              user("Samira sucht ne Bude", "nlu_fallback", UNSURE), slot("language", "de")]
    await ActionFallback().run(dispatcher, tracker_after(events, consent_improve=True, nickname="Samira"), DOMAIN)
    [sent] = items(fake_api)
    assert sent["key"] == f"conversation-1:{events[3]['message_id']}" and sent["auth"] == "Bearer bot-secret"
    assert sent["body"] == {
        "conversation_id": "conversation-1", "message_id": events[3]["message_id"], "language": "de",
        "text": "Samira sucht ne Bude", "source": "fallback", "predicted_intent": "need_housing", "confidence": 0.31,
        "ranking": [{"name": "need_housing", "confidence": 0.31}, {"name": "need_money", "confidence": 0.28},
                    {"name": "greet", "confidence": 0.1}],
        "known_names": ["Samira"],
    }
    assert dispatcher.messages, "the person still gets the fallback answer"


async def test_without_consent_improve_nothing_is_sent(fake_api, dispatcher) -> None:
    for consent_improve in (None, False):
        events = [user("knurzel pöhlwabe", "nlu_fallback", UNSURE)]
        await ActionFallback().run(dispatcher, tracker_after(events, consent_improve=consent_improve), DOMAIN)
        await ActionRequestHuman().run(dispatcher, tracker_after(events + [user("Mensch", "request_human")],
                                                                 consent_improve=consent_improve), DOMAIN)
    assert items(fake_api) == []
    assert case_api().outbox.pending() == []


async def test_case_api_down_keeps_the_item_and_sends_it_later_once(fake_api, dispatcher) -> None:
    fake_api.up = False
    events = [user("knurzel pöhlwabe", "nlu_fallback", UNSURE)]
    await ActionFallback().run(dispatcher, tracker_after(events, consent_improve=True), DOMAIN)
    assert [entry.kind for entry in case_api().outbox.pending()] == ["review_item"]
    fake_api.up = True
    assert await case_api().flush() == 1
    assert await case_api().flush() == 0
    [sent] = items(fake_api)
    assert sent["body"]["text"] == "knurzel pöhlwabe"


async def test_a_message_is_sent_once_even_if_the_assistant_is_unsure_twice_about_it(fake_api, dispatcher) -> None:
    events = [user("knurzel pöhlwabe", "nlu_fallback", UNSURE)]
    tracker = tracker_after(events, consent_improve=True)
    await ActionFallback().run(dispatcher, tracker, DOMAIN)
    await ActionFallback().run(dispatcher, tracker, DOMAIN)  # the same turn again (Rasa retried it)
    assert len(items(fake_api)) == 1


async def test_saying_yes_sends_the_unsure_messages_from_before_but_no_answers_or_buttons(fake_api, dispatcher) -> None:
    events = [
        user("knurzel pöhlwabe", "nlu_fallback", UNSURE), slot("language", "de"),
        user("/need_housing", "need_housing"),
        user("Ich suche eine Wohnung", "need_housing"),
        loop("intake_form"), slot("requested_slot", "consent"),
        user("jo passt", "nlu_fallback", UNSURE),  # the answer to the consent question: not sent
        slot("consent", True), slot("requested_slot", "consent_improve"),
        user("ja", "affirm"),
    ]
    tracker = tracker_after(events, consent=True, consent_improve="ja", requested_slot="consent_improve")
    result = await ValidateIntakeForm().validate_consent_improve("ja", dispatcher, tracker, DOMAIN)
    assert result == {"consent_improve": True}
    assert [(i["body"]["text"], i["body"]["source"]) for i in items(fake_api)] == [("knurzel pöhlwabe", "fallback")]


async def test_no_skip_or_unclear_to_the_improvement_question(fake_api, dispatcher) -> None:
    form = ValidateIntakeForm()
    earlier = [user("knurzel pöhlwabe", "nlu_fallback", UNSURE)]
    for text, intent in (("nein", "deny"), ("/deny", "deny"), ("lieber nicht", "inform")):
        tracker = tracker_after(earlier + [user(text, intent)])
        assert await form.validate_consent_improve(text, dispatcher, tracker, DOMAIN) == {"consent_improve": False}
    assert dispatcher.messages == []
    unclear = tracker_after(earlier + [user("hmm", "inform")])
    assert await form.validate_consent_improve("hmm", dispatcher, unclear, DOMAIN) == {"consent_improve": None}
    assert responses(dispatcher) == ["utter_consent_unclear"]
    assert items(fake_api) == []


async def test_a_request_for_a_person_sends_the_conversations_messages_but_not_the_answers(fake_api, dispatcher) -> None:
    events = [
        user("mein Vermieter will mich rauswerfen", "need_housing", confidence=0.62), slot("language", "de"),
        loop("intake_form"), slot("requested_slot", "consent"), user("ja", "affirm"),
        slot("consent", True), slot("requested_slot", "consent_improve"), user("ja", "affirm"), slot("consent_improve", True),
        slot("requested_slot", "contact_value"), user("0151 2345678", "nlu_fallback", UNSURE),  # an answer
        loop(None), slot("requested_slot", None),
        user("knurzel pöhlwabe", "nlu_fallback", UNSURE),
        user("ich will mit einem Menschen reden", "request_human"),
    ]
    await ActionRequestHuman().run(dispatcher, tracker_after(events, **{**CONFIRMED, "consent_improve": True}), DOMAIN)
    sent = [(i["body"]["text"], i["body"]["source"]) for i in items(fake_api)]
    assert sent == [("mein Vermieter will mich rauswerfen", "handover"), ("knurzel pöhlwabe", "fallback"),
                    ("ich will mit einem Menschen reden", "handover")]
    assert not any("0151" in text for text, _ in sent)
    assert items(fake_api)[0]["body"]["predicted_intent"] == "need_housing"
    assert items(fake_api)[0]["body"]["confidence"] == 0.62


async def test_a_person_asked_for_before_the_yes_is_reported_with_the_yes(fake_api, dispatcher) -> None:
    events = [
        user("Hilfe bei der Bude", "nlu_fallback", UNSURE),
        user("Mensch bitte", "request_human"), slot("human_requested", True),
        loop("intake_form"), slot("requested_slot", "consent"), user("ja", "affirm"),
        slot("consent", True), slot("requested_slot", "consent_improve"), user("ja", "affirm"),
    ]
    tracker = tracker_after(events, consent=True, human_requested=True, requested_slot="consent_improve")
    await ValidateIntakeForm().validate_consent_improve("ja", dispatcher, tracker, DOMAIN)
    assert [(i["body"]["text"], i["body"]["source"]) for i in items(fake_api)] == [
        ("Hilfe bei der Bude", "fallback"), ("Mensch bitte", "handover")]


async def test_each_message_keeps_the_language_it_was_written_in(fake_api, dispatcher) -> None:
    events = [user("knurzel pöhlwabe", "nlu_fallback", UNSURE), slot("language", "de"),
              user("I need someone", "request_human"), slot("language", "en")]
    await ActionRequestHuman().run(dispatcher, tracker_after(events, consent_improve=True, language="en"), DOMAIN)
    assert [i["body"]["language"] for i in items(fake_api)] == ["de", "en"]


async def test_emoji_only_and_earlier_sessions_are_not_sent(fake_api, dispatcher) -> None:
    events = [user("Wohnung knurzel", "nlu_fallback", UNSURE), {"event": "session_started"},
              user("🙂🙂", "nlu_fallback", [{"name": "nlu_fallback", "confidence": 0.5}]),
              user("Mensch", "request_human")]
    await ActionRequestHuman().run(dispatcher, tracker_after(events, consent_improve=True), DOMAIN)
    assert [i["body"]["text"] for i in items(fake_api)] == ["Mensch"]


async def test_the_intake_carries_the_improvement_consent(fake_api, dispatcher) -> None:
    for consent_improve, expected in ((True, True), (False, False), (None, False)):
        await ActionSubmitIntake().run(dispatcher, make_tracker(slots={**CONFIRMED, "consent_improve": consent_improve}), DOMAIN)
        intake = [r for r in fake_api.received if r["path"] == "/api/intakes"][-1]["body"]
        assert intake["consent_improve"] is expected
        assert intake["consent"]["improve_service"] is expected


async def test_deleting_my_data_drops_review_items_still_waiting(fake_api, dispatcher) -> None:
    fake_api.up = False
    events = [user("knurzel pöhlwabe", "nlu_fallback", UNSURE)]
    await ActionFallback().run(dispatcher, tracker_after(events, consent_improve=True), DOMAIN)
    await ActionDeleteMyData().run(dispatcher, make_tracker("delete", "delete_my_data"), DOMAIN)
    fake_api.up = True
    await case_api().flush()
    assert [r["path"] for r in fake_api.received] == ["/api/erasure"]


async def test_the_improvement_question_comes_right_after_a_yes_to_consent() -> None:
    form_slots = list(DOMAIN["forms"]["intake_form"]["required_slots"])
    asked = await ValidateIntakeForm().required_slots(form_slots, None, make_tracker(slots={"consent": True}), DOMAIN)
    assert asked[:3] == ["consent", "consent_improve", "nickname"]
    assert await ValidateIntakeForm().required_slots(form_slots, None, make_tracker(slots={"consent": False}), DOMAIN) == []
