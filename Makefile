# The two quick-start commands (see README):
#   make demo   set up (.venv + browser) and run the demo audit on the bundled shop
#   make test   set up, then lint, type-check and run the whole test suite
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup demo demo-broken test lint typecheck pytest docs clean

setup:
	@./scripts/setup.sh

demo: setup
	$(BIN)/tracker-check demo

demo-broken: setup
	-$(BIN)/tracker-check demo --broken

test: setup lint typecheck pytest

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
	rm -rf $(VENV) build dist *.egg-info
