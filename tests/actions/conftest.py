"""Offline fixtures for action tests: trackers as Rasa would send them, a fake case API."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import case_api as case_api_module
from actions.case_api import CaseApi
from actions.settings import Settings

DOMAIN: Dict[str, Any] = {"slots": {}, "forms": {"intake_form": {"required_slots": [
    "consent", "consent_improve", "nickname", "age", "receives_benefits", "residence_status", "district",
    "contact_channel", "contact_value", "intake_confirmed"]}}}


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    confidence: float = 0.95,
    ranking: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    metadata: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    sender_id: str = "conversation-1",
    events: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    intent_dict = {"name": intent, "confidence": confidence} if intent else {}
    latest = {
        "text": text,
        "intent": intent_dict,
        "intent_ranking": ranking if ranking is not None else ([intent_dict] if intent else []),
        "entities": entities or [],
        "metadata": metadata or {},
    }
    all_slots = {"language": "de", "requested_slot": None}
    all_slots.update(slots or {})
    return Tracker(
        sender_id, all_slots, latest, events or [], False, None,
        {"name": active_loop} if active_loop else {}, "action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> List[str]:
    return [m.get("response") or m.get("text") for m in dispatcher.messages]


class FakeCaseApi:
    """Records what the action server sends; can be switched off to simulate an outage."""

    def __init__(self) -> None:
        self.up = True
        self.received: List[Dict[str, Any]] = []
        self.stored: Dict[str, Dict[str, Any]] = {}

    def handler(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("case API down", request=request)
        body = json.loads(request.content)
        key = request.headers["Idempotency-Key"]
        self.received.append({"path": request.url.path, "key": key, "body": body,
                              "auth": request.headers.get("Authorization")})
        if request.url.path == "/api/erasure":
            return httpx.Response(200, json={"deleted_intakes": 1})
        if request.url.path == "/api/review-items":
            known = key in self.stored
            stored = self.stored.setdefault(key, {**body, "id": len(self.stored) + 1})
            return httpx.Response(200 if known else 201, json={"id": stored["id"]})
        stored = self.stored.setdefault(key, {**body, "id": f"intake-{len(self.stored) + 1}"})
        return httpx.Response(201, json=stored)


@pytest.fixture
def fake_api(tmp_path, monkeypatch) -> FakeCaseApi:
    fake = FakeCaseApi()
    settings = Settings(api_url="http://case-api.test", bot_token="bot-secret", outbox_path=tmp_path / "outbox.db")
    monkeypatch.setattr(case_api_module, "_instance", CaseApi(settings, transport=httpx.MockTransport(fake.handler)))
    return fake


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()

