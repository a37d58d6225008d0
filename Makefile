# The two quick-start commands (see README):
#   make demo   set up (.venv + browser) and run the demo audit on the bundled shop
#   make test   set up, then lint, type-check and run the whole test suite
# Installs come from requirements.lock (exact versions); `make lock` renews it, and
# `make test-latest` runs the suite against the newest versions pyproject.toml allows.
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup demo demo-broken test test-latest lock lint typecheck pytest docs clean

setup:
	@VENV=$(VENV) ./scripts/setup.sh

demo: setup
	$(BIN)/tracker-check demo

# the broken release's findings make tracker-check exit 1: that is the expected result here
demo-broken: setup
	@$(BIN)/tracker-check demo --broken; code=$$?; \
	  if [ $$code -eq 1 ]; then echo "(exit 1: the broken release fails its audit, as it should)"; \
	  else exit $$code; fi

test: setup lint typecheck pytest

# the suite against the newest dependency versions the metadata allows (drift on purpose)
test-latest:
	@VENV=.venv-latest LOCK=none ./scripts/setup.sh
	$(MAKE) --no-print-directory VENV=.venv-latest lint typecheck pytest

lock:
	$(BIN)/python -m pip install --disable-pip-version-check -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --upgrade -o requirements.lock

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

docs:
	$(BIN)/python scripts/gen_docs.py

clean:
	rm -rf $(VENV) .venv-latest build dist *.egg-info
