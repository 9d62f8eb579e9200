"""The intake form: consent first, then the contract's slots, a summary, and confirmation."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import answers, review
from actions.contract import CONTACT_CHANNELS_WITH_VALUE, RECEIVES_BENEFITS, RESIDENCE_STATUS, CONTACT_CHANNELS
from actions.conversation import language_of, latest_intent, latest_text, need_intents, needs_of
from actions.i18n import label
from actions.settings import settings

FORM = "intake_form"
CORRECTABLE = ("nickname", "age", "receives_benefits", "residence_status", "district", "contact_channel")
SKIPPED = ""  # an optional question the person chose not to answer


def parse_answer(slot: str, text: str) -> Optional[Any]:
    """The slot value a message answers with, or None when it does not answer the question."""
    parsers: Dict[str, Callable[[str], Any]] = {
        "age": answers.parse_age,
        "receives_benefits": lambda t: answers.parse_category("receives_benefits", t, RECEIVES_BENEFITS),
        "residence_status": lambda t: answers.parse_category("residence_status", t, RESIDENCE_STATUS),
        "contact_channel": lambda t: answers.parse_category("contact_channel", t, CONTACT_CHANNELS),
    }
    parser = parsers.get(slot)
    return parser(text) if parser else None


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("consent") is False:
            return []  # declined: no personal question at all
        slots = list(domain_slots)
        if tracker.get_slot("contact_channel") not in CONTACT_CHANNELS_WITH_VALUE:
            slots.remove("contact_value")
        return slots

    def _retry(self, slot: str, response: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        """Ask again, friendly; if the message was really another need, say it was noted instead."""
        intent = latest_intent(tracker)
        if intent and intent.startswith("need_") and intent in need_intents(needs_of(tracker)):
            dispatcher.utter_message(response="utter_need_noted", topic=label(language_of(tracker), f"need.{intent}"))
        else:
            dispatcher.utter_message(response=response)
        return {slot: None}

    def validate_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        answer = answers.yes_or_no(latest_text(tracker), latest_intent(tracker))
        if answer is None:
            return self._retry("consent", "utter_consent_unclear", dispatcher, tracker)
        if answer:
            return {"consent": True, "consent_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        return {"consent": False, "consent_at": None}

    async def validate_consent_improve(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        """The separate, optional consent (asked only after a yes to `consent`): no unless a clear yes."""
        text = latest_text(tracker)
        answer = False if answers.is_skip(text) else answers.yes_or_no(text, latest_intent(tracker))
        if answer is None:
            return self._retry("consent_improve", "utter_consent_unclear", dispatcher, tracker)
        if answer:
            await review.report_on_agreement(tracker)  # what they wrote before the yes
        return {"consent_improve": answer}

    def _optional_text(self, slot: str, limit: int, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        text = latest_text(tracker)
        if answers.is_skip(text):
            return {slot: SKIPPED}
        value = answers.parse_free_text(text, limit)
        if value is None:
            return self._retry(slot, f"utter_invalid_{slot}", dispatcher, tracker)
        return {slot: value}

    def validate_nickname(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._optional_text("nickname", 40, dispatcher, tracker)

    def validate_district(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._optional_text("district", 60, dispatcher, tracker)

    def _parsed(self, slot: str, invalid: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        value = parse_answer(slot, latest_text(tracker))
        if value is None:
            return self._retry(slot, invalid, dispatcher, tracker)
        return {slot: value}

    def validate_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._parsed("age", "utter_invalid_age", dispatcher, tracker)

    def validate_receives_benefits(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._parsed("receives_benefits", "utter_invalid_choice", dispatcher, tracker)

    def validate_residence_status(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._parsed("residence_status", "utter_invalid_choice", dispatcher, tracker)

    def validate_contact_channel(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        result = self._parsed("contact_channel", "utter_invalid_choice", dispatcher, tracker)
        if result["contact_channel"] not in CONTACT_CHANNELS_WITH_VALUE:
            result["contact_value"] = None
        return result

    def validate_contact_value(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        channel = tracker.get_slot("contact_channel")
        parse = answers.parse_phone if channel == "phone" else answers.parse_email
        parsed = parse(latest_text(tracker))
        if parsed is None:
            return self._retry("contact_value", f"utter_invalid_{channel}", dispatcher, tracker)
        return {"contact_value": parsed}

    def validate_intake_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        text = latest_text(tracker)
        button = answers.button_answer(text) or ""
        if button.startswith("correct:") and button.split(":", 1)[1] in CORRECTABLE:
            # Clearing the slot makes the form ask that question again, then show the summary again.
            return {"intake_confirmed": None, button.split(":", 1)[1]: None}
        answer = answers.yes_or_no(text, latest_intent(tracker))
        if answer is True:
            return {"intake_confirmed": True}
        if answer is False:
            return {"intake_confirmed": None, "correcting": True}
        return self._retry("intake_confirmed", "utter_confirm_unclear", dispatcher, tracker)


class ActionAskConsent(Action):
    def name(self) -> Text:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_ask_consent", privacy_url=settings.privacy_url)
        return []


class ActionAskContactValue(Action):
    def name(self) -> Text:
        return "action_ask_contact_value"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        channel = tracker.get_slot("contact_channel")
        dispatcher.utter_message(response="utter_ask_contact_value_email" if channel == "email" else "utter_ask_contact_value_phone")
        return []


def summary_lines(tracker: Tracker) -> str:
    """The intake as the person will see it before confirming, in their language."""
    lang = language_of(tracker)
    not_given = label(lang, "summary.not_given")

    def shown(slot: str, prefix: Optional[str] = None) -> str:
        value = tracker.get_slot(slot)
        if value in (None, SKIPPED):
            return not_given
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return label(lang, f"{prefix}.{value}") if prefix else str(value)

    topics = ", ".join(label(lang, f"need.{intent}") for intent in need_intents(needs_of(tracker))) or not_given
    contact = shown("contact_channel", "contact")
    if tracker.get_slot("contact_value"):
        contact = f"{contact} ({tracker.get_slot('contact_value')})"
    rows = [
        ("summary.topics", topics),
        ("summary.nickname", shown("nickname")),
        ("summary.age", shown("age")),
        ("summary.receives_benefits", shown("receives_benefits", "benefits")),
        ("summary.residence_status", shown("residence_status", "residence")),
        ("summary.district", shown("district")),
        ("summary.contact", contact),
    ]
    return "\n".join(f"• {label(lang, key)}: {value}" for key, value in rows)


class ActionAskIntakeConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_intake_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("correcting"):
            dispatcher.utter_message(response="utter_ask_what_to_correct")
            return [SlotSet("correcting", False)]
        dispatcher.utter_message(response="utter_ask_intake_confirmed", summary=summary_lines(tracker))
        return []
