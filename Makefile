# DanVan: `make run` serves the Hà Nội demo, `make test` runs the suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python >= 3.12: $(PYTHON), then python3.13/python3.12 on PATH, then pyenv's versions.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)

.PHONY: install run test lint format messages bench demo clean check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then echo "DanVan needs Python >= 3.12 (python3.12 or python3.13 on PATH, or PYTHON=/path/to/python)."; exit 1; fi

$(VENV)/.installed: requirements/lock.txt pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements/lock.txt
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) manage.py compilemessages -v 0 --ignore=.venv 2>/dev/null || true
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l vi --ignore=.venv --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) manage.py bench_tree $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles
