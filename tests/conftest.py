"""Fixtures shared by every suite that needs the real servers (tests/e2e, tests/channels, ...):
one stack per test session, however many suites use it. Imports are inside the fixtures, so
the suites of the Rasa environment (tests/bot, tests/actions) load this file too."""
from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from typing import Dict, Iterator
from unittest import mock

import pytest


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator["Stack"]:  # noqa: F821
    from scripts.stack import Stack

    class IsolatedStack(Stack):
        """Built from the process environment without its WEGWEISER_* variables: other suites
        set theirs at import (tests/api: WEGWEISER_ENV=test, its own database), and the stack
        must not inherit them. Its own settings go in env_overrides."""

        def environment(self) -> Dict[str, str]:
            clean = {k: v for k, v in os.environ.items() if not k.startswith("WEGWEISER_")}
            with mock.patch.dict(os.environ, clean, clear=True):
                return super().environment()

    var_dir: Path = tmp_path_factory.mktemp("var")
    with IsolatedStack(var_dir=var_dir, rasa_port=0, actions_port=0, api_port=0, log_to_files=True,
               env_overrides={"WEGWEISER_OUTBOX_RETRY_SECONDS": "1"}) as running:
        yield running


@pytest.fixture(scope="session")
def staff(stack) -> "Staff":  # noqa: F821
    from scripts.stack import API_BIN, REPO_ROOT
    from tests.e2e.conftest import Staff

    password = secrets.token_urlsafe(16)
    subprocess.run(
        [str(API_BIN / "python"), "-m", "api.cli", "create-user", "--username", "e2e-caritas",
         "--role", "case_manager", "--organisation", "caritas", "--password-stdin"],
        input=password.encode(), cwd=REPO_ROOT, env=stack.environment(), check=True,
    )
    return Staff(stack, "e2e-caritas", password)
