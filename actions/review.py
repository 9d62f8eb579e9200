"""Review items for the operators' inbox (issue 7, docs/interfaces.md): messages the assistant
was unsure about (nlu_fallback) and the messages of a conversation that ends in a request for a
person, sent to `POST /api/review-items` through the outbox, only from people who said yes to
`consent_improve` (asked once after the main consent; anything but yes means no).

The messages are read from the conversation's events, so those from before the "yes" are sent
when it comes. What the person typed while a form question was open (a name, an age, a phone
number) is an answer, not something to learn from, and is never sent; nor are button presses.
The case API masks names and numbers before it stores anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker

from actions.case_api import case_api
from actions.contract import SLOT_CONSENT_IMPROVE, SLOT_NICKNAME
from actions.i18n import normalise_language
from actions.text import clean, fold
from bot.nlu.evaluation import FALLBACK_INTENT, top_intent

KIND = "review_item"
MAX_TEXT = 2000
RANKING_LENGTH = 3


def may_improve(tracker: Tracker) -> bool:
    return tracker.get_slot(SLOT_CONSENT_IMPROVE) is True


@dataclass
class Said:
    """One message the person typed, as the conversation's events record it."""

    message_id: Optional[str]
    text: str
    parse_data: Dict[str, Any]
    language: Optional[str]
    answer: bool  # typed while a form question was open

    @property
    def fell_back(self) -> bool:
        return (self.parse_data.get("intent") or {}).get("name") == FALLBACK_INTENT


def messages_of(events: Iterable[Dict[str, Any]]) -> List[Said]:
    """The person's messages of the current session, each with the language the turn settled on."""
    said: List[Said] = []
    loop: Optional[str] = None
    requested: Optional[str] = None
    language: Optional[str] = None
    for event in events:
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            said, loop, requested = [], None, None
        elif kind == "active_loop":
            loop = event.get("name")
        elif kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "slot" and event.get("name") == "language":
            language = event.get("value")
            if said:  # set by action_validate_slot_mappings after the message: the message's language
                said[-1].language = language
        elif kind == "user":
            said.append(Said(
                message_id=event.get("message_id"),
                text=event.get("text") or "",
                parse_data=event.get("parse_data") or {},
                language=language,
                answer=bool(loop and requested),
            ))
    return said


def asked_back_words(tracker: Tracker) -> Optional[str]:
    """The words a button answers: when the latest message is a button the person pressed right
    after a message the assistant asked back (action_fallback's topics, "I am in danger"), that
    message's text; otherwise None (a button has no words of its own)."""
    said = messages_of(tracker.events)
    if len(said) < 2 or not said[-1].text.startswith("/") or not said[-2].fell_back:
        return None
    return said[-2].text or None


def learnable(message: Said) -> bool:
    """Words someone could label: not a button, not a form answer, not only emoji or symbols."""
    return bool(message.message_id) and not message.answer and not message.text.startswith("/") and bool(fold(message.text))


def review_item(tracker: Tracker, message: Said, source: str) -> Dict[str, Any]:
    """The body of `POST /api/review-items` for one message (docs/interfaces.md)."""
    parse = message.parse_data
    predicted, _ = top_intent(parse)
    ranking = [
        {"name": entry["name"], "confidence": round(float(entry.get("confidence") or 0.0), 4)}
        for entry in parse.get("intent_ranking") or []
        if entry.get("name") and entry["name"] != FALLBACK_INTENT
    ][:RANKING_LENGTH]
    confidence = next((entry["confidence"] for entry in ranking if entry["name"] == predicted), None)
    if confidence is None and predicted == (parse.get("intent") or {}).get("name"):
        confidence = (parse.get("intent") or {}).get("confidence")
    nickname = tracker.get_slot(SLOT_NICKNAME)
    return {
        "conversation_id": tracker.sender_id,
        "message_id": message.message_id,
        "language": normalise_language(message.language or tracker.get_slot("language")),
        "text": clean(message.text, MAX_TEXT),
        "source": source,
        "predicted_intent": None if predicted == FALLBACK_INTENT else predicted,
        "confidence": None if confidence is None else round(float(confidence), 4),
        "ranking": ranking,
        "known_names": [nickname] if isinstance(nickname, str) and nickname.strip() else [],
    }


def item_key(tracker: Tracker, message: Said) -> str:
    return f"{tracker.sender_id}:{message.message_id}"


async def send(tracker: Tracker, messages: Iterable[Said], source: Optional[str] = None) -> List[str]:
    """Post review items for these messages; the keys of those new to the outbox.

    Each message goes once (the outbox knows its key), as "fallback" when the assistant was
    unsure about it, else as `source`. After the first failed delivery the rest are only
    written to the outbox: its worker sends them once the case API answers again.
    """
    api = case_api()
    keys: List[str] = []
    reachable = True
    for message in messages:
        key = item_key(tracker, message)
        if not learnable(message) or api.outbox.has(key):
            continue
        body = review_item(tracker, message, "fallback" if message.fell_back else (source or "fallback"))
        if reachable:
            reachable = (await api.deliver(KIND, body, key=key)).delivered
        else:
            api.outbox.put(key, KIND, body)
        keys.append(key)
    return keys


async def report_fallback(tracker: Tracker) -> List[str]:
    """action_fallback: the message the assistant was unsure about, with consent."""
    if not may_improve(tracker):  # most people: nothing to walk through
        return []
    said = messages_of(tracker.events)
    if not said or not said[-1].fell_back:
        return []
    return await send(tracker, said[-1:])


async def report_handover(tracker: Tracker) -> List[str]:
    """The conversation ends in a request for a person: its messages so far, with consent."""
    if not may_improve(tracker):
        return []
    return await send(tracker, messages_of(tracker.events), source="handover")


async def report_on_agreement(tracker: Tracker) -> List[str]:
    """The person just said yes to consent_improve: what they wrote before it in this conversation
    (the messages the assistant was unsure about; all of them when they asked for a person)."""
    said = messages_of(tracker.events)
    if tracker.get_slot("human_requested"):
        return await send(tracker, said, source="handover")
    return await send(tracker, [message for message in said if message.fell_back])
