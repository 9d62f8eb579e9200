"""Per-language intent report of a model on the held-out sets, compared with the model before it.

    make evaluate                      # the current model (models/latest)
    .venv-rasa/bin/python -m scripts.evaluate [--model models/wegweiser-….tar.gz] [--models-dir models]

Parses `data/heldout/<lang>.yml` (never trained on) with the model and writes
`build/evaluation/<model name>/`: `report.md` (macro-F1 per language and precision, recall, F1
per intent, each with its change against the previous model), `report.json` and
`confusion-<lang>.png`. The scores are those of `bot/nlu/evaluation.py` (the classifier's top
intent; an `nlu_fallback` counts as the intent ranked first behind it).

"The previous model" is the one that was current before: `models/history.json` lists the models
that were current (`models/latest`) one after the other, with their held-out macro-F1, and is
kept by this script and by `scripts/deploy_model.py`. A report is reused while the model and the
held-out data are the same, so comparing two models costs one evaluation each, once.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from actions.contract import LANGUAGES  # noqa: E402
from bot.nlu import evaluation  # noqa: E402
from scripts.stack import MODELS, latest_model  # noqa: E402

EVALUATION_DIR = REPO_ROOT / "build" / "evaluation"
HISTORY_NAME = "history.json"
HISTORY_LENGTH = 50
SUFFIX = ".tar.gz"
NOTHING_TO_COMPARE = "no previous model evaluated on these held-out sets"


def model_name(model: Path) -> str:
    name = Path(model).name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name


def languages(heldout_dir: Path) -> List[str]:
    """The held-out languages, in the contract's order."""
    present = evaluation.heldout_languages(heldout_dir)
    return [lang for lang in LANGUAGES if lang in present] + [lang for lang in present if lang not in LANGUAGES]


def heldout_fingerprint(heldout_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(heldout_dir).glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ------------------------------------------------------------------------------ history
def load_history(models_dir: Path = MODELS) -> List[Dict[str, Any]]:
    path = Path(models_dir) / HISTORY_NAME
    return json.loads(path.read_text())["models"] if path.exists() else []


def record_current(report: Dict[str, Any], models_dir: Path = MODELS, note: str = "") -> None:
    """Note that this model is now the current one (nothing if it already was the last one)."""
    history = load_history(models_dir)
    if history and history[-1]["model"] == report["model_file"]:
        return
    history.append({
        "model": report["model_file"],
        "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "macro_f1": macro_f1_of(report),
        "report": report["report_json"],
        **({"note": note} if note else {}),
    })
    path = Path(models_dir) / HISTORY_NAME
    path.write_text(json.dumps({"models": history[-HISTORY_LENGTH:]}, indent=1) + "\n")


def previous_entry(model_file: str, models_dir: Path = MODELS) -> Optional[Dict[str, Any]]:
    """The model that was current before this one."""
    return next((entry for entry in reversed(load_history(models_dir)) if entry["model"] != model_file), None)


# ------------------------------------------------------------------------------ reports
def macro_f1_of(report: Dict[str, Any]) -> Dict[str, float]:
    return {lang: round(r["f1"], 4) for lang, r in report["languages"].items()}


def changes(new: Dict[str, float], old: Optional[Dict[str, float]]) -> Dict[str, Optional[float]]:
    """Per language: new minus old macro-F1 (None where the old model has no score)."""
    old = old or {}
    return {lang: (round(value - old[lang], 4) if lang in old else None) for lang, value in new.items()}


def worse_languages(new: Dict[str, float], old: Dict[str, float], tolerance: float) -> Dict[str, float]:
    """Languages whose macro-F1 fell by more than `tolerance`: {lang: change}."""
    return {lang: delta for lang, delta in changes(new, old).items() if delta is not None and delta < -tolerance}


def evaluate_model(
    model: Path, heldout_dir: Path = evaluation.HELDOUT_DIR, out_root: Path = EVALUATION_DIR, reuse: bool = True,
) -> Dict[str, Any]:
    """The model's held-out report (`report.json` content), written with its confusion PNGs."""
    model = Path(model).resolve()
    if not model.exists():
        raise SystemExit(f"no model at {model}")
    out = Path(out_root) / model_name(model)
    report_json = out / "report.json"
    fingerprint = heldout_fingerprint(heldout_dir)
    if reuse and report_json.exists():
        cached = json.loads(report_json.read_text())
        if cached.get("heldout") == fingerprint and cached.get("model_file") == model.name:
            return cached
    print(f"evaluating {model.name} on {heldout_dir} ...", flush=True)
    _quiet_rasa()
    started = time.monotonic()
    results = evaluation.evaluate(str(model), languages(heldout_dir), heldout_dir=Path(heldout_dir))
    out.mkdir(parents=True, exist_ok=True)
    report = {
        "model": model_name(model),
        "model_file": model.name,
        "evaluated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 1),
        "heldout": fingerprint,
        "report_json": str(report_json),
        "languages": {lang: result.as_dict() for lang, result in results.items()},
    }
    for lang, result in results.items():
        plot_confusion(result, out / f"confusion-{lang}.png", title=f"{model_name(model)} · {lang}")
    report_json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return report


def _quiet_rasa() -> None:
    """Rasa logs every parsed message at debug level; a report needs none of it."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)


def plot_confusion(result: evaluation.LanguageResult, path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, matrix = result.labels, result.matrix
    size = max(6.0, 0.42 * len(labels) + 2.5)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent (held-out)")
    ax.set_title(f"{title}: macro-F1 {result.f1:.3f}, n={result.n}", fontsize=10)
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                        color="white" if count > peak / 2 else ("black" if i == j else "firebrick"))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _signed(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:+.3f}"


def render_markdown(report: Dict[str, Any], previous: Optional[Dict[str, Any]], previous_model: Optional[str]) -> str:
    """report.md: the summary per language, then every intent, each against the previous model."""
    languages = report["languages"]
    old_f1 = macro_f1_of(previous) if previous else None
    delta = changes(macro_f1_of(report), old_f1)
    against = f"`{previous_model}`" if previous_model else NOTHING_TO_COMPARE
    lines = [
        f"# Held-out evaluation of `{report['model_file']}`",
        "",
        f"Evaluated {report['evaluated_at']} on data/heldout (fingerprint {report['heldout']}); compared with {against}.",
        "Macro-F1 of the classifier's top intent (an `nlu_fallback` counts as the intent ranked first behind it);",
        "*strict* counts every `nlu_fallback` as an error.",
        "",
        "| language | n | macro-F1 | previous | change | strict | asked back |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for lang, r in languages.items():
        old = f"{old_f1[lang]:.3f}" if old_f1 and lang in old_f1 else "–"
        verdict = "" if delta[lang] is None else (" better" if delta[lang] > 0.0005 else (" worse" if delta[lang] < -0.0005 else ""))
        lines.append(f"| {lang} | {r['n']} | {r['f1']:.3f} | {old} | {_signed(delta[lang])}{verdict} | "
                     f"{r['f1_strict']:.3f} | {r['fallback_rate']:.1%} |")
    for lang, r in languages.items():
        old_intents = (previous or {}).get("languages", {}).get(lang, {}).get("per_intent", {})
        lines += ["", f"## {lang}: macro-F1 {r['f1']:.3f} ({_signed(delta[lang])})", "",
                  "| intent | precision | recall | F1 | change | support |", "|---|---:|---:|---:|---:|---:|"]
        for intent, s in sorted(r["per_intent"].items(), key=lambda kv: kv[1]["f1"]):
            change = s["f1"] - old_intents[intent]["f1"] if intent in old_intents else None
            lines.append(f"| {intent} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | {_signed(change)} | {s['support']} |")
        if r["confusions"]:
            lines += ["", "Most frequent confusions: " + "; ".join(f"{t} → {p} ×{c}" for t, p, c in r["confusions"][:8])]
        lines += ["", f"![confusion matrix {lang}](confusion-{lang}.png)"]
    return "\n".join(lines) + "\n"


def previous_report(
    report: Dict[str, Any], models_dir: Path = MODELS, heldout_dir: Path = evaluation.HELDOUT_DIR,
    out_root: Path = EVALUATION_DIR,
) -> Optional[Dict[str, Any]]:
    """The report of the model current before `report`'s, on the same held-out sets.

    When the held-out sets changed since that model was evaluated, its figures say nothing about
    the new ones: it is evaluated again if its archive is still in `models_dir`, and there is
    nothing to compare with (None) if it is not.
    """
    entry = previous_entry(report["model_file"], models_dir)
    previous = load_report(entry)
    if previous is None or previous.get("heldout") == report["heldout"]:
        return previous
    archive = Path(models_dir) / entry["model"]
    return evaluate_model(archive, heldout_dir, out_root) if archive.is_file() else None


def load_report(entry: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The full report of a history entry, or its macro-F1 alone when the report is gone."""
    if not entry:
        return None
    path = Path(entry.get("report") or "")
    if path.is_file():
        return json.loads(path.read_text())
    return {"model_file": entry["model"], "languages": {lang: {"f1": f1} for lang, f1 in entry["macro_f1"].items()}}


def write_report(report: Dict[str, Any], previous: Optional[Dict[str, Any]]) -> Path:
    """Writes report.md against `previous` (a report on the same held-out sets, or None)."""
    path = Path(report["report_json"]).with_name("report.md")
    path.write_text(render_markdown(report, previous, previous["model_file"] if previous else None))
    return path


def summary(report: Dict[str, Any], previous: Optional[Dict[str, Any]]) -> str:
    delta = changes(macro_f1_of(report), macro_f1_of(previous) if previous else None)
    return "  ".join(f"{lang} {r['f1']:.3f} ({_signed(delta[lang])})" for lang, r in report["languages"].items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="model archive (default: the models directory's `latest`)")
    parser.add_argument("--models-dir", type=Path, default=MODELS, help="models and history.json (default models/)")
    parser.add_argument("--heldout-dir", type=Path, default=evaluation.HELDOUT_DIR)
    parser.add_argument("--out-dir", type=Path, default=EVALUATION_DIR, help="reports go to <out-dir>/<model name>/")
    parser.add_argument("--again", action="store_true", help="evaluate even if a report of this model exists")
    args = parser.parse_args()

    model = (args.model or latest_model(args.models_dir)).resolve()
    current = latest_model(args.models_dir, required=False)
    report = evaluate_model(model, args.heldout_dir, args.out_dir, reuse=not args.again)
    previous = previous_report(report, args.models_dir, args.heldout_dir, args.out_dir)
    path = write_report(report, previous)
    if model == current:
        record_current(report, args.models_dir)
    print(f"macro-F1 per language (change against {previous['model_file'] if previous else NOTHING_TO_COMPARE}):")
    print("  " + summary(report, previous))
    print(f"report: {path} (confusion-<lang>.png beside it)")


if __name__ == "__main__":
    main()
