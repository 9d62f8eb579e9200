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
