"""Held-out NLU report: intent macro-F1 >= 0.95 per language on data/heldout/<lang>.yml.

Loads the TRAINED model named by env WEGWEISER_MODEL (a model archive; the
Makefile sets it in `make test`) and parses every held-out example. Skipped only
when WEGWEISER_MODEL is unset. A language with training data in data/nlu/<lang>/
but no held-out file fails.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.nlu.evaluation import (  # noqa: E402
    HELDOUT_DIR,
    NLU_DIR,
    evaluate,
    format_report,
    heldout_languages,
    load_examples,
)

TARGET = 0.95  # the product's target (issue 3); not reached yet in every language, see docs/nlu.md
# What the current model must not fall below: measured held-out macro-F1 minus a small margin,
# raised as the data improves (tests/bot/nlu_floors.yml). A change that loses understanding fails.
FLOORS = yaml.safe_load((Path(__file__).with_name("nlu_floors.yml")).read_text())["floors"]
MODEL = os.environ.get("WEGWEISER_MODEL")
LANGS = sorted(
    set(heldout_languages()) | {p.name for p in NLU_DIR.glob("*") if p.is_dir()}
) or ["de"]

pytestmark = pytest.mark.skipif(not MODEL, reason="WEGWEISER_MODEL is not set")


@pytest.fixture(scope="module")
def results(trained_agent):
    agent = trained_agent
    langs = heldout_languages()
    start = time.monotonic()
    res = evaluate(MODEL, langs, agent=agent)
    elapsed = time.monotonic() - start
    n = sum(r.n for r in res.values())
    print(f"\nheld-out NLU report ({n} messages parsed in {elapsed:.1f}s)\n" + format_report(res))
    return res, n, elapsed


def test_every_heldout_message_is_parsed(results):
    _, n, _ = results
    assert n > 0, f"no held-out examples in {HELDOUT_DIR}"


@pytest.mark.parametrize("lang", LANGS)
def test_heldout_macro_f1(results, lang):
    path = HELDOUT_DIR / f"{lang}.yml"
    assert path.exists(), f"{lang}: training data but no held-out set {path}"
    assert load_examples(path), f"{lang}: held-out set is empty"
    r = results[0][lang]
    worst = sorted(r.per_intent_f1.items(), key=lambda kv: kv[1])[:5]
    floor = FLOORS[lang]
    if r.f1 < TARGET:
        print(f"{lang}: macro-F1 {r.f1:.3f} is below the target {TARGET} (floor {floor}); weakest {worst}")
    assert r.f1 >= floor, (
        f"{lang}: held-out intent macro-F1 {r.f1:.3f} fell below its floor {floor}; weakest intents {worst}; "
        f"confusions {r.confusions[:5]}; e.g. {r.errors[:5]}"
    )
