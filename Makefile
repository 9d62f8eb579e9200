# Wegweiser: two commands for a fresh clone, `make run` and `make test`.
# Everything below installs itself on first use and is skipped when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON      ?= python3
UV_VERSION  := 0.13.9
TOOLS       := .tools
UV          := $(TOOLS)/bin/uv
RASA_VENV   := .venv-rasa
API_VENV    := .venv-api
RASA_PY     := $(RASA_VENV)/bin/python
API_PY      := $(API_VENV)/bin/python
API_TESTS   := $(wildcard tests/api tests/ui tests/channels tests/e2e)
export RASA_TELEMETRY_ENABLED := false
export UV_NO_PROGRESS := 1

.PHONY: help env browser run test train evaluate deploy-model retrain validate lock bench clean

help:
	@echo "make run       install what is missing, train if the data changed, start every part"
	@echo "make test      install what is missing and run the whole suite"
	@echo "make train     (re)train the assistant if its data changed"
	@echo "make evaluate  per-language intent report of models/latest on the held-out sets, against the model before"
	@echo "make deploy-model  load models/latest into the running Rasa server unless it is worse (FORCE=1 anyway)"
	@echo "make retrain   train + evaluate + deploy-model: one command after reviewing the inbox"
	@echo "make validate  rasa data validate + the project's data checks"
	@echo "make bench     run the benchmarks in bench/"
	@echo "make lock      re-resolve requirements/*.in into the pinned requirements/*.lock"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# One environment per side (Rasa pins SQLAlchemy<1.5 and pydantic v1; the API needs v2).
$(RASA_VENV)/.installed: requirements/rasa.lock | $(UV)
	test -x $(RASA_PY) || $(UV) venv --quiet --python $(PYTHON) $(RASA_VENV)
	$(UV) pip sync --quiet --python $(RASA_PY) requirements/rasa.lock
	touch $@

$(API_VENV)/.installed: requirements/api.lock | $(UV)
	test -x $(API_PY) || $(UV) venv --quiet --python $(PYTHON) $(API_VENV)
	$(UV) pip sync --quiet --python $(API_PY) requirements/api.lock
	touch $@

env: $(RASA_VENV)/.installed $(API_VENV)/.installed

lock: | $(UV)
	$(UV) pip compile --quiet requirements/rasa.in --override requirements/rasa-overrides.txt --python-version 3.11 -o requirements/rasa.lock
	$(UV) pip compile --quiet requirements/api.in --python-version 3.11 -o requirements/api.lock

train: env
	$(RASA_PY) -m scripts.train

# Operators (docs/nlu.md, "Operators: review, retrain, reload"). The Rasa server of `make run` is
# found at WEGWEISER_RASA_URL (default http://127.0.0.1:5005) with its development token.
evaluate: env
	$(RASA_PY) -m scripts.evaluate

deploy-model: env
	$(RASA_PY) -m scripts.deploy_model $(if $(FORCE),--force)

retrain: env
	$(RASA_PY) -m scripts.train
	$(RASA_PY) -m scripts.evaluate
	$(RASA_PY) -m scripts.deploy_model $(if $(FORCE),--force)

# On demand, what the suite also checks: Rasa's own validation, then the project's data checks
# (enough examples per intent and language, no duplicates, no example in two intents, held-out
# never trained on, every text in every language).
validate: env
	$(RASA_PY) -m scripts.train --validate-only
	$(RASA_PY) -m pytest -q -p no:cacheprovider tests/bot/test_training_data.py tests/bot/test_i18n.py

run: env train
	$(API_PY) -m scripts.run

# Debian's chromium for the browser tests (Playwright's own download does not work offline).
browser:
	bash scripts/ci-browser.sh

test: env train browser
	$(RASA_PY) -m scripts.train --validate-only
	WEGWEISER_MODEL=models/$$(cat models/latest) $(RASA_PY) -m pytest -q -p no:cacheprovider tests/bot tests/actions
	$(API_PY) -m pytest -q -p no:cacheprovider $(API_TESTS)

bench: env train
	$(API_PY) -m bench.api_bench
	$(API_PY) -m bench.turn_bench
	$(RASA_PY) -m bench.nlu_eval --out docs/nlu-results.md

clean:
	rm -rf build var models $(RASA_VENV) $(API_VENV) $(TOOLS)
