"""What a case manager does with a case: queue, claim, status, notes, routing, referrals."""

from __future__ import annotations

from datetime import timedelta

import pytest


def test_queue_shows_urgent_first_then_longest_waiting(new_case, client, as_user, db):
    from api.cases.models import Case
    from api.intakes.models import Intake
    from api.kit.types import utcnow

    old_normal = new_case(urgency="normal")
    young_urgent = new_case(urgency="high")
    older_urgent = new_case(urgency="high")
    newest_normal = new_case(urgency="normal")
    ages = {old_normal: 50, young_urgent: 1, older_urgent: 10, newest_normal: 0}
    for intake in db.query(Intake):
        intake.created_at = utcnow() - timedelta(hours=ages[str(intake.id)])
        # The case carries a copy of its intake's time for the queue (an intake is never
        # edited in service; this test back-dates it by hand, so it back-dates the copy too).
        db.get(Case, intake.id).created_at = intake.created_at
    db.commit()

    items = client.get("/api/cases", headers=as_user("cm_drk")).json()["items"]
    assert [i["id"] for i in items] == [older_urgent, young_urgent, old_normal, newest_normal]
    assert items[0]["waiting_minutes"] >= 600

    waiting = client.get("/api/cases?min_waiting_hours=5", headers=as_user("cm_drk")).json()
    assert {i["id"] for i in waiting["items"]} == {older_urgent, old_normal}


def test_queue_filters_and_pagination(new_case, client, as_user):
    arabic = new_case(language="ar", district="Kinderhaus")
    health = new_case(
        goals=[{"code": "health", "rule": "goal.need_health"}],
        referrals=[{"code": "sozialamt", "rule": "r.asylblg"}],
    )
    for _ in range(3):
        new_case()
    headers = as_user("cm_caritas")

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/cases?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert ids("language=ar") == [arabic]
    assert ids("district=Kinderhaus") == [arabic]
    assert ids("goal=health") == [health]
    assert ids("referral=sozialamt") == [health]
    page = client.get("/api/cases?limit=2&offset=2", headers=headers).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    assert client.get("/api/cases?language=xx", headers=headers).status_code == 422
    assert client.get("/api/cases?limit=100000", headers=headers).status_code == 422


def test_claim_moves_the_case_to_the_organisation(new_case, client, as_user):
    case_id = new_case()
    response = client.post(f"/api/cases/{case_id}/claim", headers=as_user("cm_caritas"))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "claimed"
    assert response.json()["organisation"] == "caritas"
    # Gone from the pool for the others, and a second claim conflicts.
    assert client.get(f"/api/cases/{case_id}", headers=as_user("cm_drk")).status_code == 404
    assert client.post(f"/api/cases/{case_id}/claim", headers=as_user("cm_caritas")).status_code == 409
    # A colleague of the same organisation still sees it.
    assert client.get(f"/api/cases/{case_id}", headers=as_user("cm_sozialamt")).status_code == 404
    mine = client.get("/api/cases?scope=mine", headers=as_user("cm_caritas")).json()["items"]
    assert [i["id"] for i in mine] == [case_id]


def test_colleague_of_the_same_organisation_sees_the_claimed_case(new_case, client, as_user):
    case_id = new_case()
    client.post(f"/api/cases/{case_id}/claim", headers=as_user("cm_sozialamt"))
    assert client.get(f"/api/cases/{case_id}", headers=as_user("cm_sozialamt2")).status_code == 200


def test_status_follows_the_programme_and_refuses_jumps(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_ggua")

    def move(status: str, **extra):
        return client.post(f"/api/cases/{case_id}/status", json={"status": status, **extra}, headers=headers)

    assert move("in_progress").status_code == 409  # must be claimed first
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    assert move("closed", outcome="goals_reached").status_code == 409  # claimed -> closed skips work
    assert move("in_progress").status_code == 200
    assert move("new").status_code == 409
    assert move("closed").status_code == 422  # closing needs an outcome
    closed = move("closed", outcome="partly_reached")
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "partly_reached"
    assert move("in_progress").status_code == 409
    history = [(h["from_status"], h["to_status"]) for h in closed.json()["history"]]
    assert history == [(None, "new"), ("new", "claimed"), ("claimed", "in_progress"), ("in_progress", "closed")]


def test_notes_are_kept_with_author(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_drk")
    assert client.post(f"/api/cases/{case_id}/notes", json={"text": "x"}, headers=headers).status_code == 409
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    response = client.post(f"/api/cases/{case_id}/notes", json={"text": "Termin am Montag"}, headers=headers)
    assert response.status_code == 201
    detail = client.get(f"/api/cases/{case_id}", headers=headers).json()
    assert [(n["author"], n["text"]) for n in detail["notes"]] == [("cm_drk", "Termin am Montag")]


def test_routing_change_is_recorded_with_who_when_why(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_caritas")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    no_reason = {"action": "change", "goals": ["health"]}
    assert client.post(f"/api/cases/{case_id}/routing", json=no_reason, headers=headers).status_code == 422
    change = {
        "action": "change",
        "goals": ["basic_needs", "health"],
        "referrals": ["sozialamt"],
        "reason": "Wohnungsnot wegen Krankheit",
    }
    response = client.post(f"/api/cases/{case_id}/routing", json=change, headers=headers)
    assert response.status_code == 201, response.text
    decision = response.json()
    assert decision["actor"] == "cm_caritas"
    assert decision["goals_before"] == ["basic_needs"]
    assert decision["goals_after"] == ["basic_needs", "health"]
    assert decision["referrals_before"] == ["kim_case_management"]
    assert decision["referrals_after"] == ["sozialamt"]
    assert decision["suggestion_rules"] == ["goal.need_housing", "kim.focus_housing"]
    referrals = client.get(f"/api/cases/{case_id}/referrals", headers=headers).json()
    assert {(r["target"], r["status"]) for r in referrals} == {
        ("kim_case_management", "withdrawn"),
        ("sozialamt", "suggested"),
    }
    # Operators see the change as a training signal, without the case.
    review = client.get("/api/routing-decisions", headers=as_user("operator")).json()
    assert review["items"][0]["reason"] == "Wohnungsnot wegen Krankheit"
    assert "case_id" not in review["items"][0]


def test_routing_confirmation(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_drk")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    response = client.post(f"/api/cases/{case_id}/routing", json={"action": "confirm"}, headers=headers)
    assert response.status_code == 201
    assert client.get(f"/api/cases/{case_id}", headers=headers).json()["routing_confirmed_at"]


def test_referral_is_closed_loop_with_history(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_sozialamt")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    (referral,) = client.get(f"/api/cases/{case_id}/referrals", headers=headers).json()
    url = f"/api/cases/{case_id}/referrals/{referral['id']}/status"
    assert client.post(url, json={"status": "completed"}, headers=headers).status_code == 409
    for status in ("sent", "accepted", "completed"):
        response = client.post(url, json={"status": status, "note": f"{status}!"}, headers=headers)
        assert response.status_code == 200, response.text
    history = response.json()["history"]
    assert [h["to_status"] for h in history] == ["suggested", "sent", "accepted", "completed"]
    assert [h["actor"] for h in history] == ["bot", "cm_sozialamt", "cm_sozialamt", "cm_sozialamt"]
    added = client.post(f"/api/cases/{case_id}/referrals", json={"target": "jobcenter"}, headers=headers)
    assert added.status_code == 201
    again = client.post(f"/api/cases/{case_id}/referrals", json={"target": "jobcenter"}, headers=headers)
    assert again.status_code == 409


@pytest.mark.parametrize("path", ["/api/cases/not-a-uuid", "/api/intakes/123"])
def test_malformed_ids_are_422(client, as_user, path):
    assert client.get(path, headers=as_user("cm_drk")).status_code == 422
