"""Test data shared by the suites: one valid intake submission of the contract."""
from __future__ import annotations

import uuid


def intake_body(**overrides) -> dict:
    body = {
        "conversation_id": f"conv-{uuid.uuid4()}",
        "channel": "rest",
        "language": "de",
        "consent": {
            "given": True,
            "given_at": "2026-11-24T10:00:00Z",
            "text_version": "consent-v1",
            "improve_service": False,
        },
        "nickname": None,
        "age": 34,
        "receives_benefits": "buergergeld",
        "residence_status": "residence_permit",
        "district": None,
        "contact": {"channel": "chat", "value": None},
        "needs": [{"intent": "need_housing", "text": "Ich suche eine Wohnung", "confidence": 0.93}],
        "goals": [{"code": "basic_needs", "rule": "goal.need_housing"}],
        "referrals": [{"code": "kim_case_management", "rule": "kim.focus_housing"}],
        "urgency": "normal",
        "human_requested": False,
    }
    body.update(overrides)
    return body


def review_item_body(**overrides) -> dict:
    """A review item as the action server sends it (docs/interfaces.md, review inbox)."""
    body = {
        "conversation_id": f"conv-{uuid.uuid4()}",
        "message_id": uuid.uuid4().hex,
        "language": "de",
        "text": "Ich brauche was wegen Papiere vom Amt",
        "source": "fallback",
        "predicted_intent": "need_residence",
        "confidence": 0.42,
        "ranking": [{"name": "need_residence", "confidence": 0.42}, {"name": "need_money", "confidence": 0.31}],
        "known_names": [],
    }
    body.update(overrides)
    return body


def review_key(body: dict) -> str:
    return f"{body['conversation_id']}:{body['message_id']}"
