"""Held-out intent evaluation shared by ``bench/nlu_eval.py`` and the tests.

Held-out sets live in ``data/heldout/<lang>.yml`` (Rasa NLU YAML, never trained
on). A trained model parses every example; per language we report

* ``f1``: intent macro-F1 of the classifier's top intent (when the
  FallbackClassifier answered ``nlu_fallback`` we take the intent it ranked
  first behind the fallback: the classifier's decision, independent of the
  threshold that the dialogue uses to ask back);
* ``f1_strict``: macro-F1 counting every ``nlu_fallback`` as an error;
* ``fallback_rate``: the share of held-out messages that would be asked back;
* the most frequent confusion pairs (true intent -> predicted intent);
* precision, recall, F1 and support per intent, and the confusion matrix over the
  intents of the held-out set plus whatever else was predicted (``scripts/evaluate.py``
  writes them as a report and a PNG per language).

Macro-F1 averages over the intents present in that language's held-out set;
predictions of other labels count as errors (false negatives).
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[2]
HELDOUT_DIR = REPO / "data" / "heldout"
NLU_DIR = REPO / "data" / "nlu"
FALLBACK_INTENT = "nlu_fallback"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def heldout_languages(heldout_dir: Path = HELDOUT_DIR) -> List[str]:
    """Language codes with a held-out file."""
    return sorted(p.stem for p in heldout_dir.glob("*.yml"))


def load_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file (entity markup removed)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(str(path))
    return [
        (m.get("text"), m.get("intent"))
        for m in data.intent_examples
        if m.get("text") is not None and m.get("intent")
    ]


@dataclass
class LanguageResult:
    lang: str
    n: int
    f1: float
    f1_strict: float
    fallback_rate: float
    per_intent_f1: Dict[str, float] = field(default_factory=dict)
    confusions: List[Tuple[Tuple[str, str], int]] = field(default_factory=list)
    errors: List[Tuple[str, str, str]] = field(default_factory=list)  # text, true, pred
    # {intent: {"precision", "recall", "f1", "support"}} over the intents of the held-out set
    per_intent: Dict[str, Dict[str, float]] = field(default_factory=dict)
    labels: List[str] = field(default_factory=list)  # rows and columns of `matrix`
    matrix: List[List[int]] = field(default_factory=list)  # matrix[true][predicted] counts

    def as_dict(self) -> Dict:
        """JSON-ready (confusions as [true, predicted, count])."""
        data = asdict(self)
        data["confusions"] = [[t, p, c] for (t, p), c in self.confusions]
        return data


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> Tuple[float, Dict[str, float]]:
    """Macro-F1 over the labels present in ``y_true``."""
    from sklearn.metrics import f1_score

    labels = sorted(set(y_true))
    if not labels:
        return 0.0, {}
    per = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    scores = {label: float(s) for label, s in zip(labels, per)}
    return float(sum(scores.values()) / len(scores)), scores


def intent_scores(y_true: Sequence[str], y_pred: Sequence[str]) -> Dict[str, Dict[str, float]]:
    """Precision, recall, F1 and support per intent of ``y_true`` (the intents macro-F1 averages)."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(y_true))
    if not labels:
        return {}
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, zero_division=0
    )
    return {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(n)}
        for label, p, r, f, n in zip(labels, precision, recall, f1, support)
    }


def confusion(y_true: Sequence[str], y_pred: Sequence[str]) -> Tuple[List[str], List[List[int]]]:
    """(labels, matrix[true][predicted]) over every intent that was expected or predicted."""
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(y_true) | set(y_pred))
    if not labels:
        return [], []
    return labels, confusion_matrix(y_true, y_pred, labels=labels).tolist()


def top_intent(parse: Dict) -> Tuple[str, str]:
    """(classifier's top intent, final intent) of one parse result."""
    final = (parse.get("intent") or {}).get("name") or FALLBACK_INTENT
    top = final
    if final == FALLBACK_INTENT:
        for entry in parse.get("intent_ranking") or []:
            if entry.get("name") and entry["name"] != FALLBACK_INTENT:
                top = entry["name"]
                break
    return top, final


def score_language(
    lang: str, examples: Sequence[Tuple[str, str]], parses: Sequence[Dict]
) -> LanguageResult:
    y_true = [intent for _, intent in examples]
    tops, finals = zip(*(top_intent(p) for p in parses)) if parses else ((), ())
    f1, per_intent = macro_f1(y_true, tops)
    f1_strict, _ = macro_f1(y_true, finals)
    confusions = Counter((t, p) for t, p in zip(y_true, tops) if t != p)
    errors = [(text, t, p) for (text, t), p in zip(examples, tops) if t != p]
    fallback = sum(1 for f in finals if f == FALLBACK_INTENT)
    labels, matrix = confusion(y_true, tops)
    return LanguageResult(
        lang=lang,
        n=len(examples),
        f1=f1,
        f1_strict=f1_strict,
        fallback_rate=fallback / len(examples) if examples else 0.0,
        per_intent_f1=per_intent,
        confusions=confusions.most_common(),
        errors=errors,
        per_intent=intent_scores(y_true, tops),
        labels=labels,
        matrix=matrix,
    )


def load_agent(model_path: str):
    """Loads a trained model (the repo root must be importable for bot.nlu)."""
    import sys

    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from rasa.core.agent import Agent

    return Agent.load(model_path)


def parse_all(agent, texts: Iterable[str]) -> List[Dict]:
    async def _run() -> List[Dict]:
        return [await agent.parse_message(t) for t in texts]

    return asyncio.run(_run())


def evaluate(
    model_path: str,
    langs: Optional[Sequence[str]] = None,
    heldout_dir: Path = HELDOUT_DIR,
    agent=None,
) -> Dict[str, LanguageResult]:
    """Parses every held-out example of ``langs`` with the model at ``model_path``."""
    agent = agent or load_agent(model_path)
    results: Dict[str, LanguageResult] = {}
    for lang in langs or heldout_languages(heldout_dir):
        path = heldout_dir / f"{lang}.yml"
        if not path.exists():
            continue
        examples = load_examples(path)
        parses = parse_all(agent, [text for text, _ in examples])
        results[lang] = score_language(lang, examples, parses)
    return results


def format_report(results: Dict[str, LanguageResult], top_confusions: int = 5) -> str:
    """Plain-text per-language report (for test output and the bench log)."""
    lines = [f"{'lang':<5} {'n':>5} {'macroF1':>8} {'strictF1':>9} {'fallback':>9}"]
    for lang, r in results.items():
        lines.append(
            f"{lang:<5} {r.n:>5} {r.f1:>8.3f} {r.f1_strict:>9.3f} {r.fallback_rate:>8.1%}"
        )
    for lang, r in results.items():
        weak = {k: v for k, v in r.per_intent_f1.items() if v < 0.95}
        if weak:
            lines.append(
                f"  {lang} intents below 0.95: "
                + ", ".join(f"{k} {v:.2f}" for k, v in sorted(weak.items(), key=lambda kv: kv[1]))
            )
        if r.confusions:
            lines.append(
                f"  {lang} confusions: "
                + "; ".join(f"{t} -> {p} ×{c}" for (t, p), c in r.confusions[:top_confusions])
            )
    return "\n".join(lines)
