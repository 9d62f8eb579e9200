"""The real servers (Rasa, action server, case API) on free ports, once per test session."""
from __future__ import annotations

import os
import secrets
import subprocess
import time
from typing import Dict, List
from unittest import mock

import httpx
import pytest

from actions.i18n import load_catalog
from scripts.stack import API_BIN, REPO_ROOT, Stack


class IsolatedStack(Stack):
    """Built from the process environment without its WEGWEISER_* variables: other suites
    set theirs at import (tests/api: WEGWEISER_ENV=test, its own database), and the stack
    must not inherit them. Its own settings go in env_overrides."""

    def environment(self) -> Dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("WEGWEISER_")}
        with mock.patch.dict(os.environ, clean, clear=True):
            return super().environment()


class Chat:
    """One person talking to the assistant through Rasa's REST channel."""

    def __init__(self, stack: Stack, sender: str):
        self.stack = stack
        self.sender = sender
        self.client = httpx.Client(base_url=stack.rasa_url, timeout=60)

    def say(self, text: str, metadata: Dict | None = None) -> List[Dict]:
        body = {"sender": self.sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = self.client.post("/webhooks/rest/webhook", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    @staticmethod
    def texts(replies: List[Dict]) -> str:
        return "\n".join(reply.get("text", "") for reply in replies)


def expected(lang: str, response: str) -> str:
    """The fixed beginning of a response in one language (up to its first placeholder)."""
    text = load_catalog()[lang]["responses"][response]["text"]
    return text.split("{")[0].strip()[:60]


class Staff:
    """A case manager logged in to the case API."""

    def __init__(self, stack: Stack, username: str, password: str):
        self.client = httpx.Client(base_url=stack.api_url, timeout=30)
        response = self.client.post("/api/auth/token", data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(path, **kwargs)

    @classmethod
    def create(cls, stack: Stack, username: str, role: str = "case_manager", organisation: str | None = "caritas") -> "Staff":
        """A new login in the stack's case API (api.cli create-user), logged in."""
        password = secrets.token_urlsafe(16)
        subprocess.run(
            [str(API_BIN / "python"), "-m", "api.cli", "create-user", "--username", username,
             "--role", role, *(["--organisation", organisation] if organisation else []), "--password-stdin"],
            input=password.encode(), cwd=REPO_ROOT, env=stack.environment(), check=True,
        )
        return cls(stack, username, password)


# The `stack` and `staff` fixtures live in tests/conftest.py: one stack per session, shared
# with tests/channels and any other suite that needs the real servers.


@pytest.fixture
def chat(stack: Stack, request: pytest.FixtureRequest) -> Chat:
    return Chat(stack, f"e2e-{request.node.name}-{secrets.token_hex(4)}")


def intakes_of(staff: Staff, conversation_id: str, timeout: float = 20.0) -> list:
    """The intakes of one conversation, as a case manager sees them (waits for the outbox)."""
    deadline = time.monotonic() + timeout
    while True:
        page = staff.get("/api/cases", params={"limit": 100}).json()
        found = []
        for item in page["items"]:
            case = staff.get(f"/api/cases/{item['id']}").json()
            if case["intake"]["conversation_id"] == conversation_id:
                response = staff.get(f"/api/intakes/{case['intake']['id']}")
                assert response.status_code == 200
                found.append(response.json())
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
