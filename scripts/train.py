"""Trains the assistant when its inputs changed; otherwise reuses the model (seconds, not minutes).

The model's name is a hash of everything that goes into it (pipeline, domain, texts, training
data), so `make run` after a change trains once and a second run starts at once.

`--data-dir` trains on another copy of the NLU data (the end-to-end test trains on a temporary
copy, so the repository's data is never touched), `--models-dir` writes the model and its
`latest` file elsewhere. The same data gives the same name wherever it lies.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from scripts.build_domain import REPO_ROOT, TARGET as DOMAIN_DIR, build
from scripts.stack import MODELS, write_latest

CONFIG = REPO_ROOT / "bot" / "config.yml"
NLU_DATA = REPO_ROOT / "data" / "nlu"
TRAINING_DATA = [NLU_DATA, REPO_ROOT / "data" / "rules"]


def training_data(data_dir: Path = NLU_DATA) -> List[Path]:
    return [Path(data_dir), *TRAINING_DATA[1:]]


def _inputs(data_dir: Path = NLU_DATA):
    """(name, path) of every input; files of the NLU data are named as if they lay in data/nlu/."""
    for path in [CONFIG, *sorted(DOMAIN_DIR.glob("*.yml")), *sorted((REPO_ROOT / "bot" / "nlu").glob("*.py"))]:
        yield str(path.relative_to(REPO_ROOT)), path
    for folder, named_as in zip(training_data(data_dir), TRAINING_DATA):
        for path in sorted(Path(folder).rglob("*.yml")):
            yield str((named_as / path.relative_to(folder)).relative_to(REPO_ROOT)), path


def fingerprint(data_dir: Path = NLU_DATA) -> str:
    digest = hashlib.sha256()
    for name, path in _inputs(data_dir):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rasa(*args: str) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(REPO_ROOT)}
    command = [str(Path(sys.executable).parent / "rasa"), *args]
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True)


def data_args(data_dir: Path = NLU_DATA) -> list[str]:
    return ["--config", str(CONFIG), "--domain", str(DOMAIN_DIR), "--data", *map(str, training_data(data_dir))]


def validate(data_dir: Path = NLU_DATA) -> None:
    build()
    rasa("data", "validate", *data_args(data_dir), "--fail-on-warnings")


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def train(force: bool = False, data_dir: Path = NLU_DATA, models_dir: Path = MODELS) -> Path:
    build()
    models_dir = Path(models_dir).resolve()
    models_dir.mkdir(parents=True, exist_ok=True)
    name = f"wegweiser-{fingerprint(data_dir)}"
    model = models_dir / f"{name}.tar.gz"
    if model.exists() and not force:
        print(f"model up to date: {_shown(model)}")
    else:
        print(f"training {name} (the data changed) ...", flush=True)
        started = time.monotonic()
        rasa("train", *data_args(data_dir), "--out", str(models_dir), "--fixed-model-name", name)
        print(f"trained in {time.monotonic() - started:.0f} s: {_shown(model)}")
    write_latest(models_dir, model)
    return model



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--validate-only", action="store_true", help="rasa data validate, no training")
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    parser.add_argument("--data-dir", type=Path, default=NLU_DATA, help="NLU training data (default data/nlu)")
    parser.add_argument("--models-dir", type=Path, default=MODELS, help="where the model and `latest` go (default models/)")
    args = parser.parse_args()
    if args.validate_only:
        validate(args.data_dir)
    else:
        train(force=args.force, data_dir=args.data_dir, models_dir=args.models_dir)


if __name__ == "__main__":
    main()
