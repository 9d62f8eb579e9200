"""Service directory, barriers and the coordinators' aggregates."""

from __future__ import annotations

from api.contract import ReferralTarget


def test_directory_is_seeded_with_every_referral_target_and_no_invented_contacts(client, as_user):
    services = client.get("/api/services", headers=as_user("bot")).json()
    assert {s["referral_target"] for s in services if s["referral_target"]} == {t.value for t in ReferralTarget}
    for entry in services:
        assert entry["contact"] == {"email": "", "phone": "", "url": "", "address": ""}
        assert entry["needs_operator_review"] is True
    organisations = {o["name"] for o in client.get("/api/organisations", headers=as_user("operator")).json()}
    assert "Caritasverband für die Stadt Münster e.V." in organisations
    assert "DRK-Kreisverband Münster e. V." in organisations
    jmd = client.get("/api/services?referral_target=jmd", headers=as_user("bot")).json()
    assert [(s["minimum_age"], s["maximum_age"]) for s in jmd] == [(12, 27)]


def test_operator_edits_a_service(client, as_user):
    change = {
        "contact": {"phone": "0251 1234"},
        "languages": ["de", "ar"],
        "last_verified": "2026-11-20",
        "needs_operator_review": False,
    }
    assert client.patch("/api/services/jobcenter", json=change, headers=as_user("cm_drk")).status_code == 403
    response = client.patch("/api/services/jobcenter", json=change, headers=as_user("operator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["contact"]["phone"] == "0251 1234"
    assert body["languages"] == ["de", "ar"]
    assert body["updated_by"] == "operator"
    bad = client.patch("/api/services/jmd", json={"minimum_age": 30}, headers=as_user("operator"))
    assert bad.status_code == 422
    null_name = client.patch("/api/services/jmd", json={"name": None}, headers=as_user("operator"))
    assert null_name.status_code == 200 and null_name.json()["name"]


def test_barrier_catalogue_comes_from_the_data_file(client, as_user):
    catalogue = client.get("/api/barriers/catalogue", headers=as_user("cm_drk")).json()
    codes = [c["code"] for c in catalogue]
    for code in ("no_appointment", "language_barrier", "missing_documents", "waiting_list",
                 "unclear_responsibility", "digital_access", "discrimination"):
        assert code in codes
    assert catalogue[0]["label"] == "Kein Termin verfügbar"


def test_barrier_is_recorded_with_category_office_goal_and_note(new_case, client, as_user):
    case_id = new_case()
    headers = as_user("cm_drk")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    body = {"category": "no_appointment", "service_id": "auslaenderbehoerde", "goal": "residence", "note": "3 Monate"}
    response = client.post(f"/api/cases/{case_id}/barriers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["author"] == "cm_drk"
    unknown = client.post(f"/api/cases/{case_id}/barriers", json={"category": "aliens"}, headers=headers)
    assert unknown.status_code == 422
    assert "no_appointment" in unknown.json()["detail"][0]["msg"]
    office = client.post(
        f"/api/cases/{case_id}/barriers", json={"category": "other", "service_id": "nowhere"}, headers=headers
    )
    assert office.status_code == 422


def _claimed_cases(new_case, client, headers, n, **overrides):
    ids = []
    for _ in range(n):
        case_id = new_case(**overrides)
        client.post(f"/api/cases/{case_id}/claim", headers=headers)
        ids.append(case_id)
    return ids


def test_report_suppresses_small_counts_and_shows_median_wait(new_case, client, as_user):
    headers = as_user("cm_caritas")
    cases = _claimed_cases(new_case, client, headers, 6, language="ar")
    new_case(language="uk")
    for case_id in cases[:5]:
        client.post(
            f"/api/cases/{case_id}/barriers",
            json={"category": "no_appointment", "service_id": "auslaenderbehoerde"},
            headers=headers,
        )
    client.post(f"/api/cases/{cases[5]}/barriers", json={"category": "discrimination"}, headers=headers)

    assert client.get("/api/reports/summary", headers=headers).status_code == 403
    report = client.get("/api/reports/summary", headers=as_user("coordinator")).json()
    assert report["intakes"]["count"] == 7
    languages = {c["key"]: c for c in report["intakes_by_language"]}
    assert languages["ar"]["count"] == 6
    assert languages["uk"] == {"key": "uk", "count": None, "suppressed": True}
    categories = {c["key"]: c["count"] for c in report["barriers_by_category"]}
    assert categories == {"no_appointment": 5, "discrimination": None}
    assert report["median_minutes_to_claim"] is not None
    assert "Amira" not in str(report)


def test_report_withholds_the_median_below_the_threshold(new_case, client, as_user):
    _claimed_cases(new_case, client, as_user("cm_ggua"), 2)
    report = client.get("/api/reports/summary", headers=as_user("coordinator")).json()
    assert report["median_minutes_to_claim"] is None
    assert report["intakes"]["suppressed"] is True


def test_report_period_must_be_in_order(client, as_user):
    response = client.get(
        "/api/reports/summary?period_from=2026-02-01&period_to=2026-01-01", headers=as_user("coordinator")
    )
    assert response.status_code == 422
