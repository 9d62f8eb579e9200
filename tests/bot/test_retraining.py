"""Evaluate, compare, deploy (issue 7), offline: fake reports and a fake Rasa HTTP API."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

import httpx
import pytest

from bot.nlu.evaluation import score_language
from scripts import deploy_model, evaluate
from scripts.deploy_model import RasaServer, decide, deploy
from scripts.train import NLU_DATA, fingerprint

LANGS = ("de", "en", "ar")


def fake_report(tmp_path: Path, model_file: str, f1: Dict[str, float]) -> Dict[str, Any]:
    out = tmp_path / "evaluation" / evaluate.model_name(Path(model_file))
    out.mkdir(parents=True, exist_ok=True)
    report = {
        "model": evaluate.model_name(Path(model_file)), "model_file": model_file, "evaluated_at": "2026-12-01T10:00:00+00:00",
        "heldout": "x", "report_json": str(out / "report.json"),
        "languages": {lang: {"n": 10, "f1": value, "f1_strict": value, "fallback_rate": 0.1, "confusions": [],
                             "per_intent": {"need_housing": {"precision": value, "recall": value, "f1": value, "support": 10}}}
                      for lang, value in f1.items()},
    }
    (out / "report.json").write_text(json.dumps(report))
    return report


class FakeRasa:
    """GET /status and PUT /model of Rasa's HTTP API, with its token check."""

    def __init__(self, loaded: str, token: str = "rasa-secret", takes_model: bool = True) -> None:
        self.loaded, self.token, self.takes_model = loaded, token, takes_model
        self.puts: List[Dict[str, Any]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.params.get("token") != self.token:
            return httpx.Response(401, json={"message": "User is not authenticated."})
        if request.method == "GET" and request.url.path == "/status":
            return httpx.Response(200, json={"model_file": self.loaded, "model_id": "abc", "num_active_training_jobs": 0})
        if request.method == "PUT" and request.url.path == "/model":
            body = json.loads(request.content)
            self.puts.append(body)
            if self.takes_model:
                self.loaded = Path(body["model_file"]).name
            return httpx.Response(204)
        return httpx.Response(404)


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, Any]:
    """A models directory with the loaded model `old` and a retrained `new`; reports by name."""
    folder = tmp_path / "models"
    folder.mkdir()
    for name in ("wegweiser-old.tar.gz", "wegweiser-new.tar.gz"):
        (folder / name).write_bytes(b"model")
    (folder / "latest").write_text("wegweiser-new.tar.gz\n")
    reports: Dict[str, Dict[str, Any]] = {}
    monkeypatch.setattr(deploy_model, "evaluate_model", lambda model, *a, **k: reports[Path(model).name])
    return {"dir": folder, "reports": reports, "tmp": tmp_path}


def run(models: Dict[str, Any], rasa: FakeRasa, old: Dict[str, float], new: Dict[str, float], **options: Any):
    models["reports"]["wegweiser-old.tar.gz"] = fake_report(models["tmp"], "wegweiser-old.tar.gz", old)
    models["reports"]["wegweiser-new.tar.gz"] = fake_report(models["tmp"], "wegweiser-new.tar.gz", new)
    said: List[str] = []
    server = RasaServer("http://rasa.test", "rasa-secret", transport=httpx.MockTransport(rasa.handler))
    code = deploy(models["dir"] / "wegweiser-new.tar.gz", [server], models["dir"], say=said.append, **options)
    return code, "\n".join(said)


def latest(models: Dict[str, Any]) -> str:
    return (models["dir"] / "latest").read_text().strip()


def history(models: Dict[str, Any]) -> List[str]:
    return [entry["model"] for entry in evaluate.load_history(models["dir"])]


def test_a_model_as_good_or_better_is_loaded_and_checked(models) -> None:
    rasa = FakeRasa("wegweiser-old.tar.gz")
    code, said = run(models, rasa, {"de": 0.90, "en": 0.85, "ar": 0.78}, {"de": 0.90, "en": 0.86, "ar": 0.776})
    assert code == 0, said
    assert rasa.puts == [{"model_file": str(models["dir"] / "wegweiser-new.tar.gz")}]
    assert rasa.loaded == "wegweiser-new.tar.gz" and "GET /status names wegweiser-new.tar.gz" in said
    assert latest(models) == "wegweiser-new.tar.gz" and history(models) == ["wegweiser-new.tar.gz"]
    report = (models["tmp"] / "evaluation" / "wegweiser-new" / "report.md").read_text()
    assert "compared with `wegweiser-old.tar.gz`" in report and "+0.010 better" in report and "-0.004" in report


def test_a_worse_model_is_refused_and_the_current_one_stays_latest(models) -> None:
    rasa = FakeRasa("wegweiser-old.tar.gz")
    code, said = run(models, rasa, {"de": 0.90, "en": 0.85, "ar": 0.78}, {"de": 0.95, "en": 0.85, "ar": 0.76})
    assert code == 1
    assert rasa.puts == [] and rasa.loaded == "wegweiser-old.tar.gz"
    assert "refused" in said and "ar -0.020" in said and "--force" in said
    assert latest(models) == "wegweiser-old.tar.gz"
    assert history(models) == ["wegweiser-old.tar.gz"]


def test_force_loads_a_worse_model(models) -> None:
    rasa = FakeRasa("wegweiser-old.tar.gz")
    code, said = run(models, rasa, {"de": 0.90}, {"de": 0.80}, force=True)
    assert code == 0 and rasa.loaded == "wegweiser-new.tar.gz" and "FORCED" in said
    assert evaluate.load_history(models["dir"])[-1]["note"] == "forced"


def test_every_rasa_server_of_a_scale_out_gets_the_model(models) -> None:
    first, second = FakeRasa("wegweiser-old.tar.gz"), FakeRasa("wegweiser-old.tar.gz")
    models["reports"]["wegweiser-old.tar.gz"] = fake_report(models["tmp"], "wegweiser-old.tar.gz", {"de": 0.9})
    models["reports"]["wegweiser-new.tar.gz"] = fake_report(models["tmp"], "wegweiser-new.tar.gz", {"de": 0.9})
    servers = [RasaServer(f"http://rasa-{n}.test", "rasa-secret", transport=httpx.MockTransport(fake.handler))
               for n, fake in ((1, first), (2, second))]
    said: List[str] = []
    assert deploy(models["dir"] / "wegweiser-new.tar.gz", servers, models["dir"], say=said.append) == 0
    assert first.loaded == second.loaded == "wegweiser-new.tar.gz"
    assert deploy(models["dir"] / "wegweiser-new.tar.gz", servers, models["dir"], say=said.append) == 0
    assert "nothing to do" in said[-1] and len(first.puts) == len(second.puts) == 1


def test_a_server_that_does_not_take_the_model_is_an_error(models) -> None:
    code, said = run(models, FakeRasa("wegweiser-old.tar.gz", takes_model=False), {"de": 0.9}, {"de": 0.9})
    assert code == 2 and "not 'wegweiser-new.tar.gz'" in said
    assert history(models) == []


def test_a_wrong_token_is_said_plainly(models) -> None:
    server = RasaServer("http://rasa.test", "wrong", transport=httpx.MockTransport(FakeRasa("x").handler))
    with pytest.raises(deploy_model.DeployError, match="refused the token"):
        server.status()


def test_without_a_server_the_model_current_before_is_the_yardstick(models) -> None:
    evaluate.record_current(fake_report(models["tmp"], "wegweiser-old.tar.gz", {"de": 0.9}), models["dir"])

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    models["reports"]["wegweiser-old.tar.gz"] = fake_report(models["tmp"], "wegweiser-old.tar.gz", {"de": 0.9})
    models["reports"]["wegweiser-new.tar.gz"] = fake_report(models["tmp"], "wegweiser-new.tar.gz", {"de": 0.7})
    said: List[str] = []
    server = RasaServer("http://rasa.test", "t", transport=httpx.MockTransport(down))
    assert deploy(models["dir"] / "wegweiser-new.tar.gz", [server], models["dir"], say=said.append) == 1
    assert "no Rasa server answers" in "\n".join(said) and latest(models) == "wegweiser-old.tar.gz"


def test_the_tolerance_is_half_a_point() -> None:
    old = {"model_file": "a", "languages": {"de": {"f1": 0.900}, "en": {"f1": 0.900}}}
    assert decide({"model_file": "b", "languages": {"de": {"f1": 0.896}, "en": {"f1": 0.95}}}, old).allowed
    refused = decide({"model_file": "b", "languages": {"de": {"f1": 0.894}, "en": {"f1": 0.95}}}, old)
    assert not refused.allowed and set(refused.worse) == {"de"}


def test_the_language_report_has_precision_recall_and_a_confusion_matrix(tmp_path: Path) -> None:
    examples = [("a", "need_housing"), ("b", "need_housing"), ("c", "need_money"), ("d", "greet")]
    parses = [{"intent": {"name": "need_housing"}}, {"intent": {"name": "need_money"}},
              {"intent": {"name": "nlu_fallback"}, "intent_ranking": [{"name": "nlu_fallback"}, {"name": "need_money"}]},
              {"intent": {"name": "greet"}}]
    result = score_language("de", examples, parses)
    assert result.per_intent["need_housing"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert result.per_intent["need_money"]["precision"] == 0.5 and result.per_intent["need_money"]["recall"] == 1.0
    assert result.labels == ["greet", "need_housing", "need_money"]
    assert result.matrix == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    png = evaluate.plot_confusion(result, tmp_path / "confusion-de.png", "test")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(json.dumps(result.as_dict()))["confusions"] == [["need_housing", "need_money", 1]]


def test_the_history_names_the_model_current_before(tmp_path: Path) -> None:
    for name in ("wegweiser-a.tar.gz", "wegweiser-b.tar.gz", "wegweiser-b.tar.gz"):
        evaluate.record_current(fake_report(tmp_path, name, {"de": 0.9}), tmp_path)
    assert [e["model"] for e in evaluate.load_history(tmp_path)] == ["wegweiser-a.tar.gz", "wegweiser-b.tar.gz"]
    assert evaluate.previous_entry("wegweiser-b.tar.gz", tmp_path)["model"] == "wegweiser-a.tar.gz"
    assert evaluate.previous_entry("wegweiser-c.tar.gz", tmp_path)["model"] == "wegweiser-b.tar.gz"


def test_the_previous_model_is_compared_on_the_same_held_out_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evaluate.record_current(fake_report(tmp_path, "wegweiser-a.tar.gz", {"de": 0.90}), tmp_path)  # held-out "x"
    same = {**fake_report(tmp_path, "wegweiser-b.tar.gz", {"de": 0.95}), "heldout": "x"}
    assert evaluate.previous_report(same, tmp_path)["languages"]["de"]["f1"] == 0.90
    # The held-out sets grew since model a was scored: its 0.90 says nothing about them.
    grown = {**same, "heldout": "y"}
    assert evaluate.previous_report(grown, tmp_path) is None  # a's archive is gone: nothing to compare
    (tmp_path / "wegweiser-a.tar.gz").write_bytes(b"archive")
    evaluated: List[Path] = []

    def evaluate_again(model: Path, heldout_dir: Path, out_root: Path) -> Dict[str, Any]:
        evaluated.append(model)
        return {**fake_report(tmp_path, model.name, {"de": 0.93}), "heldout": "y"}

    monkeypatch.setattr(evaluate, "evaluate_model", evaluate_again)
    again = evaluate.previous_report(grown, tmp_path)
    assert evaluated == [tmp_path / "wegweiser-a.tar.gz"] and again["languages"]["de"]["f1"] == 0.93
    markdown = evaluate.write_report(grown, None).read_text()
    assert "no previous model evaluated on these held-out sets" in markdown and "0.900" not in markdown


def test_a_copy_of_the_training_data_trains_the_same_model_and_a_change_another(tmp_path: Path) -> None:
    copy = tmp_path / "nlu"
    shutil.copytree(NLU_DATA, copy)
    assert fingerprint(copy) == fingerprint()
    (copy / "de" / "reviewed.yml").write_text('version: "3.1"\nnlu:\n- intent: need_housing\n  examples: |\n    - knurzel\n')
    assert fingerprint(copy) != fingerprint()
