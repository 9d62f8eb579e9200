"""What the assistant does besides asking questions: acknowledge, submit, route, protect."""
from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, review
from actions.case_api import case_api
from actions.contract import CONTACT_CHANNELS_WITH_VALUE, NEED_INTENTS
from actions.conversation import channel_of, language_of, latest_intent, latest_text, need_intents, needs_of
from actions.i18n import catalog, label
from actions.intake_form import FORM, SKIPPED
from actions.routing import Routing, RoutingTable, load_routing_table
from actions.settings import settings
from actions.text import clean


@lru_cache(maxsize=1)
def routing_table() -> RoutingTable:
    return load_routing_table()


def _slot(tracker: Tracker, name: str) -> Any:
    value = tracker.get_slot(name)
    return None if value == SKIPPED else value


def flags_of(needs: List[Dict[str, Any]]) -> Dict[str, Optional[bool]]:
    """Routing flags from the person's own words: a child or Kita, a refused asylum claim."""
    words = " ".join(need.get("text") or "" for need in needs)
    return {flag: (True if answers.match_keyword(flag, words) else None) for flag in ("family", "asylum_refused")}


def route(tracker: Tracker) -> Routing:
    age = _slot(tracker, "age")
    needs = needs_of(tracker)
    return routing_table().route(
        need_intents(needs),
        age=int(age) if age is not None else None,
        receives_benefits=_slot(tracker, "receives_benefits"),
        residence_status=_slot(tracker, "residence_status"),
        **flags_of(needs),
    )


def intake_record(
    tracker: Tracker, routing: Routing, urgency: str = "normal",
    extra_needs: Optional[List[Dict[str, Any]]] = None, human_requested: bool = False,
) -> Dict[str, Any]:
    """The contract's intake record (docs/interfaces.md), from what the person confirmed."""
    age = _slot(tracker, "age")
    channel = _slot(tracker, "contact_channel") or "chat"
    improve = review.may_improve(tracker)
    return {
        "conversation_id": tracker.sender_id,
        "channel": channel_of(tracker),
        "language": language_of(tracker),
        "consent": {
            "given": True,
            "given_at": tracker.get_slot("consent_at"),
            "text_version": settings.consent_text_version,
            "improve_service": improve,
        },
        "consent_improve": improve,
        "nickname": _slot(tracker, "nickname"),
        "age": int(age) if age is not None else None,
        "receives_benefits": _slot(tracker, "receives_benefits") or "unknown",
        "residence_status": _slot(tracker, "residence_status") or "unknown",
        "district": _slot(tracker, "district"),
        "contact": {
            "channel": channel,
            "value": _slot(tracker, "contact_value") if channel in CONTACT_CHANNELS_WITH_VALUE else None,
        },
        "needs": needs_of(tracker) + (extra_needs or []),
        **routing.as_dict(),
        "urgency": urgency,
        "human_requested": human_requested,
    }


def next_steps(lang: str, routing: Routing) -> str:
    """Which service, and why, one line each, in the person's language."""
    lines = []
    for suggestion in routing.referrals:
        reason_key = f"reason.{suggestion.rule}"
        reason = catalog()[lang]["labels"].get(reason_key)
        service = label(lang, f"referral.{suggestion.code}")
        lines.append(f"• {service}: {reason}" if reason else f"• {service}")
    return "\n".join(lines)


def intake_key(tracker: Tracker) -> str:
    """The idempotency key of the conversation's next intake: the same when a turn is repeated.

    If the action server dies after writing the outbox but before Rasa stored the turn, the
    person's repeated "yes" produces the same key, so the case API keeps one intake, not two.
    """
    number = len(tracker.get_slot("intake_ids") or [])
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wegweiser:intake:{tracker.sender_id}:{number}"))


async def submit(
    tracker: Tracker, dispatcher: CollectingDispatcher, urgency: str = "normal",
    extra_needs: Optional[List[Dict[str, Any]]] = None, human_requested: bool = False,
) -> List[EventType]:
    """Hand the intake to the case API (through the outbox) and tell the person what happens next."""
    lang = language_of(tracker)
    routing = route(tracker)
    human_requested = human_requested or bool(tracker.get_slot("human_requested"))
    record = intake_record(tracker, routing, urgency, extra_needs, human_requested)
    delivery = await case_api().deliver("intake", record, key=intake_key(tracker))
    contact = _slot(tracker, "contact_channel") or "chat"
    dispatcher.utter_message(
        response="utter_intake_submitted" if delivery.delivered else "utter_intake_queued",
        next_steps=next_steps(lang, routing) or label(lang, "summary.case_management_decides"),
        contact_how=label(lang, f"contact_how.{contact}"),
    )
    if human_requested:
        dispatcher.utter_message(response="utter_human_handover")
    return [
        SlotSet("intake_ids", list(tracker.get_slot("intake_ids") or []) + [delivery.key]),
        SlotSet("needs", []),
        SlotSet("intake_confirmed", None),
        SlotSet("human_requested", False),
    ]


class ActionAcknowledgeNeed(Action):
    def name(self) -> Text:
        return "action_acknowledge_need"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = language_of(tracker)
        intents = need_intents(needs_of(tracker)) or [i for i in [latest_intent(tracker)] if i in NEED_INTENTS]
        topics = ", ".join(label(lang, f"need.{intent}") for intent in intents)
        dispatcher.utter_message(response="utter_need_ack", topic=topics)
        return []


class ActionSubmitIntake(Action):
    """Runs when the form is done: submit with consent, or give general referrals without."""

    def name(self) -> Text:
        return "action_submit_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("consent") is not True:
            lang = language_of(tracker)
            routing = routing_table().route(need_intents(needs_of(tracker)), **flags_of(needs_of(tracker)))
            dispatcher.utter_message(
                response="utter_consent_declined",
                next_steps=next_steps(lang, routing) or label(lang, "summary.case_management_decides"),
            )
            return [SlotSet("needs", []), SlotSet("human_requested", False)]
        if tracker.get_slot("intake_confirmed") is not True:
            return []
        return await submit(tracker, dispatcher)


class ActionEmergency(Action):
    """Acute danger: the real numbers at once, no questions; an urgent intake only with consent."""

    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_emergency")
        events: List[EventType] = []
        if tracker.active_loop_name:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        if tracker.get_slot("consent") is True:
            words = [{"intent": "emergency", "text": clean(review.asked_back_words(tracker) or latest_text(tracker), 2000), "confidence": float((tracker.latest_message.get("intent") or {}).get("confidence") or 1.0)}]
            events += await submit(tracker, dispatcher, urgency="high", extra_needs=words)
        return events


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = [SlotSet("human_requested", True)]
        await review.report_handover(tracker)  # with consent_improve: the inbox learns from it
        if tracker.active_loop_name == FORM:
            dispatcher.utter_message(response="utter_human_after_questions")
            return events  # the rule continues the form; the flag travels with the intake
        if tracker.get_slot("consent") is True and tracker.get_slot("contact_channel"):
            return events + await submit(tracker, dispatcher, human_requested=True)
        dispatcher.utter_message(response="utter_human_after_questions")
        return events + [FollowupAction(FORM)]


class ActionDeleteMyData(Action):
    """Deletes the intakes of this conversation in the case API and the conversation itself.

    The conversation's events are removed by the tracker store when it sees `erasure_requested`
    (bot/tracker_store.py); the case API erasure goes through the outbox, so it happens even
    if the API is down right now.
    """

    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        case_api().outbox.forget_conversation(tracker.sender_id)
        delivery = await case_api().deliver("erasure", {"conversation_id": tracker.sender_id})
        dispatcher.utter_message(response="utter_data_deleted" if delivery.delivered else "utter_data_deletion_queued")
        language = tracker.get_slot("language")
        return [SlotSet(name, None) for name in tracker.slots if name not in ("language", "requested_slot")] + [
            SlotSet("language", language),
            SlotSet("erasure_requested", True),
        ]


def may_be_an_emergency(ranking: List[Dict[str, Any]]) -> bool:
    """``emergency`` is among the two likeliest intents behind an ``nlu_fallback``."""
    return "emergency" in [item.get("name") for item in ranking if item.get("name") != "nlu_fallback"][:2]


class ActionFallback(Action):
    """Not sure what the person means: offer the two likeliest topics, then a person."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        await review.report_fallback(tracker)  # with consent_improve: an operator can label it
        ranking = tracker.latest_message.get("intent_ranking") or []
        danger = may_be_an_emergency(ranking)
        if danger:
            # Unsure, but danger is one of the two likeliest readings: the numbers cost nothing if
            # it was not one, and a question first could cost a life. No intake unless the person
            # says so (the "I am in danger" button below): it may not be one.
            dispatcher.utter_message(response="utter_emergency")
        misses = int(tracker.get_slot("fallback_misses") or 0) + 1
        if misses >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return [SlotSet("fallback_misses", 0.0)]
        lang = language_of(tracker)
        topics = [item["name"] for item in ranking if item.get("name") in NEED_INTENTS][:2]
        if not topics:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            buttons = [{"title": label(lang, f"need.{t}"), "payload": f"/{t}"} for t in topics]
            if danger:
                buttons.insert(0, {"title": label(lang, "button.emergency"), "payload": "/emergency"})
            buttons.append({"title": label(lang, "button.something_else"), "payload": "/help"})
            dispatcher.utter_message(text=label(lang, "fallback.which_topic"), buttons=buttons)
        return [SlotSet("fallback_misses", float(misses))]


class ActionChangeLanguage(Action):
    def name(self) -> Text:
        return "action_change_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        entities = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "language"]
        if entities or (tracker.latest_message.get("metadata") or {}).get("language"):
            dispatcher.utter_message(response="utter_language_changed")
        else:
            dispatcher.utter_message(response="utter_choose_language")
        return []


class ActionAnswerYes(Action):
    """A "yes" outside any question. If the person had confirmed an intake whose submission never
    ran (the action server was unreachable at that moment, and Rasa dropped the turn's events),
    this "yes" is their retry: submit now. Otherwise explain what the assistant can do."""

    def name(self) -> Text:
        return "action_answer_yes"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("consent") is True and tracker.get_slot("intake_confirmed") is True:
            return await submit(tracker, dispatcher)
        dispatcher.utter_message(response="utter_help")
        return []
