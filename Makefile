# Readiness — two commands matter:
#   make run    set everything up, then serve the app with demo data on http://127.0.0.1:8000/
#   make test   set everything up, then run the whole test suite
# Both need only Python 3.11+ on the machine: the virtualenv is created on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the project's dependencies change.
STAMP := $(VENV)/.installed-stamp
DEMO_PASSWORD := readiness-demo
BROKER_DIRS := var/broker/queue var/broker/processed var/broker/control
# Local runs use the development settings: the base ones plus the demo app (seed_demo).
DEV := DJANGO_SETTINGS_MODULE=readiness.settings.dev

.PHONY: help install run test lint typecheck security audit apicheck migrate seed bench loadtest mutate clean distclean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# XStatic-Bootstrap's sdist needs setuptools<81 to build: build-constraints.txt says so.
$(STAMP): pyproject.toml build-constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -e '.[dev]'
	@touch $@

install: $(STAMP)  ## Create .venv and install the project with its dev tools.

migrate: $(STAMP)  ## Apply database migrations.
	@mkdir -p $(BROKER_DIRS)
	$(DEV) $(BIN)/python manage.py migrate --noinput

# The demo data goes in once (seed_demo run again would reset the demo logins' passwords).
seed: migrate  ## Load the demo organization (only when the database has none yet; dev settings).
	@if $(DEV) $(BIN)/python manage.py shell --no-imports -c "import sys; \
	from demo.create import demo_organization_exists; \
	sys.exit(0 if demo_organization_exists() else 1)"; \
	then echo "Demo data already loaded."; \
	else $(DEV) $(BIN)/python manage.py seed_demo; fi

run: seed  ## Serve the app with a Celery worker and beat (Ctrl-C stops all).
	@echo
	@echo "  Readiness is starting on http://127.0.0.1:8000/"
	@echo "  Demo logins (password: $(DEMO_PASSWORD)):"
	@echo "    admin     superuser, Django admin"
	@echo "    lead      leadership / plan owner"
	@echo "    curator   curates skills and the training catalog"
	@echo "    manager   manages a team"
	@echo "    employee  self-assesses, follows a learning plan"
	@echo "  Press Ctrl-C to stop the web server and the worker."
	@echo
	$(DEV) PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONUNBUFFERED=1 exec $(BIN)/honcho -f Procfile.dev start

test: $(STAMP)  ## Run the whole test suite (DATABASE_URL picks PostgreSQL).
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)  ## Benchmark at 10,000 people on PostgreSQL (BENCH_ARGS=--help).
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }; } \
		>/dev/null 2>&1; } || echo "wrk is missing (apt-get install wrk): the load run is skipped"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

loadtest: $(STAMP)  ## wrk on gunicorn: zero 5xx, zero lost ratings (LOADTEST_ARGS=--help).
	$(BIN)/python -m bench.load_ratings $(LOADTEST_ARGS)

mutate: $(STAMP)  ## Mutation testing of the rules, permissions, reminder claim (>= 90 % killed).
	$(BIN)/python -m tests.mutate $(MUTATE_ARGS)

lint: $(STAMP)  ## ruff, and no model change without its migration.
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

typecheck: $(STAMP)  ## mypy with the Django and DRF plugins on the app packages.
	$(BIN)/mypy readiness catalog assessments audit demo

# The API contract (.ci/run "API contract"): the schema as `manage.py spectacular` writes it,
# validated (openapi-spec-validator), linted by Spectral (.spectral.yaml: 0 errors, 0 warnings),
# then a client generated from the served schema and used against a live server.
# Spectral comes from npm, pinned in tools/api/package-lock.json (installed once per change).
API_TOOLS := tools/api
SPECTRAL := $(API_TOOLS)/node_modules/.bin/spectral
API_SCHEMA := var/api/openapi.json

$(SPECTRAL): $(API_TOOLS)/package.json $(API_TOOLS)/package-lock.json
	npm ci --prefix $(API_TOOLS) --no-audit --no-fund --ignore-scripts
	@touch $@

apicheck: $(STAMP) $(SPECTRAL)  ## The API schema: validated, Spectral-linted, its generated client used.
	@mkdir -p $(dir $(API_SCHEMA))
	$(BIN)/python manage.py spectacular --format openapi-json --file $(API_SCHEMA)
	$(BIN)/openapi-spec-validator $(API_SCHEMA)
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity warn $(API_SCHEMA)
	$(BIN)/pytest tests/api/test_generated_client.py -q -p no:randomly

security: $(STAMP)  ## bandit on the code (fails on any finding; exclusions are `# nosec` in place).
	$(BIN)/bandit -r readiness catalog assessments audit demo -x '*/migrations/*' -q

# pip-audit asks PyPI's and OSV's vulnerability services: run it where they answer (not in CI,
# whose machine cannot reach them). --strict fails when a package could not be audited, so an
# offline run fails instead of passing silently.
audit: $(STAMP)  ## pip-audit: known vulnerabilities in the installed dependencies (needs internet).
	$(BIN)/pip-audit --skip-editable --strict --progress-spinner off

clean:  ## Remove the local database, broker folders, caches and test output.
	rm -rf var test-results $(API_TOOLS)/node_modules screenshots .pytest_cache .ruff_cache .mypy_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean  ## clean, and remove the virtualenv too.
	rm -rf $(VENV) *.egg-info
