"""Fixtures shared by every suite that needs the real servers (tests/e2e, tests/channels, ...):
one stack per test session, however many suites use it. Imports are inside the fixtures, so
the suites of the Rasa environment (tests/bot, tests/actions) load this file too."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator["Stack"]:  # noqa: F821
    from scripts.stack import REPO_ROOT
    from tests.e2e.conftest import IsolatedStack

    var_dir: Path = tmp_path_factory.mktemp("var")
    # An operator accepting a review item in any test writes to a copy, never to data/nlu.
    training_data = tmp_path_factory.mktemp("training-data") / "nlu"
    shutil.copytree(REPO_ROOT / "data" / "nlu", training_data)
    with IsolatedStack(var_dir=var_dir, rasa_port=0, actions_port=0, api_port=0, log_to_files=True,
               env_overrides={"WEGWEISER_OUTBOX_RETRY_SECONDS": "1",
                              "WEGWEISER_TRAINING_DATA_DIR": str(training_data)}) as running:
        yield running


@pytest.fixture(scope="session")
def staff(stack) -> "Staff":  # noqa: F821
    from tests.e2e.conftest import Staff

    return Staff.create(stack, "e2e-caritas")
