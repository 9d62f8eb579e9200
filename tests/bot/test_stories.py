"""Test stories (tests/stories/test_<lang>.yml): the main paths in every language, NLU and dialogue together."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STORIES = REPO / "tests" / "stories"
MODEL = os.environ.get("WEGWEISER_MODEL")

pytestmark = pytest.mark.skipif(not MODEL, reason="WEGWEISER_MODEL is not set (make test sets it)")


def test_every_language_has_test_stories() -> None:
    languages = {p.name for p in (REPO / "data" / "nlu").iterdir() if p.is_dir()}
    assert {p.stem.removeprefix("test_") for p in STORIES.glob("test_*.yml")} == languages


def test_main_paths_in_every_language(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(REPO / MODEL),
         "--stories", str(STORIES), "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot"],
        cwd=REPO, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=600,
    )
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, details
