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

.PHONY: install run serve test lint typecheck format messages bench demo clean check-python

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
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker and the clock (Ctrl-C stops all three)."
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-reload -v 0 & \
	$(PY) manage.py run_voice_clock --every 300 >/dev/null & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production server (docs/deploy.md): DEBUG off, static files collected with their
# manifest, migrations, then gunicorn (deploy/gunicorn.conf.py), the background worker and the
# clock. Reads its settings from the environment: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL...
# e.g.  set -a; . /etc/danvan/danvan.env; set +a; make serve
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve runs the production server: set SECRET_KEY (50+ random characters), ALLOWED_HOSTS and DATABASE_URL first (deploy/danvan.env.example)."; exit 2; }
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving on http://$(HOST):$(PORT)/ with gunicorn, a background worker and the clock."
	@trap 'kill 0' EXIT INT TERM; \
	DEBUG=0 $(PY) manage.py db_worker --no-reload -v 0 & \
	DEBUG=0 $(PY) manage.py run_voice_clock --every 300 >/dev/null & \
	DEBUG=0 BIND=$(HOST):$(PORT) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py danvan.wsgi:application

test: install
	$(PY) manage.py compilemessages -v 0 --ignore=.venv 2>/dev/null || true
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory typecheck

# mypy with the django-stubs plugin; what it checks and how is in pyproject.toml.
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --no-obsolete --add-location=file
	$(PY) manage.py compilemessages --ignore=.venv

# Tree and search timings, then the registry's pages and Excel jobs, then the citizen's voice
# with a million cases (pages in-process, throughput with wrk), each on fresh SQLite and
# PostgreSQL databases (docs/benchmarks.md). BENCH_ARGS goes to every command,
# BENCH_REGISTRY_ARGS (e.g. --skip-import) to bench_registry only, BENCH_VOICE_ARGS
# (e.g. --count 100000 --seconds 5) to bench_voice only. Last, the reports' dashboards and
# annual export at a million cases; BENCH_REPORTS_ARGS (e.g. --cases 100000) to bench_reports.
# Then the cadres' pages at 20,000 cadres; BENCH_CADRES_ARGS (e.g. --cadres 2000) to bench_cadres.
# Then the contests, the awards (eligibility run and pages at 20,000 cadres; BENCH_AWARDS_ARGS,
# e.g. --cadres 2000 --postings 10000 --awards 5000) and grassroots democracy at 2,500,000
# households (BENCH_DEMOCRACY_ARGS, e.g. --households 250000 --requests 30). Last, similar
# texts: embedding throughput and the similar-case lookup at a million cases
# (BENCH_TEXTSIM_ARGS, e.g. --count 100000 --requests 30). Then public opinion at 200,000
# items: synthesis, themes, classifier (BENCH_OPINION_ARGS, e.g. --items 30000 --requests 10).
# bench_portal: the public home and a commune page under gunicorn next to a bare Django page,
# and the notices job on 100,000 events (BENCH_PORTAL_ARGS, e.g. --events 5000 --rounds 1).
BENCH_SQLITE ?= bench-results/bench.sqlite3
BENCH_PGDB ?= danvan_bench
BENCH_REGISTRY_SQLITE ?= bench-results/bench-registry.sqlite3
BENCH_REGISTRY_PGDB ?= danvan_bench_registry
BENCH_VOICE_SQLITE ?= bench-results/bench-voice.sqlite3
BENCH_VOICE_PGDB ?= danvan_bench_voice
BENCH_REPORTS_SQLITE ?= bench-results/bench-reports.sqlite3
BENCH_REPORTS_PGDB ?= danvan_bench_reports
BENCH_CADRES_SQLITE ?= bench-results/bench-cadres.sqlite3
BENCH_CADRES_PGDB ?= danvan_bench_cadres
BENCH_CONTESTS_SQLITE ?= bench-results/bench-contests.sqlite3
BENCH_CONTESTS_PGDB ?= danvan_bench_contests
BENCH_AWARDS_SQLITE ?= bench-results/bench-awards.sqlite3
BENCH_AWARDS_PGDB ?= danvan_bench_awards
BENCH_DEMOCRACY_SQLITE ?= bench-results/bench-democracy.sqlite3
BENCH_DEMOCRACY_PGDB ?= danvan_bench_democracy
BENCH_TEXTSIM_SQLITE ?= bench-results/bench-textsim.sqlite3
BENCH_TEXTSIM_PGDB ?= danvan_bench_textsim
BENCH_OPINION_SQLITE ?= bench-results/bench-opinion.sqlite3
BENCH_OPINION_PGDB ?= danvan_bench_opinion
BENCH_PORTAL_SQLITE ?= bench-results/bench-portal.sqlite3
BENCH_PORTAL_PGDB ?= danvan_bench_portal
BENCH_PG := -h 127.0.0.1 -U postgres
bench: install
	mkdir -p bench-results && rm -f $(BENCH_SQLITE) $(BENCH_SQLITE)-wal $(BENCH_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py bench_tree $(BENCH_ARGS)
	rm -f $(BENCH_REGISTRY_SQLITE) $(BENCH_REGISTRY_SQLITE)-wal $(BENCH_REGISTRY_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_REGISTRY_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_REGISTRY_SQLITE) $(PY) manage.py bench_registry $(BENCH_ARGS) $(BENCH_REGISTRY_ARGS)
	rm -f $(BENCH_VOICE_SQLITE) $(BENCH_VOICE_SQLITE)-wal $(BENCH_VOICE_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_VOICE_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_VOICE_SQLITE) $(PY) manage.py bench_voice $(BENCH_ARGS) $(BENCH_VOICE_ARGS)
	rm -f $(BENCH_REPORTS_SQLITE) $(BENCH_REPORTS_SQLITE)-wal $(BENCH_REPORTS_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_REPORTS_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_REPORTS_SQLITE) $(PY) manage.py bench_reports $(BENCH_ARGS) $(BENCH_REPORTS_ARGS)
	rm -f $(BENCH_CADRES_SQLITE) $(BENCH_CADRES_SQLITE)-wal $(BENCH_CADRES_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_CADRES_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_CADRES_SQLITE) $(PY) manage.py bench_cadres $(BENCH_ARGS) $(BENCH_CADRES_ARGS)
	rm -f $(BENCH_CONTESTS_SQLITE) $(BENCH_CONTESTS_SQLITE)-wal $(BENCH_CONTESTS_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_CONTESTS_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_CONTESTS_SQLITE) $(PY) manage.py bench_contests $(BENCH_ARGS)
	rm -f $(BENCH_AWARDS_SQLITE) $(BENCH_AWARDS_SQLITE)-wal $(BENCH_AWARDS_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_AWARDS_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_AWARDS_SQLITE) $(PY) manage.py bench_awards $(BENCH_ARGS) $(BENCH_AWARDS_ARGS)
	rm -f $(BENCH_DEMOCRACY_SQLITE) $(BENCH_DEMOCRACY_SQLITE)-wal $(BENCH_DEMOCRACY_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_DEMOCRACY_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_DEMOCRACY_SQLITE) $(PY) manage.py bench_democracy $(BENCH_ARGS) $(BENCH_DEMOCRACY_ARGS)
	rm -f $(BENCH_TEXTSIM_SQLITE) $(BENCH_TEXTSIM_SQLITE)-wal $(BENCH_TEXTSIM_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_TEXTSIM_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_TEXTSIM_SQLITE) $(PY) manage.py bench_textsim $(BENCH_ARGS) $(BENCH_TEXTSIM_ARGS)
	rm -f $(BENCH_OPINION_SQLITE) $(BENCH_OPINION_SQLITE)-wal $(BENCH_OPINION_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_OPINION_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_OPINION_SQLITE) $(PY) manage.py bench_opinion $(BENCH_ARGS) $(BENCH_OPINION_ARGS)
	rm -f $(BENCH_PORTAL_SQLITE) $(BENCH_PORTAL_SQLITE)-wal $(BENCH_PORTAL_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_PORTAL_SQLITE) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_PORTAL_SQLITE) $(PY) manage.py bench_portal $(BENCH_PORTAL_ARGS)
	@if pg_isready -q -h 127.0.0.1 -p 5432; then \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_PGDB) $(PY) manage.py bench_tree $(BENCH_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_REGISTRY_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_REGISTRY_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_REGISTRY_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_REGISTRY_PGDB) $(PY) manage.py bench_registry $(BENCH_ARGS) $(BENCH_REGISTRY_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_VOICE_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_VOICE_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_VOICE_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_VOICE_PGDB) $(PY) manage.py bench_voice $(BENCH_ARGS) $(BENCH_VOICE_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_REPORTS_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_REPORTS_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_REPORTS_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_REPORTS_PGDB) $(PY) manage.py bench_reports $(BENCH_ARGS) $(BENCH_REPORTS_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_CADRES_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_CADRES_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_CADRES_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_CADRES_PGDB) $(PY) manage.py bench_cadres $(BENCH_ARGS) $(BENCH_CADRES_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_CONTESTS_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_CONTESTS_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_CONTESTS_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_CONTESTS_PGDB) $(PY) manage.py bench_contests $(BENCH_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_AWARDS_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_AWARDS_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_AWARDS_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_AWARDS_PGDB) $(PY) manage.py bench_awards $(BENCH_ARGS) $(BENCH_AWARDS_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_DEMOCRACY_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_DEMOCRACY_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DEMOCRACY_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DEMOCRACY_PGDB) $(PY) manage.py bench_democracy $(BENCH_ARGS) $(BENCH_DEMOCRACY_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_TEXTSIM_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_TEXTSIM_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_TEXTSIM_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_TEXTSIM_PGDB) $(PY) manage.py bench_textsim $(BENCH_ARGS) $(BENCH_TEXTSIM_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_OPINION_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_OPINION_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_OPINION_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_OPINION_PGDB) $(PY) manage.py bench_opinion $(BENCH_ARGS) $(BENCH_OPINION_ARGS) && \
	PGOPTIONS="-c client_min_messages=warning" dropdb $(BENCH_PG) --if-exists $(BENCH_PORTAL_PGDB) && \
	createdb $(BENCH_PG) -T template0 --lc-ctype=C.UTF-8 --lc-collate=C.UTF-8 -E UTF8 $(BENCH_PORTAL_PGDB) && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_PORTAL_PGDB) $(PY) manage.py migrate --noinput -v 0 && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_PORTAL_PGDB) $(PY) manage.py bench_portal $(BENCH_PORTAL_ARGS); \
	else echo "PostgreSQL does not answer at 127.0.0.1:5432: its half of the benchmark is skipped."; fi

# What CI runs: system packages, lint, the suite on SQLite and on PostgreSQL (.ci/run).
.PHONY: ci
ci:
	CI=true bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .mypy_cache
