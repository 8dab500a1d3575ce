# Two commands do all set-up: `make report` and `make test`. Both create .venv from the lock
# (requirements.lock: every package, with hashes, installed with --require-hashes) when it is
# missing or when the lock / pyproject.toml changed (by content); the venv is made anew then, so
# it holds exactly what the lock lists. `make lock` re-resolves the lock after a pin in
# requirements.txt (the human-edited direct pins) changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
PIN_HASH := $(shell cat $(LOCK) pyproject.toml | $(PYTHON) -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])')
ENV_STAMP := $(VENV)/.installed-$(PIN_HASH)
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq
UV := .build/uv/bin/uv
UV_VERSION := 0.13.8
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

.PHONY: report test env lock lab validate verify-quotes summary check-reproducible bench refresh-outputs metadata clean

report: $(ENV_STAMP)
	$(BIN)/python -m platgov_analysis build $(BUILD_ARGS)

test: $(ENV_STAMP)
	$(BIN)/python -m pytest $(TEST_ARGS)

env: $(ENV_STAMP)

$(ENV_STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "platgov needs Python >= 3.11; found " + sys.version.split()[0])'
	@echo "setting up $(VENV) from $(LOCK), hashes checked (first run only; a few minutes)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

lock: $(UV)  ## resolve requirements.txt into requirements.lock (Linux x86_64, CPython 3.11)
	$(UV) pip compile --quiet requirements.txt --generate-hashes $(LOCK_TARGET) -o $(LOCK)
	@sed -i '1i # Every package that make report / make test install into .venv, with its hashes, resolved\n# for Linux x86_64 and CPython 3.11 from the direct pins in requirements.txt. Do not edit:\n# change requirements.txt, then run `make lock` (uv pip compile --generate-hashes).' $(LOCK)

$(UV):
	$(PYTHON) -m venv .build/uv
	.build/uv/bin/python -m pip --disable-pip-version-check -qq install uv==$(UV_VERSION)

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
	$(BIN)/python -m platgov_analysis bench $(BENCH_ARGS)

refresh-outputs: $(ENV_STAMP)  ## after an intended change of results: new committed outputs of the checked cells
	$(BIN)/python -m platgov_analysis refresh-outputs notebooks/*.ipynb
metadata: $(ENV_STAMP)  ## validate CITATION.cff with cffconvert; regenerate codemeta.json and the package's sources
	$(BIN)/python -m platgov_analysis export-metadata

clean:
	rm -rf .build reports.staging reports.old
	find reports -mindepth 1 ! -name README.md -delete 2>/dev/null || true
