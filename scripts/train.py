"""Trains the assistant when its inputs changed; otherwise reuses the model (seconds, not minutes).

The model's name is a hash of everything that goes into it (pipeline, domain, texts, training
data), so `make run` after a change trains once and a second run starts at once.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from scripts.build_domain import REPO_ROOT, TARGET as DOMAIN_DIR, build

CONFIG = REPO_ROOT / "bot" / "config.yml"
MODELS = REPO_ROOT / "models"
TRAINING_DATA = [REPO_ROOT / "data" / "nlu", REPO_ROOT / "data" / "rules"]
LATEST = MODELS / "latest"  # a text file holding the current model's file name


def _inputs():
    yield CONFIG
    yield from sorted(DOMAIN_DIR.glob("*.yml"))
    yield from sorted((REPO_ROOT / "bot" / "nlu").glob("*.py"))
    for folder in TRAINING_DATA:
        yield from sorted(folder.rglob("*.yml"))


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _inputs():
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rasa(*args: str) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(REPO_ROOT)}
    command = [str(Path(sys.executable).parent / "rasa"), *args]
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True)


def data_args() -> list[str]:
    return ["--config", str(CONFIG), "--domain", str(DOMAIN_DIR), "--data", *map(str, TRAINING_DATA)]


def validate() -> None:
    build()
    rasa("data", "validate", *data_args(), "--fail-on-warnings")


def train(force: bool = False) -> Path:
    build()
    name = f"wegweiser-{fingerprint()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists() and not force:
        print(f"model up to date: {model.relative_to(REPO_ROOT)}")
    else:
        print(f"training {name} (the data changed) ...", flush=True)
        started = time.monotonic()
        rasa("train", *data_args(), "--out", str(MODELS), "--fixed-model-name", name)
        print(f"trained in {time.monotonic() - started:.0f} s: {model.relative_to(REPO_ROOT)}")
    LATEST.write_text(model.name + "\n")
    return model



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate-only", action="store_true", help="rasa data validate, no training")
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    args = parser.parse_args()
    MODELS.mkdir(exist_ok=True)
    if args.validate_only:
        validate()
    else:
        train(force=args.force)


if __name__ == "__main__":
    main()
