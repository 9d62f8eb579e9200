"""Small readers of the tracker shared by every action."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from actions import i18n
from actions.contract import NEED_INTENTS


def language_of(tracker: Tracker) -> str:
    return i18n.normalise_language(tracker.get_slot("language"))


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def channel_of(tracker: Tracker) -> str:
    """The contract's channel code: telegram, webchat or rest (the default of the REST API)."""
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") or tracker.get_latest_input_channel() or "rest"
    return channel if channel in ("telegram", "webchat") else "rest"


def needs_of(tracker: Tracker) -> List[Dict[str, Any]]:
    return list(tracker.get_slot("needs") or [])


def need_intents(needs: List[Dict[str, Any]]) -> List[str]:
    return [need["intent"] for need in needs if need.get("intent") in NEED_INTENTS]
