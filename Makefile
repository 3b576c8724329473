# Kette developer entry points. `make demo` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := libs/kette-core workflows services/intake services/matching \
            services/provider-gateway services/reporting deploy/local \
            clients/kette-provider

.PHONY: install requirements up down status logs demo test lint typecheck pytest bench clean

$(STAMP): requirements/dev.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is missing: install python3.11 and retry"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements/dev.txt
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps $(addprefix -e ,$(PACKAGES))
	@touch $(STAMP)

install: $(STAMP)

requirements: ## re-pin requirements/dev.txt from requirements/dev.in
	$(BIN)/uv pip compile --python-version 3.11 --no-header --quiet requirements/dev.in -o requirements/dev.txt

up: install
	@$(BIN)/kette-stack up

down: install
	@$(BIN)/kette-stack down

status: install
	@$(BIN)/kette-stack status

logs: install
	@$(BIN)/kette-stack logs

demo: install
	@$(BIN)/kette-stack up
	@$(BIN)/python -m kette_devstack.demo
	@$(BIN)/python -m kette_devstack.scenario --participants 12
	@KETTE_DATABASE_URL=sqlite+aiosqlite:///$(CURDIR)/.kette/data/reporting.db $(BIN)/kette report \
	  --period $$(date -u +%Y) --format pdf --out .kette/reports/sachbericht-$$(date -u +%Y).pdf
	@echo "Dashboard: http://127.0.0.1:8130/dashboard"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: install
	@$(BIN)/kette-stack up
	@$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .kette
