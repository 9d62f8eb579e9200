"""Loads a retrained model into the running Rasa server, unless it understands less than the current one.

    make deploy-model [FORCE=1]       # models/latest into the server of `make run`
    .venv-rasa/bin/python -m scripts.deploy_model [--model PATH] [--rasa-url URL] [--token T]
        [--current PATH] [--models-dir DIR] [--force] [--tolerance 0.005]

1. Asks the server which model it runs (`GET /status`, Rasa's HTTP API, which `rasa run
   --enable-api --auth-token` serves; scripts/stack.py starts it so).
2. Evaluates the new model and the loaded one on the held-out sets (scripts/evaluate.py; a
   report of the same model and held-out data is reused).
3. Refuses when the new model's held-out macro-F1 is lower than the loaded one's in any language
   by more than the tolerance, unless `--force`; models/latest then names the loaded model again,
   so `make run` keeps starting the better one.
4. `PUT /model {"model_file": <path>}`: the server loads the new model and swaps it in; requests
   arriving meanwhile wait, none is dropped. Conversations live in the SQL tracker store, not in
   the model, so a form in progress simply continues with the new model.
5. Checks `GET /status` names the new model, and notes it in models/history.json.

Several Rasa servers (scale-out, docs/deploy.md): give each one's own address, `--rasa-url`
once per server (a round-robin address in front of them would reach only one); the model is
loaded into each, one after the other, and compared with what the first one runs.
Without a running server the comparison is made against the model that was current before
(models/history.json), and the new one is what `make run` starts with next.
Exit codes: 0 loaded (or nothing to do), 1 refused, 2 the server did not take the model.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import httpx

from scripts.evaluate import (
    EVALUATION_DIR,
    evaluate_model,
    load_history,
    macro_f1_of,
    record_current,
    worse_languages,
    write_report,
)
from scripts.stack import DEVELOPMENT_SECRETS, MODELS, REPO_ROOT, latest_model, write_latest
from bot.nlu.evaluation import HELDOUT_DIR

TOLERANCE = 0.005
LOAD_TIMEOUT_SECONDS = 600.0


class DeployError(Exception):
    """The Rasa server did not take the model."""


class RasaServer:
    """The parts of Rasa's HTTP API this needs (rasa/server.py: GET /status, PUT /model)."""

    def __init__(self, url: str, token: str, transport: Optional[httpx.BaseTransport] = None):
        self.url = url.rstrip("/")
        self.client = httpx.Client(base_url=self.url, params={"token": token} if token else None,
                                   timeout=30.0, transport=transport)

    def status(self) -> Optional[Dict[str, Any]]:
        """{"model_file": name, "model_id": ...}, or None when no server answers there."""
        try:
            response = self.client.get("/status")
        except httpx.TransportError:
            return None
        if response.status_code in (401, 403):
            raise DeployError(f"{self.url}/status refused the token (HTTP {response.status_code}): "
                              "pass --token or set WEGWEISER_RASA_TOKEN")
        if response.status_code == 409:  # Rasa runs, but without a model
            return {"model_file": None}
        response.raise_for_status()
        return response.json()

    def load(self, model: Path) -> Dict[str, Any]:
        response = self.client.put("/model", json={"model_file": str(Path(model).resolve())}, timeout=LOAD_TIMEOUT_SECONDS)
        if response.status_code != 204:
            raise DeployError(f"PUT /model answered HTTP {response.status_code}: {response.text[:500]}")
        status = self.status() or {}
        if status.get("model_file") != Path(model).name:
            raise DeployError(f"after PUT /model the server runs {status.get('model_file')!r}, not {Path(model).name!r}")
        return status


@dataclass
class Decision:
    allowed: bool
    worse: Dict[str, float]
    message: str


def decide(new: Dict[str, Any], current: Optional[Dict[str, Any]], tolerance: float = TOLERANCE, force: bool = False) -> Decision:
    """Whether the new model may replace the current one (by their held-out reports)."""
    if current is None:
        return Decision(True, {}, "no current model to compare with")
    worse = worse_languages(macro_f1_of(new), macro_f1_of(current), tolerance)
    if not worse:
        return Decision(True, {}, f"held-out macro-F1 is not lower (beyond {tolerance}) in any language")
    listed = ", ".join(f"{lang} {delta:+.3f}" for lang, delta in sorted(worse.items(), key=lambda kv: kv[1]))
    if force:
        return Decision(True, worse, f"FORCED although held-out macro-F1 is lower in: {listed}")
    return Decision(False, worse, (
        f"refused: {new['model_file']} understands less than {current['model_file']} on the held-out sets "
        f"in {listed} (tolerance {tolerance}). See the report for the intents that lost; add or fix "
        "training examples and retrain, or load it anyway with --force (make deploy-model FORCE=1)."))


def comparison_table(new: Dict[str, Any], current: Optional[Dict[str, Any]]) -> str:
    old = macro_f1_of(current) if current else {}
    lines = [f"{'lang':<5} {'current':>8} {'new':>8} {'change':>8}"]
    for lang, f1 in macro_f1_of(new).items():
        before, change = (f"{old[lang]:.3f}", f"{f1 - old[lang]:+.3f}") if lang in old else ("–", "–")
        lines.append(f"{lang:<5} {before:>8} {f1:>8.3f} {change:>8}")
    return "\n".join(lines)


def find_model(name: Optional[str], folders: List[Path]) -> Optional[Path]:
    for folder in folders:
        if name and (Path(folder) / name).is_file():
            return (Path(folder) / name).resolve()
    return None


def set_latest(models_dir: Path, model: Path) -> None:
    """models/latest names `model` when it lies in the models directory (what `make run` starts)."""
    if Path(model).resolve().parent == Path(models_dir).resolve():
        write_latest(models_dir, model)


def deploy(
    model: Path, servers: Sequence[RasaServer], models_dir: Path = MODELS, current: Optional[Path] = None,
    force: bool = False, tolerance: float = TOLERANCE, heldout_dir: Path = HELDOUT_DIR,
    out_dir: Path = EVALUATION_DIR, say=print,
) -> int:
    model = Path(model).resolve()
    server = servers[0]
    status = server.status()
    statuses = [status] + [other.status() for other in servers[1:]]
    if status is not None and all(s is not None and s.get("model_file") == model.name for s in statuses):
        say(f"{', '.join(s.url for s in servers)} already run{'s' if len(servers) == 1 else ''} {model.name}: nothing to do")
        record_current(evaluate_model(model, heldout_dir, out_dir), models_dir)
        return 0
    if current is None:
        if status is not None and status.get("model_file"):
            current = find_model(status["model_file"], [models_dir, MODELS])
            if current is None and not force:
                say(f"refused: cannot compare with the loaded model {status['model_file']}: it is not in {models_dir}; "
                    "pass --current PATH (or --force)")
                return 1
        elif status is None:
            say(f"no Rasa server answers at {server.url}; comparing with the model current before (models/history.json)")
            before = [e["model"] for e in load_history(models_dir) if e["model"] != model.name]
            current = find_model(before[-1], [models_dir]) if before else None

    new_report = evaluate_model(model, heldout_dir, out_dir)
    current_report = evaluate_model(current, heldout_dir, out_dir) if current else None
    say(f"held-out macro-F1, {current.name if current else 'no current model'} -> {model.name}:")
    say(comparison_table(new_report, current_report))
    decision = decide(new_report, current_report, tolerance, force)
    report = write_report(new_report, current_report)
    say(f"report: {report}")
    if not decision.allowed:
        say(decision.message)
        if current is not None and current_report is not None:
            set_latest(models_dir, current)
            record_current(current_report, models_dir, note=f"kept: {model.name} was refused")
        return 1
    say(decision.message)
    if status is not None:
        for target in servers:
            say(f"loading {model.name} into {target.url} (PUT /model) ...")
            try:
                loaded = target.load(model)
            except (DeployError, httpx.HTTPError) as error:
                say(f"the Rasa server at {target.url} did not take the model: {error}")
                return 2
            say(f"loaded: GET /status names {loaded['model_file']} (model_id {loaded.get('model_id')})")
    else:
        say(f"not loaded (no server running); `make run` starts with {model.name}")
    set_latest(models_dir, model)
    record_current(new_report, models_dir, note="forced" if decision.worse else "")
    return 0


def default_token() -> str:
    """WEGWEISER_RASA_TOKEN, else the development secret `make run` started Rasa with."""
    if os.environ.get("WEGWEISER_RASA_TOKEN"):
        return os.environ["WEGWEISER_RASA_TOKEN"]
    secrets = Path(os.environ.get("WEGWEISER_VAR_DIR", REPO_ROOT / "var")) / DEVELOPMENT_SECRETS
    return json.loads(secrets.read_text()).get("rasa_token", "") if secrets.exists() else ""


def default_url() -> str:
    return os.environ.get("WEGWEISER_RASA_URL") or f"http://127.0.0.1:{os.environ.get('WEGWEISER_RASA_PORT', '5005')}"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="the new model (default: the models directory's `latest`)")
    parser.add_argument("--models-dir", type=Path, default=MODELS, help="models, `latest` and history.json (default models/)")
    parser.add_argument("--current", type=Path, help="the loaded model's archive, if it is not in the models directory")
    parser.add_argument("--rasa-url", action="append", help=f"a Rasa server; once per server (default {default_url()})")
    parser.add_argument("--token", default=None, help="Rasa's --auth-token (default WEGWEISER_RASA_TOKEN or var/)")
    parser.add_argument("--force", action="store_true", help="load it even if it is worse in some language")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--heldout-dir", type=Path, default=HELDOUT_DIR)
    parser.add_argument("--out-dir", type=Path, default=EVALUATION_DIR)
    args = parser.parse_args(argv)
    model = args.model or latest_model(args.models_dir)
    token = args.token if args.token is not None else default_token()
    servers = [RasaServer(url, token) for url in args.rasa_url or [default_url()]]
    try:
        return deploy(model, servers, args.models_dir, args.current, args.force, args.tolerance, args.heldout_dir, args.out_dir)
    except DeployError as error:
        print(error)
        return 2


if __name__ == "__main__":
    sys.exit(main())
