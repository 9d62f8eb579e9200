"""The review inbox: items from the assistant and from changed routings, masked; operators
accept (into the training data) or discard; erasure and retention remove items."""

from __future__ import annotations

import difflib
import os
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select, text

from api.review.masking import EMAIL, NAME, PHONE
from api.review.training_data import REVIEWED_FILE
from tests.factories import review_item_body, review_key

OPERATOR = "operator"
HELDOUT_DE = Path(__file__).resolve().parents[2] / "data" / "heldout" / "de.yml"


@pytest.fixture
def training_dir(app, tmp_path) -> Path:
    """A training-data folder of this test's own, with one existing example."""
    folder = tmp_path / "nlu"
    (folder / "en").mkdir(parents=True)
    (folder / "en" / "needs.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: need_housing\n  examples: |\n    - I need a flat\n'
        "    - looking for a [Wohnung](thing) in Münster\n",
        encoding="utf-8",
    )
    app.state.settings = app.state.settings.model_copy(
        update={"training_data_dir": folder, "models_dir": tmp_path / "models"}
    )
    return folder


def _items(client, as_user, **params) -> dict:
    response = client.get("/api/review-items", params=params, headers=as_user(OPERATOR))
    assert response.status_code == 200, response.text
    return response.json()


def _accept(client, as_user, item_id: int, intent: str):
    return client.post(f"/api/review-items/{item_id}/accept", json={"intent": intent}, headers=as_user(OPERATOR))


def _count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


# --- the assistant sends items ----------------------------------------------------------


def test_an_item_is_masked_before_it_is_stored(post_review_item, client, as_user, db):
    from api.review.models import ReviewItem

    response = post_review_item(
        language="de",
        text="Ich heiße Amira Hassan, Kurzname Miri. Tel 0176 12345678, miri@example.de – Papiere abgelaufen",
        known_names=["Miri"],
    )
    assert response.status_code == 201, response.text
    (item,) = _items(client, as_user)["items"]
    assert item["id"] == response.json()["id"]
    assert item["text"] == f"Ich heiße {NAME}, Kurzname {NAME}. Tel {PHONE}, {EMAIL} – Papiere abgelaufen"
    assert item["source"] == "fallback"
    assert item["predicted_intent"] == "need_residence"
    assert item["ranking"][1] == {"name": "need_money", "confidence": 0.31}
    # Encrypted at rest, and neither the names nor the conversation id are anywhere in the row.
    raw = db.execute(text("SELECT * FROM review_items")).one()
    assert not any(isinstance(v, str) and ("Amira" in v or "Miri" in v or "conv-" in v) for v in raw)
    assert _count(db, ReviewItem) == 1


def test_the_same_key_again_is_a_replay(client, as_user, bot_token, db):
    from api.review.models import ReviewItem

    body = review_item_body()
    headers = {"Authorization": f"Bearer {bot_token}", "Idempotency-Key": review_key(body)}
    first = client.post("/api/review-items", json=body, headers=headers)
    again = client.post("/api/review-items", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert _count(db, ReviewItem) == 1


def test_concurrent_twins_store_one_item(app, bot_token, db):
    from fastapi.testclient import TestClient

    from api.review.models import ReviewItem

    body = review_item_body()
    headers = {"Authorization": f"Bearer {bot_token}", "Idempotency-Key": review_key(body)}
    statuses: list[int] = []

    def send():
        with TestClient(app) as client:
            statuses.append(client.post("/api/review-items", json=body, headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert _count(db, ReviewItem) == 1


@pytest.mark.parametrize(
    "override",
    [
        {"text": ""},
        {"text": "   \n "},
        {"text": "x" * 5000},
        {"text": "null\x00byte"},
        {"language": "fr"},
        {"source": "routing"},
        {"confidence": 1.5},
        {"confidence": "NaN"},
        {"predicted_intent": "<script>"},
        {"ranking": [{"name": "need_money", "confidence": 0.1}] * 4},
        {"known_names": ["x" * 65]},
        {"conversation_id": ""},
        {"unknown_field": 1},
    ],
    ids=lambda o: next(iter(o)) + ":" + repr(next(iter(o.values())))[:20],
)
def test_invalid_items_are_422_never_500(post_review_item, override):
    response = post_review_item(**override)
    assert response.status_code == 422, response.text
    assert "x" * 100 not in response.text  # the input is not echoed back


def test_hostile_requests_are_refused_cleanly(client, bot_token):
    headers = {"Authorization": f"Bearer {bot_token}"}
    body = review_item_body()
    assert client.post("/api/review-items", json=body, headers=headers).status_code == 422  # no key
    keyed = {**headers, "Idempotency-Key": review_key(body)}
    huge = review_item_body(text="ä" * 1_000_000)
    assert client.post("/api/review-items", json=huge, headers=keyed).status_code == 413
    json_headers = {**keyed, "content-type": "application/json"}
    broken = client.post("/api/review-items", content=b'{"text": ', headers=json_headers)
    assert broken.status_code == 422
    assert client.post("/api/review-items", json=[], headers=keyed).status_code == 422


# --- the inbox --------------------------------------------------------------------------


def test_open_items_are_grouped_by_language_and_likely_intent(post_review_item, client, as_user):
    for _ in range(2):
        post_review_item(language="de", predicted_intent="need_residence")
    post_review_item(language="de", predicted_intent="need_money", source="handover")
    post_review_item(language="ar", text="أريد أن أتكلم مع شخص", predicted_intent=None, confidence=None, ranking=[])
    inbox = client.get("/api/review-items/groups", headers=as_user(OPERATOR)).json()
    assert inbox["open"] == 4
    assert inbox["groups"] == [
        {"language": "ar", "intent": None, "count": 1},
        {"language": "de", "intent": "need_residence", "count": 2},
        {"language": "de", "intent": "need_money", "count": 1},
    ]
    group = _items(client, as_user, language="de", intent="need_residence", limit=1)
    assert (group["total"], len(group["items"])) == (2, 1)
    assert _items(client, as_user, language="de", intent="need_residence", limit=1, offset=1)["items"][0]["id"] > (
        group["items"][0]["id"]
    )
    (without,) = _items(client, as_user, intent="none")["items"]
    assert without["language"] == "ar"
    assert _items(client, as_user, language="de")["total"] == 3


def test_reading_the_inbox_is_audited(post_review_item, client, as_user, db):
    from api.audit.models import AuditEntry

    post_review_item()
    client.get("/api/review-items", headers=as_user(OPERATOR))
    client.get("/api/review-items/groups", headers=as_user(OPERATOR))
    db.expire_all()
    entries = [(a.actor, a.action, a.object_type) for a in db.scalars(select(AuditEntry))]
    assert entries == [(OPERATOR, "read", "review_items")] * 2


# --- accepting and discarding -----------------------------------------------------------


def test_accepting_writes_a_sorted_yaml_file_and_each_accept_is_one_line(
    post_review_item, client, as_user, training_dir
):
    first = post_review_item(language="de", text="Papiere vom Amt sind abgelaufen").json()["id"]
    second = post_review_item(language="de", text="brauche neuen aufenthaltstitel").json()["id"]
    third = post_review_item(language="de", text="Bürgergeld kommt nicht").json()["id"]
    response = _accept(client, as_user, first, "need_residence")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    assert response.json()["written"] is True
    path = training_dir / "de" / REVIEWED_FILE
    before = path.read_text(encoding="utf-8")
    assert before.endswith(
        'version: "3.1"\nnlu:\n- intent: need_residence\n  examples: |\n    - Papiere vom Amt sind abgelaufen\n'
    )
    assert _accept(client, as_user, second, "need_residence").status_code == 200
    after = path.read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["+    - brauche neuen aufenthaltstitel"]
    assert _accept(client, as_user, third, "need_money").status_code == 200
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    assert [block["intent"] for block in data["nlu"]] == ["need_money", "need_residence"]
    assert data["nlu"][1]["examples"] == "- brauche neuen aufenthaltstitel\n- Papiere vom Amt sind abgelaufen\n"
    assert client.get("/api/review-items/groups", headers=as_user(OPERATOR)).json()["open"] == 0


def test_an_example_of_another_intent_is_refused_with_a_german_message(post_review_item, client, as_user, training_dir):
    # The same words as an English example, told apart only by case and punctuation.
    item = post_review_item(language="en", text="i need a FLAT!").json()["id"]
    refused = _accept(client, as_user, item, "need_money")
    assert refused.status_code == 409
    assert "schon unter einer anderen Absicht (need_housing, Sprache en)" in refused.json()["detail"]
    assert _items(client, as_user)["items"][0]["status"] == "open"
    assert not (training_dir / "en" / REVIEWED_FILE).exists()
    # Entity markup in the training data does not hide a clash.
    markup = post_review_item(language="de", text="looking for a Wohnung in Münster").json()["id"]
    assert _accept(client, as_user, markup, "need_money").status_code == 409
    # Under its own intent it is simply known already: accepted, nothing written twice.
    same = _accept(client, as_user, item, "need_housing")
    assert same.status_code == 200
    assert same.json()["written"] is False
    assert not (training_dir / "en" / REVIEWED_FILE).exists()


def test_a_held_out_text_is_never_trained_on(post_review_item, client, as_user, training_dir):
    data = yaml.safe_load(HELDOUT_DE.read_text(encoding="utf-8"))
    block = data["nlu"][0]
    held_out = block["examples"].splitlines()[0].removeprefix("- ")
    item = post_review_item(language="de", text=held_out.upper() + " ?").json()["id"]
    refused = _accept(client, as_user, item, block["intent"])
    assert refused.status_code == 409
    assert "Testdaten" in refused.json()["detail"]
    assert not (training_dir / "de" / REVIEWED_FILE).exists()


def test_nothing_to_learn_from_is_refused(post_review_item, client, as_user, training_dir):
    item = post_review_item(text="👍 ?!", predicted_intent="affirm").json()["id"]
    refused = _accept(client, as_user, item, "affirm")
    assert refused.status_code == 409
    assert "keine Wörter" in refused.json()["detail"]


def test_without_the_held_out_sets_nothing_is_accepted(
    post_review_item, client, as_user, training_dir, app, tmp_path
):
    app.state.settings = app.state.settings.model_copy(update={"heldout_dir": tmp_path / "missing"})
    item = post_review_item().json()["id"]
    refused = _accept(client, as_user, item, "need_residence")
    assert refused.status_code == 409
    assert "Die Testdaten fehlen" in refused.json()["detail"]


def test_a_text_that_looks_like_rasa_markup_stays_plain_text(post_review_item, client, as_user, training_dir):
    item = post_review_item(text="[Wohnung](need_money) gesucht\n  neue Zeile").json()["id"]
    assert _accept(client, as_user, item, "need_housing").status_code == 200
    data = yaml.safe_load((training_dir / "de" / REVIEWED_FILE).read_text(encoding="utf-8"))
    assert data["nlu"][0]["examples"] == "- (Wohnung)(need_money) gesucht neue Zeile\n"


def test_discarding_forgets_the_words_and_decides_once(post_review_item, client, as_user, db, training_dir):
    from api.review.models import ReviewItem

    item = post_review_item().json()["id"]
    headers = as_user(OPERATOR)
    response = client.post(f"/api/review-items/{item}/discard", headers=headers)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["text"]) == ("discarded", None)
    assert client.post(f"/api/review-items/{item}/discard", headers=headers).status_code == 409
    assert _accept(client, as_user, item, "need_residence").status_code == 409
    assert client.post("/api/review-items/999999/discard", headers=headers).status_code == 404
    assert _accept(client, as_user, 999999, "need_money").status_code == 404
    assert _accept(client, as_user, item, "no_such_intent").status_code == 422
    db.expire_all()
    assert db.scalar(select(ReviewItem.text)) is None
    assert _items(client, as_user)["total"] == 0


def test_accepted_examples_wait_for_the_next_training(post_review_item, client, as_user, training_dir, app):
    item = post_review_item().json()["id"]
    _accept(client, as_user, item, "need_residence")
    assert client.get("/api/review-items/groups", headers=as_user(OPERATOR)).json()["waiting_for_training"] == 1
    models = app.state.settings.models_dir
    models.mkdir()
    (models / "wegweiser-abc.tar.gz").write_bytes(b"model")
    (models / "latest").write_text("wegweiser-abc.tar.gz\n")
    later = (models / "wegweiser-abc.tar.gz").stat().st_mtime + 60
    os.utime(models / "wegweiser-abc.tar.gz", (later, later))
    assert client.get("/api/review-items/groups", headers=as_user(OPERATOR)).json()["waiting_for_training"] == 0


# --- changed routings -------------------------------------------------------------------


def _change_routing(client, as_user, case_id: str, goals: list[str]):
    headers = as_user("cm_caritas")
    client.post(f"/api/cases/{case_id}/claim", headers=headers)
    body = {"action": "change", "goals": goals, "referrals": ["mbe"], "reason": "eigentlich Gesundheit"}
    response = client.post(f"/api/cases/{case_id}/routing", json=body, headers=headers)
    assert response.status_code == 201, response.text


def test_a_changed_routing_brings_the_masked_needs_with_consent_only(new_case, client, as_user):
    words = "Ich heiße Amira, Miri für Freunde, mir geht es schlecht"
    needs = [{"intent": "need_housing", "text": words, "confidence": 0.61}]
    with_consent = new_case(nickname="Miri", consent_improve=True, needs=needs)
    without = new_case(needs=needs)
    _change_routing(client, as_user, with_consent, ["health"])
    _change_routing(client, as_user, without, ["health"])
    (item,) = _items(client, as_user)["items"]
    assert item["source"] == "routing"
    assert item["text"] == f"Ich heiße {NAME}, {NAME} für Freunde, mir geht es schlecht"
    assert (item["predicted_intent"], item["confidence"]) == ("need_housing", 0.61)
    assert item["routing"] == {
        "goals_before": ["basic_needs"],
        "goals_after": ["health"],
        "referrals_before": ["kim_case_management"],
        "referrals_after": ["mbe"],
    }
    # A second change replaces the open item: the inbox shows the routing as it is now.
    body = {"action": "change", "goals": ["mental_health"], "reason": "doch psychisch"}
    client.post(f"/api/cases/{with_consent}/routing", json=body, headers=as_user("cm_caritas"))
    (item,) = _items(client, as_user)["items"]
    assert item["routing"]["goals_after"] == ["mental_health"]


def test_the_older_consent_field_counts_too_and_old_clients_keep_working(submit, make_intake, client, as_user):
    old = make_intake(consent={**make_intake()["consent"], "improve_service": True})
    response = submit(**old)
    assert response.status_code == 201
    assert response.json()["consent_improve"] is True
    key = str(uuid.uuid4())
    plain = make_intake()
    assert submit(key, **plain).status_code == 201
    # The default value replays the same intake whether it is sent or left out.
    assert submit(key, **plain, consent_improve=False).status_code == 200
    assert submit(key, **plain).json()["consent_improve"] is False


# --- privacy ------------------------------------------------------------------------------


def test_erasing_a_conversation_deletes_its_review_items(post_review_item, new_case, client, as_user, db):
    from api.review.models import ReviewItem

    post_review_item(conversation_id="conv-erase")
    post_review_item(conversation_id="conv-erase", source="handover")
    post_review_item(conversation_id="conv-keep")
    response = client.post("/api/erasure", json={"conversation_id": "conv-erase"}, headers=as_user("bot"))
    assert response.status_code == 200
    assert (response.json()["deleted_intakes"], response.json()["deleted_review_items"]) == (0, 2)
    assert _count(db, ReviewItem) == 1
    # A case erased on request takes its conversation's items and its routing items along.
    case_id = new_case(conversation_id="conv-keep", consent_improve=True)
    _change_routing(client, as_user, case_id, ["health"])
    assert _count(db, ReviewItem) == 2
    erased = client.delete(f"/api/cases/{case_id}", headers=as_user("cm_caritas")).json()
    assert erased["deleted_review_items"] == 2
    assert _count(db, ReviewItem) == 0


def test_retention_deletes_old_review_items(post_review_item, db, settings):
    from api.kit.types import utcnow
    from api.privacy.service import run_retention
    from api.review.models import ReviewItem

    old, recent = post_review_item().json()["id"], post_review_item().json()["id"]
    db.get(ReviewItem, old).created_at = utcnow() - timedelta(days=settings.retention_days + 1)
    db.commit()
    report = run_retention(db, settings)
    assert report.deleted_review_items == 1
    db.expire_all()
    assert list(db.scalars(select(ReviewItem.id))) == [recent]
