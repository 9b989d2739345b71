# Two commands matter: `make run` (embedded demo night) and `make test` (the whole suite).
# Both create the environment first when it is missing or stale.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv cannot download a Python here: use an installed 3.12 (pyenv shims hide it from uv).
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { command -v $$p || echo $$p; } && break; done)
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
VENV := .venv
SYNCED := $(VENV)/.synced

.PHONY: help setup run test lint clean up down status

help:
	@echo "make run   - set up, generate a demo agency if the landing area is empty, run tonight's DAG (DuckDB)"
	@echo "make test  - set up and run the whole test suite (DuckDB and PostgreSQL at 127.0.0.1:5432)"
	@echo "make lint  - ruff"
	@echo "make up    - start the production stack (supervisord: Airflow on Celery, MLflow server; settings in $(STACK_ENV))"
	@echo "make down  - stop it; make status - its processes and health checks"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

# Compiled at install: where Python may not write bytecode (PYTHONDONTWRITEBYTECODE, a read-only
# venv), every process would otherwise compile Airflow, dbt, GX and MLflow again (~9 s each).
$(SYNCED): pyproject.toml uv.lock | $(UV)
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: install it or pass PYTHON=/path/to/python3.12"; exit 1; }
	$(UV) sync --frozen --compile-bytecode --python "$(PYTHON)"
	@touch $@

# The Data Docs pages' scripts and styles: npm packages at the versions of package-lock.json,
# copied into the site when it is built, so the pages need no internet (kinerja/quality/data_docs_site.py).
DATA_DOCS_ASSETS := expectations/gx/data_docs
ASSETS_SYNCED := $(DATA_DOCS_ASSETS)/node_modules/.synced

$(ASSETS_SYNCED): $(DATA_DOCS_ASSETS)/package.json $(DATA_DOCS_ASSETS)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --prefix $(DATA_DOCS_ASSETS) --ignore-scripts --no-audit --no-fund
	@touch $@

setup: $(SYNCED) $(ASSETS_SYNCED)

run: setup
	$(VENV)/bin/kinerja generate --if-empty
	$(VENV)/bin/kinerja run

test: setup
	$(VENV)/bin/pytest

lint: $(SYNCED)
	$(VENV)/bin/ruff check kinerja kinerja_dev ml dags tests
	$(VENV)/bin/ruff format --check kinerja kinerja_dev ml dags tests

# The production stack reads its settings (KINERJA_*, KINERJA_STACK_*) from the environment,
# after this file's when it exists (deploy/kinerja.env.example shows what goes in it).
STACK_ENV ?= deploy/kinerja.env
STACK = set -a; if [ -f "$(STACK_ENV)" ]; then . "$(STACK_ENV)"; fi; set +a; $(VENV)/bin/kinerja stack

up: setup
	$(STACK) up

down:
	$(STACK) down

status:
	$(STACK) status

clean:
	rm -rf .kinerja
