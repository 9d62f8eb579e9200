"""The thin slice the whole system depends on: health, login, submit, read back."""

from __future__ import annotations

import uuid

def test_health_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_login_returns_an_expiring_bearer_token(client, password):
    response = client.post("/api/auth/token", data={"username": "cm_caritas", "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"username": "cm_caritas", "role": "case_manager", "organisation": "caritas"}


def test_wrong_password_and_unknown_user_look_the_same(client):
    wrong = client.post("/api/auth/token", data={"username": "cm_caritas", "password": "nope"})
    unknown = client.post("/api/auth/token", data={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_expired_token_is_refused(client, settings, db):
    from api.auth import service
    from api.auth.models import User
    from sqlalchemy import select

    user = db.scalar(select(User).where(User.username == "cm_drk"))
    expired = settings.model_copy(update={"token_expire_minutes": 1})
    token, _ = service.issue_token(user, expired)
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    claims["exp"] = claims["iat"] - 10
    stale = jwt.encode(claims, settings.effective_secret_key(), algorithm="HS256")
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {stale}"})
    assert response.status_code == 401


def test_submitted_intake_can_be_read_back_by_a_case_manager(submit, client, as_user):
    response = submit()
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "new"
    assert uuid.UUID(created["id"])
    read = client.get(f"/api/intakes/{created['id']}", headers=as_user("cm_sozialamt"))
    assert read.status_code == 200, read.text
    record = read.json()
    assert record == created
    assert record["needs"][0]["text"] == "Ich suche eine Wohnung"
    assert record["goals"] == [{"code": "basic_needs", "rule": "goal.need_housing"}]
    assert record["consent"]["text_version"] == "consent-v1"


def test_intake_needs_the_bot_token(client, make_intake):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    assert client.post("/api/intakes", json=make_intake(), headers=headers).status_code == 401
    wrong = headers | {"Authorization": "Bearer not-the-bot-token"}
    assert client.post("/api/intakes", json=make_intake(), headers=wrong).status_code == 401


def test_staff_token_cannot_submit_intakes(client, as_user, make_intake):
    headers = as_user("admin") | {"Idempotency-Key": str(uuid.uuid4())}
    assert client.post("/api/intakes", json=make_intake(), headers=headers).status_code == 403


def test_intake_without_idempotency_key_is_rejected(client, make_intake, bot_token):
    response = client.post(
        "/api/intakes", json=make_intake(), headers={"Authorization": f"Bearer {bot_token}"}
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in str(response.json()["detail"][0]["loc"])


def test_erasure_deletes_every_intake_of_the_conversation(submit, client, as_user):
    first = submit(conversation_id="conv-to-erase").json()["id"]
    submit(conversation_id="conv-to-erase")
    other = submit(conversation_id="conv-to-keep").json()["id"]
    response = client.post(
        "/api/erasure", json={"conversation_id": "conv-to-erase"}, headers=as_user("bot")
    )
    assert response.status_code == 200, response.text
    assert response.json()["deleted_intakes"] == 2
    assert client.get(f"/api/intakes/{first}", headers=as_user("cm_drk")).status_code == 404
    assert client.get(f"/api/intakes/{other}", headers=as_user("cm_drk")).status_code == 200


def test_login_with_a_nul_byte_in_the_username_is_refused_not_a_server_error(client):
    response = client.post("/api/auth/token", data={"username": "cm\x00caritas", "password": "whatever-password"})
    assert response.status_code == 401
