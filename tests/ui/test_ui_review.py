"""The operators' Prüfliste without a browser: roles, CSRF, decisions, refusals, escaping, RTL."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from tests.api.conftest import BOT_TOKEN
from tests.factories import review_item_body, review_key

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def item(client, app, tmp_path):
    """Send a review item as the bot; training data goes to this test's own folder."""
    folder = tmp_path / "nlu"
    (folder / "de").mkdir(parents=True)
    (folder / "de" / "needs.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: need_money\n  examples: |\n    - kein Geld mehr für Miete\n', encoding="utf-8"
    )
    app.state.settings = app.state.settings.model_copy(update={"training_data_dir": folder, "models_dir": tmp_path})

    def _item(**overrides) -> int:
        body = review_item_body(**overrides)
        headers = {"Authorization": f"Bearer {BOT_TOKEN}", "Idempotency-Key": review_key(body)}
        response = client.post("/api/review-items", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    _item.folder = folder
    return _item


@pytest.mark.parametrize(
    ("username", "status"),
    [("operator", 200), ("cm_caritas", 403), ("coordinator", 403), ("admin", 403)],
)
def test_only_operators_open_the_pruefliste(ui, username, status):
    browser = ui(username)
    assert browser.get("/ui/review").status_code == status
    has_link = 'href="/ui/review"' in browser.get("/ui/services").text
    assert has_link is (username == "operator")


def test_not_logged_in_goes_to_the_login(ui):
    assert ui().get("/ui/review").headers["location"] == "/ui/login?next=/ui/review"


def test_items_are_grouped_with_source_intent_and_confidence(ui, item):
    item(language="de", predicted_intent="need_residence", confidence=0.42, source="fallback")
    item(language="de", predicted_intent="need_residence", source="handover")
    item(language="ar", text="أريد موظفا", predicted_intent=None, confidence=None, ranking=[])
    page = ui("operator").get("/ui/review").text
    assert "Arabisch · ohne Vermutung" in page
    assert "Deutsch · Aufenthalt (Erlaubnis, Duldung, Asylentscheidung, Pass, Verlängerung)" in page
    assert "Sicherheit 42 %" in page
    assert "Unsicher" in page and "Übergabe an Person" in page
    assert "Weitere Vermutungen: Geld zum Leben, Leistungen, Schulden 31 %" in page
    assert page.count("Übernehmen: Aufenthalt") == 2
    assert "Offen: 3" in page
    only_ar = ui("operator").get("/ui/review?language=ar&intent=none").text
    assert "أريد موظفا" in only_ar and "Papiere vom Amt" not in only_ar


def test_a_persons_words_are_text_and_right_to_left_where_the_language_is(ui, item):
    item(language="fa", text=f"{XSS} دنبال خانه هستم\u202e", predicted_intent="need_housing")
    page = ui("operator").get("/ui/review").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert 'lang="fa" dir="rtl"' in page
    assert "\u202e" not in page


def test_one_click_accept_writes_the_training_data(ui, item, db):
    from api.review.models import ReviewItem

    item_id = item(text="Papiere vom Amt sind abgelaufen", predicted_intent="need_residence")
    browser = ui("operator")
    response = browser.post_form(f"/ui/review/{item_id}/accept", {"intent": "need_residence"}, page="/ui/review")
    assert response.status_code == 303
    done = browser.get(response.headers["location"]).text
    assert "Übernommen als „Aufenthalt" in done
    assert "Nichts zu prüfen" in done
    assert re.search(r'id="training-waiting">1<', done)
    assert "Papiere vom Amt sind abgelaufen" in (item.folder / "de" / "reviewed.yml").read_text(encoding="utf-8")
    db.expire_all()
    assert db.scalar(select(ReviewItem.status)) == "accepted"


def test_a_refused_accept_says_why_in_german(ui, item):
    item_id = item(text="Kein Geld mehr für Miete!", predicted_intent="need_housing")
    browser = ui("operator")
    response = browser.post_form(f"/ui/review/{item_id}/accept", {"intent": "need_housing"}, page="/ui/review")
    assert response.status_code == 409
    assert "schon unter einer anderen Absicht (need_money, Sprache de)" in response.text
    assert 'role="alert"' in response.text
    assert "Kein Geld mehr für Miete!" in response.text  # still open, shown again
    assert not (item.folder / "de" / "reviewed.yml").exists()


def test_assign_another_intent_discard_and_decide_once(ui, item):
    first, second = item(), item()
    browser = ui("operator")
    assigned = browser.post_form(f"/ui/review/{first}/accept", {"intent": "out_of_scope"}, page="/ui/review")
    assert assigned.status_code == 303
    data = (item.folder / "de" / "reviewed.yml").read_text(encoding="utf-8")
    assert "- intent: out_of_scope" in data
    discarded = browser.post_form(f"/ui/review/{second}/discard", {}, page="/ui/review")
    assert discarded.status_code == 303
    assert "Der Eintrag wurde verworfen." in browser.get(discarded.headers["location"]).text
    again = browser.post_form(f"/ui/review/{second}/discard", {}, page="/ui/review")
    assert again.status_code == 409
    assert "schon entschieden" in again.text
    unknown = browser.post_form(f"/ui/review/{first}/accept", {"intent": "no_such_intent"}, page="/ui/review")
    assert unknown.status_code == 422
    assert browser.post_form("/ui/review/999999/discard", {}, page="/ui/review").status_code == 404


def test_decisions_need_the_csrf_token_and_the_operator_role(ui, item):
    item_id = item()
    operator = ui("operator")
    assert operator.http.post(f"/ui/review/{item_id}/discard", data={}, follow_redirects=False).status_code == 403
    case_manager = ui("cm_caritas")
    token = case_manager.csrf("/ui/cases")
    response = case_manager.http.post(
        f"/ui/review/{item_id}/accept", data={"intent": "need_money", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "Nichts zu prüfen" not in operator.get("/ui/review").text


def test_reading_the_pruefliste_is_audited(ui, item, db):
    from api.audit.models import AuditEntry

    item()
    ui("operator").get("/ui/review")
    db.expire_all()
    assert [(a.actor, a.object_type) for a in db.scalars(select(AuditEntry))] == [("operator", "review_items")]


def test_the_filters_survive_a_decision(ui, item):
    item_id = item(language="tr", text="ev arıyorum " + uuid.uuid4().hex[:6], predicted_intent="need_housing")
    browser = ui("operator")
    response = browser.post_form(
        f"/ui/review/{item_id}/accept",
        {"intent": "need_housing", "filter_language": "tr", "filter_intent": "need_housing"},
        page="/ui/review",
    )
    assert response.headers["location"].startswith("/ui/review?language=tr&intent=need_housing&erledigt=uebernommen")


def test_a_long_list_comes_in_pages(ui, item):
    for n in range(51):
        item(text=f"Frage Nummer {n} zum Aufenthalt")
    browser = ui("operator")
    first = browser.get("/ui/review?language=de&intent=need_residence").text
    assert "1–50 von 51" in first
    assert 'href="/ui/review?language=de&amp;intent=need_residence&amp;offset=50"' in first
    second = browser.get("/ui/review?language=de&intent=need_residence&offset=50").text
    assert second.count('class="card review-item"') == 1


def test_an_item_without_a_guess_makes_the_operator_choose_an_intent(ui, item):
    """No intent is preselected when the assistant had no guess, so one click cannot mislabel it."""
    item_id = item(predicted_intent=None, confidence=None, ranking=[], text="knurzel pöhlwabe")
    page = ui("operator").get("/ui/review").text
    select_html = re.search(rf'<select id="absicht-{item_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select_html and "required" in page[select_html.start():select_html.start() + 80]
    assert re.search(r'<option value="" selected disabled>', select_html.group(1))
    assert 'selected>' not in select_html.group(1).replace('<option value="" selected disabled>', "")
