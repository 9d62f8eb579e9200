"""A real case API + UI on a free port, for the browser tests and the screenshots.

Set up the way an operator would: `python -m api.cli migrate`, staff users with
`python -m api.cli create-user --password-stdin`, intakes posted by the bot to
POST /api/intakes. No Rasa: the UI only needs the case API.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from scripts.stack import free_port
from tests.factories import intake_body, review_item_body, review_key

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "ui-test-password-2026"
USERS = [
    ("cm.caritas", "case_manager", "caritas"),
    ("cm.drk", "case_manager", "drk"),
    ("coordinator", "coordinator", None),
    ("operator", "operator", None),
]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]




class LiveServer:
    def __init__(self, var_dir: Path | None = None) -> None:
        self.var_dir = var_dir or Path(tempfile.mkdtemp(prefix="wegweiser-ui-"))
        self.port = free_port()
        # "localhost", not 127.0.0.1: browsers treat it as a secure context, so the
        # Secure session cookie of a non-development mode works over plain HTTP here.
        self.url = f"http://localhost:{self.port}"
        self.bot_token = "ui-test-bot-token-" + "b" * 40
        # Only this server's own settings: other suites put theirs in os.environ at import.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("WEGWEISER_")}
        self.env = {
            **inherited,
            "WEGWEISER_ENV": "test",
            "WEGWEISER_VAR_DIR": str(self.var_dir),
            "WEGWEISER_DATABASE_URL": f"sqlite:///{self.var_dir / 'wegweiser.db'}",
            "WEGWEISER_SECRET_KEY": "ui-test-secret-key-" + "s" * 40,
            "WEGWEISER_BOT_TOKEN": self.bot_token,
            "WEGWEISER_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "WEGWEISER_RASA_URL": "",
            "WEGWEISER_TRAINING_DATA_DIR": str(self.var_dir / "nlu"),
            "WEGWEISER_MODELS_DIR": str(self.var_dir / "models"),
            "PYTHONPATH": str(ROOT),
        }
        self.process: subprocess.Popen | None = None

    def _cli(self, *args: str, stdin: str | None = None) -> None:
        subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            cwd=ROOT, env=self.env, input=stdin, text=True, check=True, capture_output=True,
        )

    def start(self) -> "LiveServer":
        self._cli("migrate")
        for username, role, organisation in USERS:
            extra = ["--organisation", organisation] if organisation else []
            self._cli("create-user", "--username", username, "--role", role, *extra, "--password-stdin", stdin=PASSWORD + "\n")
        self.log = open(self.var_dir / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the API did not start: {(self.var_dir / 'server.log').read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the API did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "log", None):
            self.log.close()

    def submit(self, **overrides) -> str:
        response = httpx.post(
            f"{self.url}/api/intakes",
            json=intake_body(**overrides),
            headers={"Authorization": f"Bearer {self.bot_token}", "Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["id"]

    def submit_review_item(self, **overrides) -> int:
        body = review_item_body(**overrides)
        response = httpx.post(
            f"{self.url}/api/review-items",
            json=body,
            headers={"Authorization": f"Bearer {self.bot_token}", "Idempotency-Key": review_key(body)},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["id"]

    def token(self, username: str) -> str:
        response = httpx.post(f"{self.url}/api/auth/token", data={"username": username, "password": PASSWORD}, timeout=10)
        response.raise_for_status()
        return response.json()["access_token"]


def login(page, server: LiveServer, username: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{server.url}/ui/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/ui/login**")
