# Two commands do all set-up: `make report` and `make test`. Both create .venv with the pinned
# dependencies when it is missing or when requirements.txt / pyproject.toml changed (by content).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIN_HASH := $(shell cat requirements.txt pyproject.toml | $(PYTHON) -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])')
ENV_STAMP := $(VENV)/.installed-$(PIN_HASH)
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq

.PHONY: report test env lab validate verify-quotes summary check-reproducible bench refresh-outputs metadata clean

report: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis build $(BUILD_ARGS)

test: $(ENV_STAMP)
	$(BIN)/python -m pytest $(TEST_ARGS)

env: $(ENV_STAMP)

$(ENV_STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "platgov needs Python >= 3.11; found " + sys.version.split()[0])'
	@echo "setting up $(VENV) with the pinned dependencies (first run only; a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

lab: $(ENV_STAMP)  ## JupyterLab on the project's own environment
	$(BIN)/jupyter lab notebooks/

validate: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis validate

verify-quotes: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis verify-quotes --sources $(or $(SOURCES),../shared/seeds)

summary: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis summary

check-reproducible: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis check-reproducible

bench: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis bench

refresh-outputs: $(ENV_STAMP)  ## after an intended change of results: new committed outputs of the checked cells
	$(BIN)/python -m platgov_analysis refresh-outputs notebooks/*.ipynb
metadata: $(ENV_STAMP)  ## validate CITATION.cff with cffconvert; regenerate codemeta.json and the package's sources
	$(BIN)/python -m platgov_analysis export-metadata

clean:
	rm -rf .build reports.staging reports.old
	find reports -mindepth 1 ! -name README.md -delete 2>/dev/null || true
