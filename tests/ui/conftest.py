"""Fixtures for the case UI: the API tests' database and app, and a browser-like client.

The app fixtures come from tests/api/conftest.py (one set of test users and settings);
`ui_client` adds what a browser does: cookies over HTTPS (the session cookie is Secure
outside development) and the CSRF token taken from the page's form.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import (  # noqa: F401 - fixtures re-used by name
    PASSWORD,
    app,
    client,
    database_url,
    db,
    intake_body,
    make_intake,
    migrated,
    new_case,
    settings,
    submit,
)

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class UiClient:
    """A TestClient with one browser's cookie jar."""

    def __init__(self, app) -> None:  # noqa: F811
        self.http = TestClient(app, base_url="https://testserver")

    def csrf(self, path: str = "/ui/login") -> str:
        page = self.http.get(path)
        match = CSRF_INPUT.search(page.text)
        assert match, f"no form with a CSRF token on {path} ({page.status_code})"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD):
        token = self.csrf("/ui/login")
        return self.http.post(
            "/ui/login",
            data={"username": username, "password": password, "csrf_token": token, "next": "/ui/"},
            follow_redirects=False,
        )

    def post_form(self, path: str, data: dict, page: str | None = None):
        token = self.csrf(page or path)
        return self.http.post(path, data={**data, "csrf_token": token}, follow_redirects=False)

    def get(self, path: str, **kwargs):
        return self.http.get(path, follow_redirects=False, **kwargs)


@pytest.fixture
def ui(app):  # noqa: F811
    """A logged-in browser per username: ui("cm_caritas")."""
    clients: list[UiClient] = []

    def _as(username: str | None = None) -> UiClient:
        browser = UiClient(app)
        if username:
            response = browser.login(username)
            assert response.status_code == 303, response.text
        clients.append(browser)
        return browser

    yield _as
    for browser in clients:
        browser.http.close()
