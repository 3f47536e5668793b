# The README's two commands: `make run` and `make test`. Both set everything up from nothing.
SHELL := /bin/bash
PY ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench lock worker web clean

# (Re)create the virtualenv when the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "backup-doctor needs Python 3.11 or newer (found $$($(PY) --version))"; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m bot

web: $(STAMP)
	@$(BIN)/python -m bot web

worker: $(STAMP)
	@$(BIN)/python -m bot worker

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests
	$(BIN)/ruff format --check bot handlers tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
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
