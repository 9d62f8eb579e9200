"""The trained model, loaded once for every test of tests/bot that needs it (env WEGWEISER_MODEL)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

MODEL = os.environ.get("WEGWEISER_MODEL")


def resolve_model(path: str) -> str:
    p = Path(path)
    if not p.is_absolute():
        p = REPO / p
    if p.is_dir():  # a models/ directory: take the newest archive
        archives = sorted(p.glob("*.tar.gz"), key=lambda a: a.stat().st_mtime)
        assert archives, f"no model archive in {p}"
        p = archives[-1]
    assert p.exists(), f"WEGWEISER_MODEL={path} does not exist"
    return str(p)


@pytest.fixture(scope="session")
def trained_agent():
    if not MODEL:
        pytest.skip("WEGWEISER_MODEL is not set")
    from bot.nlu.evaluation import load_agent

    return load_agent(resolve_model(MODEL))
