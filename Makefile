# Heritage Risk Monitor. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test lint fmt seed bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the dashboard map will ask for it (the API works without it)"; fi

install: $(VENV)/.installed node_modules/.installed ## Create .venv and install the runtime and the map library

install-dev: $(VENV)/.installed-dev ## Install what the tests and linters need

seed: install ## Create or migrate the database and load the registry in sites/
	$(FLASK) init-db
	$(FLASK) seed

run: seed ## Serve the dashboard and API on http://127.0.0.1:$(PORT), with the scheduler
	$(FLASK) serve --port $(PORT)

test: install-dev node_modules/.installed ## Run the whole test suite (browser tests need Debian's chromium)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$HERITAGE_CHROMIUM" ] \
	  || echo "chromium not found: the browser tests will skip (apt-get install chromium, or set HERITAGE_CHROMIUM)"
	$(BIN)/python -m pytest

lint: install-dev ## Ruff and the import layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install-dev ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev ## Benchmarks (numbers for issue notes; needs ../shared/data)
	PYTHONPATH=. $(BIN)/python bench/bench_registry_import.py
	PYTHONPATH=. $(BIN)/python bench/bench_event_ingest.py
	PYTHONPATH=. $(BIN)/python bench/bench_matching.py
	PYTHONPATH=. $(BIN)/python bench/bench_tick.py
	SITES=1250 PYTHONPATH=. $(BIN)/python bench/bench_alerts.py
	PYTHONPATH=. $(BIN)/python bench/bench_gazetteer.py
	PYTHONPATH=. $(BIN)/python bench/bench_geoparse.py
	SITES=20000 EVENTS=200000 PHASE_MAX_S=60 PYTHONPATH=. $(BIN)/python bench/bench_api_load.py
	PYTHONPATH=. $(BIN)/python bench/bench_exports.py
	PYTHONPATH=. $(BIN)/python bench/bench_home_render.py

clean: ## Remove .venv, node_modules and caches (keeps instance/)
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
