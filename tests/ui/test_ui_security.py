"""The case UI without a browser: sessions, CSRF, roles, organisations, escaping, CSV."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import select

from api.cases.models import Case
from api.ui.export import safe_cell, to_csv
from api.ui.format import person_text
from api.ui.session import CSRF_COOKIE, SESSION_COOKIE, _cookie_flags
from api.settings import Settings

XSS_NAME = "<img src=x onerror=alert(1)><script>alert(2)</script>"


# --- logging in and the session cookie ---------------------------------------------


def test_login_sets_a_strict_httponly_secure_session_cookie(ui):
    response = ui().login("cm_caritas")
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/"
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        assert "httponly" in cookies[name]
        assert "samesite=strict" in cookies[name]
        assert "secure" in cookies[name]


def test_the_cookie_is_secure_everywhere_but_development(tmp_path):
    assert _cookie_flags(Settings(env="development", var_dir=tmp_path))["secure"] is False
    test_settings = Settings(
        env="test", secret_key="k" * 40, bot_token="b" * 40, encryption_key="Wb3Q7p2QhLwSg0uB3JkV1Xm1mX2mD2cQzJ3hVnX8qkI="
    )
    assert _cookie_flags(test_settings) == {"httponly": True, "samesite": "strict", "secure": True, "path": "/"}


def test_wrong_password_is_refused_in_german(ui):
    response = ui().login("cm_caritas", "not the password")
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_pages_need_a_login_and_come_back_after_it(ui):
    browser = ui()
    response = browser.get("/ui/cases?language=ar")
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=/ui/cases%3Flanguage%3Dar"
    # The queue's script is told "logged out" rather than sent a login page.
    assert browser.get("/ui/cases/rows", headers={"X-Requested-With": "fetch"}).status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/api/cases", "/ui\\..\\x"])
def test_login_never_redirects_off_the_ui(ui, target):
    browser = ui()
    token = browser.csrf()
    response = browser.http.post(
        "/ui/login",
        data={"username": "cm_caritas", "password": "correct horse battery staple", "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/ui/"


def test_logout_ends_the_session(ui):
    browser = ui("cm_caritas")
    response = browser.post_form("/ui/logout", {}, page="/ui/cases")
    assert response.status_code == 303
    assert browser.get("/ui/cases").status_code == 303


def test_the_bot_token_is_no_browser_session(ui, app):
    browser = ui()
    browser.http.cookies.set(SESSION_COOKIE, app.state.settings.effective_bot_token(), domain="testserver")
    assert browser.get("/ui/cases").status_code == 303


# --- CSRF ---------------------------------------------------------------------------


def test_a_form_post_without_csrf_token_is_refused(ui, new_case, db):
    case_id = new_case()
    browser = ui("cm_caritas")
    response = browser.http.post(f"/ui/cases/{case_id}/claim", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "Formular ist abgelaufen" in response.text
    assert db.scalar(select(Case.status).where(Case.id == uuid.UUID(case_id))) == "new"


def test_a_wrong_or_foreign_csrf_token_is_refused(ui, new_case, db):
    case_id = new_case()
    attacker = ui("cm_drk")
    foreign_token = attacker.csrf("/ui/cases")
    victim = ui("cm_caritas")
    for token in ("0" * 64, foreign_token):
        response = victim.http.post(f"/ui/cases/{case_id}/claim", data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403
    assert db.scalar(select(Case.status).where(Case.id == uuid.UUID(case_id))) == "new"
    assert victim.post_form(f"/ui/cases/{case_id}/claim", {}, page=f"/ui/cases/{case_id}").status_code == 303


def test_login_and_logout_forms_need_the_token_too(ui):
    browser = ui()
    response = browser.http.post(
        "/ui/login", data={"username": "cm_caritas", "password": "correct horse battery staple"}, follow_redirects=False
    )
    assert response.status_code == 403
    logged_in = ui("cm_caritas")
    assert logged_in.http.post("/ui/logout", data={}, follow_redirects=False).status_code == 403


def test_a_token_from_before_the_login_is_dead_after_it(ui, new_case):
    case_id = new_case()
    browser = ui()
    before = browser.csrf("/ui/login")
    assert browser.login("cm_caritas").status_code == 303
    response = browser.http.post(f"/ui/cases/{case_id}/claim", data={"csrf_token": before}, follow_redirects=False)
    assert response.status_code == 403


# --- roles and organisations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("cm_caritas", "/ui/cases", 200),
        ("cm_caritas", "/ui/reports", 403),
        ("cm_caritas", "/ui/services", 200),
        ("cm_caritas", "/ui/services/jobcenter/edit", 403),
        ("coordinator", "/ui/reports", 200),
        ("coordinator", "/ui/reports/export.csv", 200),
        ("coordinator", "/ui/cases", 403),
        ("coordinator", "/ui/services/jobcenter/edit", 403),
        ("operator", "/ui/services/jobcenter/edit", 200),
        ("operator", "/ui/organisations/ggua/edit", 200),
        ("operator", "/ui/cases", 403),
        ("operator", "/ui/reports", 403),
        ("admin", "/ui/cases", 403),
        ("admin", "/ui/reports", 403),
        ("admin", "/ui/", 200),
    ],
)
def test_each_role_sees_what_the_api_lets_it_see(ui, username, path, status):
    assert ui(username).get(path).status_code == status


def test_roles_land_on_their_own_start_page(ui):
    assert ui("cm_caritas").get("/ui/").headers["location"] == "/ui/cases"
    assert ui("coordinator").get("/ui/").headers["location"] == "/ui/reports"
    assert ui("operator").get("/ui/").headers["location"] == "/ui/services"


def test_a_claimed_case_belongs_to_its_organisation(ui, new_case):
    case_id = new_case()
    caritas = ui("cm_caritas")
    assert caritas.post_form(f"/ui/cases/{case_id}/claim", {}, page=f"/ui/cases/{case_id}").status_code == 303
    drk = ui("cm_drk")
    assert drk.get(f"/ui/cases/{case_id}").status_code == 404
    assert case_id not in drk.get("/ui/cases").text
    token = drk.csrf("/ui/cases")
    response = drk.http.post(f"/ui/cases/{case_id}/notes", data={"text": "x", "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 404
    colleague = ui("cm_sozialamt")
    assert colleague.get(f"/ui/cases/{case_id}").status_code == 404
    assert case_id in caritas.get("/ui/cases").text


def test_a_case_in_the_pool_can_be_read_but_not_worked_on_before_claiming(ui, new_case):
    case_id = new_case()
    browser = ui("cm_drk")
    page = browser.get(f"/ui/cases/{case_id}")
    assert page.status_code == 200
    assert "Fall übernehmen" in page.text
    response = browser.post_form(f"/ui/cases/{case_id}/notes", {"text": "zu früh"}, page=f"/ui/cases/{case_id}")
    assert response.status_code == 409
    assert "Bitte übernehmen Sie den Fall zuerst" in response.text


def test_claiming_twice_says_who_was_faster(ui, new_case):
    case_id = new_case()
    first, second = ui("cm_caritas"), ui("cm_drk")
    second_token = second.csrf(f"/ui/cases/{case_id}")
    assert first.post_form(f"/ui/cases/{case_id}/claim", {}, page=f"/ui/cases/{case_id}").status_code == 303
    response = second.http.post(f"/ui/cases/{case_id}/claim", data={"csrf_token": second_token}, follow_redirects=False)
    assert response.status_code == 404  # the case left the pool: DRK no longer sees it


def test_case_work_goes_through_the_api_rules(ui, new_case):
    case_id = new_case()
    browser = ui("cm_caritas")
    page = f"/ui/cases/{case_id}"
    assert browser.post_form(f"{page}/claim", {}, page=page).status_code == 303
    assert browser.post_form(f"{page}/status", {"status": "closed", "outcome": "withdrawn"}, page=page).status_code == 409
    assert browser.post_form(f"{page}/status", {"status": "in_progress"}, page=page).status_code == 303
    no_outcome = browser.post_form(f"{page}/status", {"status": "closed"}, page=page)
    assert no_outcome.status_code == 422
    assert "Zum Abschließen bitte ein Ergebnis wählen" in no_outcome.text
    no_reason = browser.post_form(f"{page}/routing", {"action": "change", "goals": ["health"], "reason": " "}, page=page)
    assert no_reason.status_code == 422
    assert "braucht eine Begründung" in no_reason.text
    assert browser.post_form(
        f"{page}/routing", {"action": "change", "goals": ["health"], "referrals": ["mbe"], "reason": "Gesundheit zuerst"}, page=page
    ).status_code == 303
    assert browser.post_form(f"{page}/barriers", {"category": "no_such"}, page=page).status_code == 422
    assert browser.post_form(f"{page}/barriers", {"category": "no_appointment", "service_id": "jobcenter"}, page=page).status_code == 303
    assert browser.post_form(f"{page}/notes", {"text": "Termin am Montag"}, page=page).status_code == 303
    detail = browser.get(page).text
    assert "Gesundheit zuerst" in detail
    assert "Kein Termin verfügbar" in detail
    assert "Termin am Montag" in detail
    assert "Migrationsberatung für erwachsene Zuwanderer" in detail


def test_opening_a_case_is_audited(ui, new_case, db):
    from api.audit.models import AuditEntry

    case_id = new_case()
    ui("cm_caritas").get(f"/ui/cases/{case_id}")
    entries = db.scalars(select(AuditEntry).where(AuditEntry.object_id == case_id)).all()
    assert [(e.actor, e.action) for e in entries] == [("cm_caritas", "read")]


# --- what a person typed -------------------------------------------------------------


def test_a_persons_words_are_text_with_language_and_direction(ui, new_case):
    case_id = new_case(
        language="ar",
        nickname=XSS_NAME,
        district="<b>Mitte</b>",
        needs=[{"intent": "need_housing", "text": "أبحث عن شقة\u202e gpj.exe", "confidence": 0.9}],
    )
    page = ui("cm_caritas").get(f"/ui/cases/{case_id}").text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "&lt;b&gt;Mitte&lt;/b&gt;" in page
    assert 'lang="ar" dir="rtl"' in page
    assert "\u202e" not in page and "\ufffd gpj.exe" in page


def test_person_text_keeps_the_marks_farsi_needs():
    assert person_text("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ
    assert person_text("a\u200fb") == "a\u200fb"  # RLM
    assert person_text("\u2067x\u2069\u202dy\u202c") == "\ufffdx\ufffd\ufffdy\ufffd"


def test_pages_carry_a_strict_content_security_policy(ui):
    response = ui("cm_caritas").get("/ui/cases")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_the_json_api_is_untouched_by_the_ui(client):
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert response.json() == {"detail": "not authenticated"}
    assert "content-security-policy" not in response.headers
    assert client.get("/api/cases/not-a-uuid", headers={}).status_code == 401


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+49 251", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'])
def test_csv_cells_never_start_a_formula(value):
    assert safe_cell(value) == "'" + value


def test_csv_leaves_ordinary_values_alone():
    assert safe_cell("Kinderhaus") == "Kinderhaus"
    assert safe_cell(7) == "7"
    assert safe_cell(12.5) == "12,5"
    assert safe_cell(None) == ""
    rows = list(csv.reader(io.StringIO(to_csv([["a;b", 'c"d']]).lstrip("\ufeff")), delimiter=";"))
    assert rows == [["a;b", 'c"d']]


def test_the_report_export_neutralises_formulas_a_person_typed(ui, new_case):
    for _ in range(5):
        new_case(district='=HYPERLINK("http://evil.example","x")')
    new_case(district="@SUM(1)")
    response = ui("coordinator").get("/ui/reports/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    districts = {row[1]: row[3] for row in rows if row and row[0] == "Anliegen nach Stadtteil"}
    assert districts == {"'=HYPERLINK(\"http://evil.example\",\"x\")": "5", "'@SUM(1)": "< 5"}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_dashboard_withholds_small_counts(ui, new_case):
    for _ in range(5):
        new_case(language="uk")
    new_case(language="tr")
    page = ui("coordinator").get("/ui/reports").text
    assert "Ukrainisch" in page and "Türkisch" in page
    assert "unter 5 (nicht ausgewiesen)" in page
    assert "<svg" in page and "<script" not in page.split("</head>")[1]
