"""Slots filled after every message, in and out of the form: language, needs, fallback count."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions import language, review
from actions.contract import NEED_INTENTS
from actions.intake_form import parse_answer
from actions.settings import settings
from actions.text import clean

MAX_NEED_TEXT = 2000


def needs_in_message(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The needs one message expresses: its intent, and a second need the classifier also saw.

    "Ich suche eine Wohnung und Arbeit" ranks need_housing first and need_work clearly above
    the rest; both are kept, each with the person's words and the classifier's confidence. The
    linear classifier gives each ranked intent its one-vs-rest `score` (a second need shows as a
    score near or above 0 while its softmax confidence stays small); without scores the
    confidence decides.
    """
    raw = message.get("text") or ""
    if raw.startswith("/"):  # a button: the intent is certain, and there are no words to keep
        intent = (message.get("intent") or {}).get("name")
        return [{"intent": intent, "text": "", "confidence": 1.0}] if intent in NEED_INTENTS else []
    text = clean(raw, MAX_NEED_TEXT)
    ranking = message.get("intent_ranking") or [message.get("intent") or {}]
    top = ranking[0] if ranking else {}
    if top.get("name") not in NEED_INTENTS or (top.get("confidence") or 0) < settings.need_confidence:
        return []
    found = [{"intent": top["name"], "text": text, "confidence": round(float(top["confidence"]), 4)}]
    for candidate in ranking[1:3]:
        if candidate.get("name") in NEED_INTENTS and _also_seen(candidate):
            found.append({"intent": candidate["name"], "text": text, "confidence": round(float(candidate["confidence"]), 4)})
    return found


def _also_seen(candidate: Dict[str, Any]) -> bool:
    if candidate.get("score") is not None:
        return float(candidate["score"]) >= settings.secondary_need_score
    return (candidate.get("confidence") or 0) >= settings.secondary_need_confidence


class ValidateSlotMappings(ValidationAction):
    """action_validate_slot_mappings: Rasa runs it after every user message."""

    async def extract_language(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        message = tracker.latest_message
        current = tracker.get_slot("language")
        chosen = language.choose_language(
            current,
            message.get("text") or "",
            explicit=language.explicit_choice(message),
            hint=language.channel_hint(message),
        )
        return {} if chosen == current else {"language": chosen}

    async def extract_needs(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop_name and requested and parse_answer(requested, tracker.latest_message.get("text") or "") is not None:
            return {}  # "Bürgergeld" answering the benefits question is not a new need for money
        known = list(tracker.get_slot("needs") or [])
        seen = {need["intent"] for need in known}
        found = needs_in_message(tracker.latest_message)
        words = review.asked_back_words(tracker)  # a topic button of an ask-back: the words it answers
        if words:
            found = [{**need, "text": clean(words, MAX_NEED_TEXT)} for need in found]
        added = [need for need in found if need["intent"] not in seen]
        return {"needs": known + added} if added else {}

    async def extract_fallback_misses(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent != "nlu_fallback" and tracker.get_slot("fallback_misses"):
            return {"fallback_misses": 0.0}
        return {}
