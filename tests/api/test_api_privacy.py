"""Audit trail, export, erasure (including Rasa's tracker store) and retention."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select


def _audit(db):
    from api.audit.models import AuditEntry

    db.expire_all()
    return [(a.actor, a.action, a.object_type, a.object_id) for a in db.scalars(select(AuditEntry))]


def test_reading_personal_data_writes_an_audit_entry_without_the_data(new_case, client, as_user, db):
    case_id = new_case(nickname="Amira")
    client.get(f"/api/intakes/{case_id}", headers=as_user("cm_drk"))
    client.get(f"/api/cases/{case_id}", headers=as_user("cm_drk"))
    client.get(f"/api/cases/{case_id}/export", headers=as_user("cm_drk"))
    assert _audit(db) == [
        ("cm_drk", "read", "intake", case_id),
        ("cm_drk", "read", "case", case_id),
        ("cm_drk", "export", "intake", case_id),
    ]
    entries = client.get("/api/audit", headers=as_user("admin")).json()
    assert "Amira" not in str(entries)
    assert entries["total"] == 3


def test_export_contains_everything_about_the_person(new_case, client, as_user):
    case_id = new_case(conversation_id="conv-export", nickname="Amira")
    headers = as_user("cm_ggua")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    client.post(f"/api/cases/{case_id}/notes", json={"text": "Notiz"}, headers=headers)
    client.post(f"/api/cases/{case_id}/barriers", json={"category": "no_appointment"}, headers=headers)
    export = client.post("/api/privacy/export", json={"conversation_id": "conv-export"}, headers=as_user("bot"))
    assert export.status_code == 200, export.text
    (record,) = export.json()["intakes"]
    assert record["nickname"] == "Amira"
    assert record["case"]["notes"][0]["text"] == "Notiz"
    assert record["case"]["barriers"][0]["category"] == "no_appointment"
    assert record["case"]["referrals"][0]["target"] == "kim_case_management"


def _rasa(app, handler):
    from api.privacy.rasa import RasaTrackers

    settings = app.state.settings.model_copy(update={"rasa_url": "http://rasa.test:5005"})
    app.state.rasa_trackers = RasaTrackers(settings, transport=httpx.MockTransport(handler))


def test_erasure_also_deletes_the_rasa_tracker(app, new_case, client, as_user, db):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.raw_path.decode()))
        return httpx.Response(204)

    _rasa(app, handler)
    new_case(conversation_id="conv/with slash")
    response = client.post("/api/erasure", json={"conversation_id": "conv/with slash"}, headers=as_user("bot"))
    assert response.json() == {
        "deleted_intakes": 1,
        "deleted_review_items": 0,
        "trackers": [{"status": "deleted", "detail": ""}],
        "complete": True,
    }
    assert seen == [("DELETE", "/webhooks/erasure/conversations/conv%2Fwith%20slash")]
    from api.cases.models import Case, CaseEvent
    from api.referrals.models import Referral

    db.expire_all()
    for model in (Case, CaseEvent, Referral):
        assert db.scalar(select(func.count()).select_from(model)) == 0


def test_rasa_failure_is_reported_not_a_crash(app, new_case, client, as_user):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    _rasa(app, handler)
    new_case(conversation_id="conv-rasa-down")
    response = client.post("/api/erasure", json={"conversation_id": "conv-rasa-down"}, headers=as_user("bot"))
    assert response.status_code == 200
    body = response.json()
    assert body["deleted_intakes"] == 1
    assert body["complete"] is False
    assert body["trackers"][0]["status"] == "failed"


def test_erasure_of_an_unknown_conversation_deletes_nothing(client, as_user):
    response = client.post("/api/erasure", json={"conversation_id": "never-seen"}, headers=as_user("bot"))
    assert response.status_code == 200
    assert response.json()["deleted_intakes"] == 0


def test_case_manager_can_erase_a_case_on_request(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_caritas")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    assert client.delete(f"/api/cases/{case_id}", headers=as_user("cm_drk")).status_code == 404
    assert client.delete(f"/api/cases/{case_id}", headers=headers).json()["deleted_intakes"] == 1
    assert client.get(f"/api/cases/{case_id}", headers=headers).status_code == 404


def test_retention_deletes_old_closed_cases_and_old_unclaimed_intakes_without_contact(
    app, new_case, client, as_user, db, settings
):
    from api.cases.models import Case
    from api.intakes.models import Intake
    from api.kit.types import utcnow
    from api.privacy.service import run_retention

    headers = as_user("cm_drk")
    old_closed = new_case()
    client.post(f"/api/cases/{old_closed}/claim", headers=headers)
    client.post(f"/api/cases/{old_closed}/status", json={"status": "in_progress"}, headers=headers)
    client.post(f"/api/cases/{old_closed}/status", json={"status": "closed", "outcome": "no_contact"}, headers=headers)
    old_unclaimed_no_contact = new_case()
    old_unclaimed_with_phone = new_case(contact={"channel": "phone", "value": "+49 251 000000"})
    recent = new_case()
    long_ago = utcnow() - timedelta(days=settings.retention_days + 1)
    db.expire_all()
    for intake in db.scalars(select(Intake)):
        if str(intake.id) != recent:
            intake.created_at = long_ago
    db.get(Case, __import__("uuid").UUID(old_closed)).status_changed_at = long_ago
    db.commit()

    report = run_retention(db, settings)
    assert report.deleted_intakes == 2
    db.expire_all()
    left = {str(i) for i in db.scalars(select(Intake.id))}
    assert left == {old_unclaimed_with_phone, recent}
    assert old_unclaimed_no_contact not in left


def test_export_of_a_conversation_includes_its_review_items_masked(new_case, client, as_user, post_review_item):
    new_case(conversation_id="conv-export-review")
    assert post_review_item(conversation_id="conv-export-review", text="knurzel, ruf mich an 0176 1234567",
                            message_id="m-export").status_code == 201
    post_review_item(conversation_id="someone-else", text="nicht meins", message_id="m-other")
    export = client.post("/api/privacy/export", json={"conversation_id": "conv-export-review"}, headers=as_user("bot"))
    assert export.status_code == 200, export.text
    (item,) = export.json()["review_items"]
    assert "knurzel" in item["text"] and "1234567" not in item["text"]
    assert item["source"] == "fallback" and item["status"] == "open"
