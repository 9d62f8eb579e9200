"""Fixtures of the channel tests: a fake Telegram Bot API, a switchable gate in front of Rasa,
and the Telegram bridge as its own process (as `make run` starts it), all on loopback ports."""
from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from scripts.stack import API_BIN, REPO_ROOT, Stack
from tests.channels.fakes import FakeTelegram, RasaGate

TELEGRAM_TOKEN = "123456:fake-token-for-tests"


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    server = FakeTelegram(TELEGRAM_TOKEN)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rasa_gate(stack: Stack) -> Iterator[RasaGate]:
    gate = RasaGate(stack.rasa_url)
    gate.start()
    yield gate
    gate.stop()


@pytest.fixture(scope="module")
def telegram_inbox_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("telegram") / "telegram.db"


@pytest.fixture(scope="module")
def telegram_bridge(stack: Stack, fake_telegram: FakeTelegram, rasa_gate: RasaGate, telegram_inbox_path: Path) -> Iterator[subprocess.Popen]:
    env = stack.environment()
    env.update({
        "WEGWEISER_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "WEGWEISER_TELEGRAM_API_URL": fake_telegram.url,
        "WEGWEISER_TELEGRAM_DB": str(telegram_inbox_path),
        "WEGWEISER_TELEGRAM_RETRY_SECONDS": "1",
        "WEGWEISER_RASA_URL": rasa_gate.url,
    })
    env.pop("WEGWEISER_TELEGRAM_WEBHOOK_SECRET", None)
    log_path = telegram_inbox_path.parent / "bridge.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen([str(API_BIN / "python"), "-m", "api.channels.telegram"], cwd=REPO_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        fake_telegram.polled()
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        print(log_path.read_text(errors="replace")[-4000:])


_update_ids = itertools.count(int(time.time()))


@pytest.fixture
def next_update_id():
    """Update ids grow through the session, as Telegram's do."""
    return lambda: next(_update_ids)
