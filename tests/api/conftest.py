"""Fixtures for the case API tests.

The suite runs against SQLite (a file, so several threads share it) and, when
WEGWEISER_TEST_DATABASE_URL points at a PostgreSQL database, against that too.
The schema is built once per database with the Alembic migrations; each test then starts
from empty tables, with the same staff users and the seeded service directory.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.factories import intake_body, review_item_body, review_key
from cryptography.fernet import Fernet

_VAR = Path(tempfile.mkdtemp(prefix="wegweiser-api-tests-"))
TEST_ENV = {
    "WEGWEISER_ENV": "test",
    "WEGWEISER_VAR_DIR": str(_VAR),
    "WEGWEISER_DATABASE_URL": f"sqlite:///{_VAR / 'import.db'}",
    "WEGWEISER_SECRET_KEY": "test-secret-key-" + "s" * 40,
    "WEGWEISER_BOT_TOKEN": "test-bot-token-" + "b" * 40,
    "WEGWEISER_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "WEGWEISER_RASA_URL": "",
    # Accepted review items are written here, never into the repository's data/nlu.
    "WEGWEISER_TRAINING_DATA_DIR": str(_VAR / "nlu"),
    "WEGWEISER_MODELS_DIR": str(_VAR / "models"),
}
# Before any `api` import: api.main builds its module-level app from the environment.
os.environ.update(TEST_ENV)

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import delete, text  # noqa: E402

from api.auth import service as auth  # noqa: E402
from api.contract import Organisation, Role  # noqa: E402
from api.db import Base, engine_for, import_all_models, make_sessionmaker, upgrade_to_head  # noqa: E402
from api.main import create_app  # noqa: E402
from api.services.service import seed_directory  # noqa: E402
from api.settings import Settings  # noqa: E402

import_all_models()
# Argon2 at production cost takes a good fraction of a second per hash on a 2-core machine;
# the tests log in hundreds of times, so they use the same algorithm at minimum cost.
from argon2 import PasswordHasher  # noqa: E402

auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

BOT_TOKEN = TEST_ENV["WEGWEISER_BOT_TOKEN"]
PASSWORD = "correct horse battery staple"
STAFF = {
    "admin": (Role.admin, None),
    "cm_sozialamt": (Role.case_manager, Organisation.sozialamt),
    "cm_sozialamt2": (Role.case_manager, Organisation.sozialamt),
    "cm_caritas": (Role.case_manager, Organisation.caritas),
    "cm_drk": (Role.case_manager, Organisation.drk),
    "cm_ggua": (Role.case_manager, Organisation.ggua),
    "coordinator": (Role.coordinator, None),
    "operator": (Role.operator, None),
}
# Users survive between tests (hashing passwords is deliberately slow); all else is cleared.
KEPT_TABLES = {"users", "alembic_version"}


def _backends() -> list:
    backends = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("WEGWEISER_TEST_DATABASE_URL"):
        backends.append(pytest.param("postgresql", id="postgresql"))
    return backends


@pytest.fixture(scope="session", params=_backends())
def database_url(request) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{_VAR / f'test-{uuid.uuid4().hex[:8]}.db'}"
    url = os.environ["WEGWEISER_TEST_DATABASE_URL"]
    from api.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        # Start from an empty schema so the migrations themselves are exercised.
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def settings(database_url) -> Settings:
    return Settings(**{k[len("WEGWEISER_"):].lower(): v for k, v in TEST_ENV.items()} | {"database_url": database_url})


@pytest.fixture(scope="session")
def migrated(settings):
    engine = engine_for(settings)
    upgrade_to_head(engine)
    factory = make_sessionmaker(engine)
    with factory() as session:
        for username, (role, organisation) in STAFF.items():
            auth.create_user(session, username, PASSWORD, role, organisation)
    yield engine
    engine.dispose()


def clear(engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEPT_TABLES:
                connection.execute(delete(table))


@pytest.fixture
def app(settings, migrated):
    clear(migrated)
    application = create_app(settings)
    with application.state.sessionmaker() as session:
        seed_directory(session)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def clear_database(app):
    """Empty every table but the users and re-seed the service directory."""

    def _clear() -> None:
        clear(app.state.engine)
        with app.state.sessionmaker() as session:
            seed_directory(session)

    return _clear


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def db(app):
    with app.state.sessionmaker() as session:
        yield session


@pytest.fixture(scope="session")
def tokens(settings, migrated) -> dict[str, str]:
    """An access token per staff user, made once (logging in is tested on its own)."""
    factory = make_sessionmaker(migrated)
    with factory() as session:
        from api.auth.models import User
        from sqlalchemy import select

        users = {u.username: u for u in session.scalars(select(User))}
        return {name: auth.issue_token(users[name], settings)[0] for name in STAFF}


@pytest.fixture
def as_user(tokens):
    def headers(username: str) -> dict[str, str]:
        if username == "bot":
            return {"Authorization": f"Bearer {BOT_TOKEN}"}
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


@pytest.fixture
def bot_token() -> str:
    return BOT_TOKEN


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_intake():
    """An intake body as the action server sends it, with fields overridden."""
    return intake_body




@pytest.fixture
def submit(client):
    """Submit an intake as the bot; returns the response."""

    def _submit(key: str | None = None, **overrides):
        return client.post(
            "/api/intakes",
            json=intake_body(**overrides),
            headers={"Authorization": f"Bearer {BOT_TOKEN}", "Idempotency-Key": key or str(uuid.uuid4())},
        )

    return _submit


@pytest.fixture
def post_review_item(client):
    """Send a review item as the bot; returns the response."""

    def _post(**overrides):
        body = review_item_body(**overrides)
        return client.post(
            "/api/review-items",
            json=body,
            headers={"Authorization": f"Bearer {BOT_TOKEN}", "Idempotency-Key": review_key(body)},
        )

    return _post


@pytest.fixture
def new_case(submit):
    """An intake in the shared pool; returns its id."""

    def _new_case(**overrides) -> str:
        response = submit(**overrides)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    return _new_case
