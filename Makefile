# painpath: two commands for a newcomer — `make run` and `make test`.
# Everything else here exists to serve those two.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench clean help

help:
	@echo "make run    install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install test tools (Chromium too) and run the whole suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/painpath db upgrade
	$(BIN)/painpath demo
	$(BIN)/painpath serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	@scripts/ensure-test-services
	$(BIN)/ruff check .
	$(BIN)/painpath content check
	PAINPATH_TEST_POSTGRES_URL=$${PAINPATH_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres} $(BIN)/python -m pytest -n auto

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/http_load.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
