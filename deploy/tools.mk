# Deploy-check tools (checkov) in their own virtualenv: checkov pins boto3, networkx and packaging
# versions that conflict with requirements.lock, so it cannot share .venv.
# Included from the Makefile; `test` depends on $(TOOLS_STAMP) through the `tools` target.
TOOLS_VENV := .venv-tools
TOOLS_BIN := $(TOOLS_VENV)/bin
TOOLS_STAMP := $(TOOLS_VENV)/.installed

.PHONY: tools tools-lock

tools: $(TOOLS_STAMP)

# (Re)create the tools virtualenv when its lock changes.
$(TOOLS_STAMP): requirements-tools.lock
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "the deploy tools need Python 3.11 or newer (found $$($(PY) --version))"; exit 1; }
	@test -x $(TOOLS_BIN)/python || $(PY) -m venv $(TOOLS_VENV)
	@$(TOOLS_BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-tools.lock
	@touch $(TOOLS_STAMP)

# Re-resolve checkov and its dependencies (needs the package registry).
CHECKOV_VERSION ?= 3.3.30
tools-lock:
	rm -rf /tmp/bd-tools-lock && $(PY) -m venv /tmp/bd-tools-lock
	/tmp/bd-tools-lock/bin/pip install --quiet checkov==$(CHECKOV_VERSION)
	{ echo "# Exact versions of the deploy-check tools (checkov and its dependencies), kept apart from"; \
	  echo "# requirements.lock because checkov pins boto3/networkx/packaging versions that conflict with ours."; \
	  echo "# Installed into .venv-tools by deploy/tools.mk. Regenerate: make tools-lock"; \
	  /tmp/bd-tools-lock/bin/pip freeze; } > requirements-tools.lock
