"""Submitting intakes: idempotency, strict validation, size limits."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select


def _count_intakes(db) -> int:
    from api.intakes.models import Intake

    db.expire_all()
    return db.scalar(select(func.count()).select_from(Intake))


def test_same_key_and_body_returns_the_same_intake_and_creates_nothing(submit, make_intake, db):
    key = str(uuid.uuid4())
    body = make_intake(conversation_id="conv-replay")
    first = submit(key, **body)
    again = submit(key, **body)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert _count_intakes(db) == 1


def test_same_key_with_another_body_is_rejected(submit, db):
    key = str(uuid.uuid4())
    assert submit(key, conversation_id="conv-a").status_code == 201
    response = submit(key, conversation_id="conv-a", age=35)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"][0]["msg"]
    assert _count_intakes(db) == 1


def test_concurrent_duplicates_create_one_row(app, make_intake, bot_token, db):
    from fastapi.testclient import TestClient

    key = str(uuid.uuid4())
    body = make_intake(conversation_id="conv-race")
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def send() -> None:
        with TestClient(app) as client:
            barrier.wait()
            response = client.post(
                "/api/intakes",
                json=body,
                headers={"Authorization": f"Bearer {bot_token}", "Idempotency-Key": key},
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 7 + [201], statuses
    assert _count_intakes(db) == 1


@pytest.mark.parametrize(
    ("override", "where"),
    [
        ({"language": "xx"}, "language"),
        ({"channel": "sms"}, "channel"),
        ({"residence_status": "illegal"}, "residence_status"),
        ({"receives_benefits": "hartz4"}, "receives_benefits"),
        ({"urgency": "urgent"}, "urgency"),
        ({"age": -1}, "age"),
        ({"age": 10**30}, "age"),
        ({"needs": [{"intent": "need_pizza", "text": "x", "confidence": 0.5}]}, "intent"),
        ({"needs": [{"intent": "need_housing", "text": "x", "confidence": 1.5}]}, "confidence"),
        ({"goals": [{"code": "happiness", "rule": "r"}]}, "code"),
        ({"referrals": [{"code": "nasa", "rule": "r"}]}, "code"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"contact": {"channel": "phone", "value": None}}, "contact"),
        ({"contact": {"channel": "email", "value": "not an address"}}, "contact"),
        ({"nickname": "a\x00b"}, "nickname"),
    ],
)
def test_wrong_codes_and_unknown_fields_are_422_with_a_clear_message(submit, override, where):
    response = submit(**override)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(where in [str(part) for part in item["loc"]] for item in detail), detail
    assert all(item["msg"] for item in detail)


def test_unknown_field_in_consent_is_rejected(submit, make_intake):
    consent = make_intake()["consent"] | {"shown_in": "de"}
    response = submit(consent=consent)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_intake_without_consent_is_not_stored(submit, make_intake, db):
    consent = make_intake()["consent"] | {"given": False}
    response = submit(consent=consent)
    assert response.status_code == 422
    assert "consent" in response.json()["detail"][0]["msg"]
    assert _count_intakes(db) == 0


def test_rejected_input_is_not_echoed_back(submit):
    response = submit(residence_status="duldung-secret-value-xyz")
    assert response.status_code == 422
    assert "duldung-secret-value-xyz" not in response.text


def test_oversized_body_is_413(client, bot_token, make_intake):
    body = make_intake(needs=[{"intent": "need_housing", "text": "x" * 200_000, "confidence": 0.5}])
    response = client.post(
        "/api/intakes",
        json=body,
        headers={"Authorization": f"Bearer {bot_token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 413


def test_oversized_streamed_body_is_413(client, bot_token):
    def chunks():
        for _ in range(100):
            yield b"x" * 10_000

    response = client.post(
        "/api/intakes",
        content=chunks(),
        headers={
            "Authorization": f"Bearer {bot_token}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 413


def test_malformed_json_is_422_not_500(client, bot_token):
    response = client.post(
        "/api/intakes",
        content=b"{not json",
        headers={
            "Authorization": f"Bearer {bot_token}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 422


def test_special_category_fields_are_encrypted_at_rest(submit, db):
    from sqlalchemy import text

    submit(residence_status="duldung", needs=[
        {"intent": "need_mental_health", "text": "Ich kann nicht schlafen", "confidence": 0.8}
    ])
    raw_intake = db.execute(text("SELECT residence_status, conversation_id FROM intakes")).one()
    raw_need = db.execute(text("SELECT text FROM intake_needs")).scalar_one()
    assert "duldung" not in raw_intake[0]
    assert raw_intake[0].startswith("gAAAA")  # a Fernet token
    assert "schlafen" not in raw_need
    assert "conv-" not in raw_intake[1]


def test_intake_becomes_a_new_case_in_the_pool(submit, client, as_user):
    intake_id = submit(urgency="high").json()["id"]
    queue = client.get("/api/cases", headers=as_user("cm_ggua")).json()
    assert [item["id"] for item in queue["items"]] == [intake_id]
    item = queue["items"][0]
    assert item["status"] == "new"
    assert item["organisation"] is None
    assert item["goals"] == ["basic_needs"]
    assert item["referrals"] == ["kim_case_management"]
