"""Every endpoint x every role x own/other organisation.

A case claimed by Caritas ("own" for cm_caritas, "other" for cm_drk) and one unclaimed
case in the shared pool. A case of another organisation must look like no case at all (404).
"""

from __future__ import annotations

import uuid

import pytest

from tests.factories import review_item_body, review_key

ROLES = ["anonymous", "bot", "cm_caritas", "cm_drk", "coordinator", "operator", "admin"]
STAFF = ["cm_caritas", "cm_drk", "coordinator", "operator", "admin"]
EVERYONE = ["bot", *STAFF]
CASE_MANAGERS = ["cm_caritas", "cm_drk"]


def _expect(allowed: dict[str, int], others: int = 403) -> dict[str, int]:
    """Status per role: the listed ones, 401 for no token, `others` for the rest."""
    return {role: 401 if role == "anonymous" else allowed.get(role, others) for role in ROLES}


OWN_CASE = {"cm_caritas": 200, "cm_drk": 404}
MATRIX: list[tuple[str, str, object, dict[str, int]]] = [
    ("GET", "/healthz", None, {role: 200 for role in ROLES}),
    ("POST", "/api/auth/token", "login", {role: 200 for role in ROLES}),
    ("GET", "/api/auth/me", None, _expect({r: 200 for r in EVERYONE})),
    ("GET", "/api/users", None, _expect({"admin": 200})),
    ("POST", "/api/users", "new_user", _expect({"admin": 201})),
    ("PATCH", "/api/users/{operator_id}", {"is_active": True}, _expect({"admin": 200})),
    ("POST", "/api/intakes", "intake", _expect({"bot": 201})),
    ("GET", "/api/intakes/{own}", None, _expect(OWN_CASE)),
    ("GET", "/api/intakes/{pool}", None, _expect({r: 200 for r in CASE_MANAGERS})),
    ("GET", "/api/cases", None, _expect({r: 200 for r in CASE_MANAGERS})),
    ("GET", "/api/cases/{own}", None, _expect(OWN_CASE)),
    ("GET", "/api/cases/{pool}", None, _expect({r: 200 for r in CASE_MANAGERS})),
    ("DELETE", "/api/cases/{own}", None, _expect(OWN_CASE)),
    ("GET", "/api/cases/{own}/export", None, _expect(OWN_CASE)),
    ("POST", "/api/cases/{pool}/claim", None, _expect({r: 200 for r in CASE_MANAGERS})),
    ("POST", "/api/cases/{own}/claim", None, _expect({"cm_caritas": 409, "cm_drk": 404})),
    ("POST", "/api/cases/{own}/status", {"status": "in_progress"}, _expect(OWN_CASE)),
    ("POST", "/api/cases/{pool}/status", {"status": "in_progress"}, _expect({r: 409 for r in CASE_MANAGERS})),
    ("POST", "/api/cases/{own}/notes", {"text": "Notiz"}, _expect({"cm_caritas": 201, "cm_drk": 404})),
    ("POST", "/api/cases/{own}/routing", {"action": "confirm"}, _expect({"cm_caritas": 201, "cm_drk": 404})),
    ("GET", "/api/cases/{own}/referrals", None, _expect(OWN_CASE)),
    ("POST", "/api/cases/{own}/referrals", {"target": "jobcenter"}, _expect({"cm_caritas": 201, "cm_drk": 404})),
    ("POST", "/api/cases/{own}/referrals/{referral}/status", {"status": "sent"}, _expect(OWN_CASE)),
    ("GET", "/api/cases/{own}/barriers", None, _expect(OWN_CASE)),
    ("POST", "/api/cases/{own}/barriers", {"category": "other"}, _expect({"cm_caritas": 201, "cm_drk": 404})),
    ("GET", "/api/barriers/catalogue", None, _expect({r: 200 for r in STAFF})),
    ("GET", "/api/services", None, _expect({r: 200 for r in EVERYONE})),
    ("GET", "/api/services/{service}", None, _expect({r: 200 for r in EVERYONE})),
    ("PATCH", "/api/services/{service}", {"languages": ["de"]}, _expect({"operator": 200})),
    ("GET", "/api/organisations", None, _expect({r: 200 for r in EVERYONE})),
    ("PATCH", "/api/organisations/{organisation}", {"contact": {"url": ""}}, _expect({"operator": 200})),
    ("GET", "/api/reports/summary", None, _expect({"coordinator": 200})),
    ("GET", "/api/routing-decisions", None, _expect({"operator": 200})),
    ("POST", "/api/review-items", "review_item", _expect({"bot": 201})),
    ("GET", "/api/review-items/groups", None, _expect({"operator": 200})),
    ("GET", "/api/review-items", None, _expect({"operator": 200})),
    ("POST", "/api/review-items/{review_item}/accept", {"intent": "need_residence"}, _expect({"operator": 200})),
    ("POST", "/api/review-items/{review_item}/discard", None, _expect({"operator": 200})),
    ("GET", "/api/audit", None, _expect({"admin": 200})),
    ("POST", "/api/erasure", {"conversation_id": "conv-x"}, _expect({"bot": 200})),
    ("POST", "/api/privacy/export", {"conversation_id": "conv-x"}, _expect({"bot": 200})),
    # The web chat relay is public: the conversation is the browser's signed cookie, never a
    # token, so every caller gets its own (new) conversation and nobody else's.
    ("GET", "/chat/messages", None, {role: 200 for role in ROLES}),
    ("POST", "/chat/messages", {"text": "hallo"}, {role: 200 for role in ROLES}),
]


@pytest.fixture
def make_world(app, new_case, client, as_user, clear_database, post_review_item):
    """Empty the database and set up the two cases; returns the path placeholders."""
    from sqlalchemy import select

    from api.auth.models import User

    def build() -> dict:
        clear_database()
        with app.state.sessionmaker() as session:
            operator_id = session.scalar(select(User.id).where(User.username == "operator"))
        own = new_case()
        pool = new_case()
        client.post(f"/api/cases/{own}/claim", headers=as_user("cm_caritas"))
        referral = client.get(f"/api/cases/{own}/referrals", headers=as_user("cm_caritas")).json()[0]["id"]
        # A text of its own each time: an accepted one is in the training data for good.
        review_item = post_review_item(text=f"Papiere vom Amt {uuid.uuid4().hex}").json()["id"]
        return {
            "own": own,
            "pool": pool,
            "referral": referral,
            "operator_id": operator_id,
            "service": "jmd",
            "organisation": "ggua",
            "review_item": review_item,
        }

    return build


def _call(client, method, path, body, headers, role, make_intake, password):
    kwargs: dict = {"headers": dict(headers)}
    if body == "login":
        username = "admin" if role in ("anonymous", "bot") else role
        kwargs["data"] = {"username": username, "password": password}
    elif body == "intake":
        kwargs["json"] = make_intake()
        kwargs["headers"]["Idempotency-Key"] = str(uuid.uuid4())
    elif body == "review_item":
        kwargs["json"] = review_item_body()
        kwargs["headers"]["Idempotency-Key"] = review_key(kwargs["json"])
    elif body == "new_user":
        kwargs["json"] = {"username": f"new-{uuid.uuid4().hex[:8]}", "password": "p" * 16, "role": "operator"}
    elif body is not None:
        kwargs["json"] = body
    return client.request(method, path, **kwargs)


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_access(make_world, client, as_user, make_intake, password, method, path, body, expected):
    """All roles against one endpoint. The world is rebuilt after a call that changed it,
    so every role meets the same state."""
    world = make_world()
    got = {}
    for role in ROLES:
        headers = {} if role == "anonymous" else as_user(role)
        response = _call(client, method, path.format(**world), body, headers, role, make_intake, password)
        got[role] = response.status_code
        if method != "GET" and response.status_code < 300:
            world = make_world()
    assert got == expected


def test_matrix_covers_every_route(app):
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    covered = set()
    for method, path, _, _ in MATRIX:
        template = path
        for name, placeholder in {
            "{own}": "{case_id}", "{pool}": "{case_id}", "{referral}": "{referral_id}",
            "{operator_id}": "{user_id}", "{service}": "{service_id}", "{organisation}": "{organisation_id}",
            "{review_item}": "{item_id}",
        }.items():
            template = template.replace(name, placeholder)
        template = template.replace("/api/intakes/{case_id}", "/api/intakes/{intake_id}")
        covered.add((method, template))
    assert routes - covered == set()
