"""Starts and stops the parts of Wegweiser on one machine: used by `make run` and the tests.

Standard library only: it runs under either environment and starts each part in its own.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = REPO_ROOT / ".venv-rasa" / "bin"
API_BIN = REPO_ROOT / ".venv-api" / "bin"
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SECRET_NAMES = ("secret_key", "bot_token", "rasa_token", "encryption_key")
DEVELOPMENT_SECRETS = "development-secrets.json"  # in the var directory


def development_secrets(var_dir: Path) -> Dict[str, str]:
    """Secrets of development mode, made once per checkout and kept in var/ (never committed).

    The same file the case API falls back to when it runs on its own (api/settings.py).
    """
    path = var_dir / DEVELOPMENT_SECRETS
    stored = json.loads(path.read_text()) if path.exists() else {}
    for name in SECRET_NAMES:
        stored.setdefault(name, secrets.token_urlsafe(32))
    # The encryption key is a Fernet key: url-safe base64 of 32 random bytes.
    if len(stored["encryption_key"]) != 44:
        stored["encryption_key"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2))
    path.chmod(0o600)
    return stored


MODELS = REPO_ROOT / "models"
LATEST_NAME = "latest"  # in a models directory: a text file holding the current model's file name


def latest_model(models_dir: Path = MODELS, required: bool = True) -> Optional[Path]:
    """The model that `latest` in `models_dir` names (scripts/train.py writes it)."""
    latest = Path(models_dir) / LATEST_NAME
    if not latest.exists():
        if required:
            raise SystemExit(f"no trained model ({latest}): run `make train` (or `make run`, which trains)")
        return None
    return (Path(models_dir) / latest.read_text().strip()).resolve()


def write_latest(models_dir: Path, model: Path) -> None:
    """`latest` in `models_dir` names `model` from now on (what `make run` starts)."""
    (Path(models_dir) / LATEST_NAME).write_text(Path(model).name + "\n")


def current_model() -> Path:
    return latest_model()


@dataclass
class Part:
    name: str
    command: List[str]
    health_url: str
    public_url: str
    process: Optional[subprocess.Popen] = None
    log_path: Optional[Path] = None
    env: Dict[str, str] = field(default_factory=dict)  # this part's own settings over the stack's


@dataclass
class Stack:
    """The three parts with their settings; ports 0 mean 'pick free ones' (tests).

    `rasa_servers=2` (scale-out): two Rasa servers, each with its own action server, behind one
    round-robin address (scripts/balancer.py) at `rasa_url`; they must share a tracker store and a
    lock store (bot/endpoints.production.yml: PostgreSQL and Redis) for a conversation to go on
    wherever its next message lands.
    """

    var_dir: Path = REPO_ROOT / "var"
    rasa_port: int = 5005
    actions_port: int = 5055
    api_port: int = 8000
    env_overrides: Dict[str, str] = field(default_factory=dict)
    log_to_files: bool = False
    parts: List[Part] = field(default_factory=list)
    rasa_servers: int = 1

    def __post_init__(self) -> None:
        self.var_dir = Path(self.var_dir)
        self.rasa_port = self.rasa_port or free_port()
        self.actions_port = self.actions_port or free_port()
        self.api_port = self.api_port or free_port()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.setdefault("WEGWEISER_ENV", "development")
        if env["WEGWEISER_ENV"] == "development":
            for name, value in development_secrets(self.var_dir).items():
                env.setdefault(f"WEGWEISER_{name.upper()}", value)
        env.update({
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(REPO_ROOT),
            "PYTHONUNBUFFERED": "1",
            "WEGWEISER_API_URL": self.api_url,
            "WEGWEISER_RASA_URL": self.rasa_url,
            "WEGWEISER_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
        })
        env.setdefault("WEGWEISER_VAR_DIR", str(self.var_dir))
        env.setdefault("WEGWEISER_PUBLIC_URL", f"http://localhost:{self.api_port}")
        env.setdefault("WEGWEISER_DATABASE_URL", f"sqlite:///{self.var_dir / 'wegweiser.db'}")
        env.setdefault("WEGWEISER_TRACKER_DB", str(self.var_dir / "rasa-tracker.db"))
        env.setdefault("WEGWEISER_OUTBOX_PATH", str(self.var_dir / "outbox.db"))
        env.update(self.env_overrides)
        return env

    def _define_parts(self) -> None:
        env = self.environment()
        endpoints = env.get("WEGWEISER_RASA_ENDPOINTS", str(REPO_ROOT / "bot" / "endpoints.yml"))
        single = self.rasa_servers == 1
        self.parts = []
        for number in range(1, self.rasa_servers + 1):
            suffix = "" if single else f" {number}"
            actions_port = self.actions_port if single else free_port()
            rasa_port = self.rasa_port if single else free_port()
            self.parts += [
                Part(
                    "action server" + suffix,
                    [str(RASA_BIN / "python"), "-m", "actions.server", "--port", str(actions_port)],
                    f"http://127.0.0.1:{actions_port}/health",
                    f"http://127.0.0.1:{actions_port}/webhook",
                    # each action server keeps its own outbox, as on separate machines
                    env={} if single else {"WEGWEISER_OUTBOX_PATH": str(self.var_dir / f"outbox-{number}.db")},
                ),
                Part(
                    "Rasa server" + suffix,
                    [
                        # `--auth-token=…` in one word: a random token may begin with "-", which argparse
                        # would take for an option (Rasa then exits: "expected one argument")
                        str(RASA_BIN / "rasa"), "run", "--enable-api", f"--auth-token={env['WEGWEISER_RASA_TOKEN']}",
                        "--interface", "127.0.0.1", "--port", str(rasa_port),
                        "--model", str(current_model()), "--endpoints", endpoints,
                        "--credentials", str(REPO_ROOT / "bot" / "credentials.yml"),
                    ],
                    f"http://127.0.0.1:{rasa_port}/",
                    f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                    env={"WEGWEISER_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook"},
                ),
            ]
        if not single:
            upstreams = [arg for part in self.parts if part.name.startswith("Rasa server")
                         for arg in ("--upstream", part.health_url.rstrip("/"))]
            self.parts.append(Part(
                "balancer",
                [str(API_BIN / "python"), "-m", "scripts.balancer", "--port", str(self.rasa_port), *upstreams],
                f"{self.rasa_url}/__balancer",
                f"{self.rasa_url}/webhooks/rest/webhook",
            ))
        self.parts.append(
            Part(
                "case API and UI",
                [str(API_BIN / "python"), "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(self.api_port), "--no-access-log"],
                f"{self.api_url}/healthz",
                f"{self.api_url}/",
            )
        )
        if env.get("WEGWEISER_TELEGRAM_TOKEN"):
            # No port of its own: it counts as up while its process runs (the API's health is polled).
            self.parts.append(Part(
                "Telegram bridge", [str(API_BIN / "python"), "-m", "api.channels.telegram"],
                f"{self.api_url}/healthz", "Telegram (long polling, or webhook with WEGWEISER_TELEGRAM_WEBHOOK_SECRET)",
            ))

    def prepare_api(self) -> None:
        env = self.environment()
        # seed-dev migrates first, then makes (or shows) the demo logins of development mode.
        command = "seed-dev" if env["WEGWEISER_ENV"] == "development" else "migrate"
        subprocess.run([str(API_BIN / "python"), "-m", "api.cli", command], cwd=REPO_ROOT, env=env, check=True)

    def start(self, timeout: float = 240.0) -> "Stack":
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.prepare_api()
        self._define_parts()
        env = self.environment()
        for part in self.parts:
            self._spawn(part, env)
        try:
            self.wait_until_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, part: Part, env: Optional[Dict[str, str]] = None) -> None:
        """Start one part's process in its own session (a process group `kill` can end whole)."""
        output = None
        if self.log_to_files:
            part.log_path = self.var_dir / (part.name.replace(" and UI", "").replace(" ", "-").lower() + ".log")
            output = open(part.log_path, "ab")
        try:
            part.process = subprocess.Popen(
                part.command, cwd=REPO_ROOT, env={**(env if env is not None else self.environment()), **part.env},
                stdout=output, stderr=subprocess.STDOUT if output else None, start_new_session=True,
            )
        finally:
            if output:
                output.close()  # the child holds its own copy of the descriptor

    def part(self, name: str) -> Part:
        for part in self.parts:
            if part.name == name:
                return part
        raise KeyError(f"no part named {name!r}: {', '.join(p.name for p in self.parts)}")

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 30.0) -> None:
        """Send `sig` to a part's whole process group and wait for its process to end."""
        part = self.part(name)
        if not part.process or part.process.poll() is not None:
            return
        try:
            os.killpg(part.process.pid, sig)
        except ProcessLookupError:
            pass
        part.process.wait(timeout=timeout)

    def restart(self, name: str, timeout: float = 240.0) -> Part:
        """Start a part again (same command, environment and log file) and wait until it is healthy."""
        part = self.part(name)
        if part.process and part.process.poll() is None:
            self.kill(name, signal.SIGTERM)
        self._spawn(part)
        self.wait_until_healthy(timeout, [part])
        return part

    def wait_until_healthy(self, timeout: float, parts: Optional[List[Part]] = None) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(self.parts if parts is None else parts)
        while waiting:
            for part in list(waiting):
                if part.process and part.process.poll() is not None:
                    raise RuntimeError(f"{part.name} exited with code {part.process.returncode}" + self._log_tail(part))
                try:
                    with urllib.request.urlopen(part.health_url, timeout=2) as response:
                        if response.status < 500:
                            waiting.remove(part)
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    pass
            if waiting and time.monotonic() > deadline:
                names = ", ".join(p.name for p in waiting)
                raise TimeoutError(f"not healthy after {timeout:.0f} s: {names}" + "".join(self._log_tail(p) for p in waiting))
            if waiting:
                time.sleep(0.5)

    def _log_tail(self, part: Part) -> str:
        if part.log_path and part.log_path.exists():
            return f"\n--- {part.log_path} ---\n" + part.log_path.read_text(errors="replace")[-3000:]
        return ""

    def first_exited(self) -> Optional[Part]:
        return next((p for p in self.parts if p.process and p.process.poll() is not None), None)

    def stop(self, grace: float = 10.0) -> None:
        for part in self.parts:
            if part.process and part.process.poll() is None:
                os.killpg(part.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for part in self.parts:
            if not part.process:
                continue
            try:
                part.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(part.process.pid, signal.SIGKILL)
                part.process.wait()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    sys.exit("use `make run` (scripts/run.py)")
