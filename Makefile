# The README's two commands: `make run` and `make test`. Both set everything up from nothing.
SHELL := /bin/bash
# The first Python 3.11+ that actually runs (a pyenv shim can exist without a working interpreter).
PY ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench lock worker web clean

include deploy/tools.mk

# (Re)create the virtualenv when the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PY)" || { echo "backup-doctor needs Python 3.11 or newer on PATH (python3.11, python3.12 or python3)"; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Exit status 2 means "not configured yet": the bot has printed what to set, so make stays quiet.
run: $(STAMP)
	@$(BIN)/python -m bot || [ $$? -eq 2 ]

web: $(STAMP)
	@$(BIN)/python -m bot web

worker: $(STAMP)
	@$(BIN)/python -m bot worker

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests
	$(BIN)/ruff format --check bot handlers tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) tools lint typecheck
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.bench

# Re-resolve the pinned versions from pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/bd-lock && $(PY) -m venv /tmp/bd-lock
	/tmp/bd-lock/bin/pip install --quiet -e ".[dev]"
	{ echo "# Exact versions of every runtime and development dependency (Python 3.11+)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  /tmp/bd-lock/bin/pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
