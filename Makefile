# Two commands do everything on a fresh machine:
#   make run   - virtualenv, install, migrate, demo data, serve http://127.0.0.1:8000
#                (make run PORT=8001 serves on another port)
#   make test  - virtualenv, install, the whole suite (PostgreSQL when DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?= -n auto
PORT ?= 8000

.PHONY: venv run serve test lint format check messages clean bench bench-imports bench-long-text load backup restore

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: export DEBUG ?= 1
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The background worker: sends queued mail and makes prints over 200 pages. Run it
# beside `make run` (another terminal) and in production; Ctrl+C stops it after
# the current job.
.PHONY: worker
worker: venv
	$(PY) manage.py run_worker

test: venv
	@if [ -x "$(CHROMIUM)" ]; then \
		$(PY) -m pytest $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
		echo "Chromium is required in CI for the browser journeys but $(CHROMIUM) is missing."; exit 1; \
	else \
		echo "Chromium not found at $(CHROMIUM): browser journeys not run (apt-get install chromium)."; \
		$(PY) -m pytest -m "not browser" $(PYTEST_ARGS); \
	fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Django checks, including the production ones with production-like settings.
check: venv
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
		ALLOWED_HOSTS=sangkien.example.vn \
		$(PY) manage.py check --deploy --fail-level WARNING

# Backups: the database (pg_dump --format=custom on PostgreSQL, a consistent copy
# of the file on SQLite) and the media folder, with a manifest of rows and document
# hashes. `make restore` checks the restored data against that manifest.
#   make backup [BACKUP_DIR=backups]
#   make restore BACKUP=backups/sangkien-20261121-220000
BACKUP_DIR ?= backups
backup: venv
	$(PY) manage.py backup --output "$(BACKUP_DIR)"

restore: venv
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/sangkien-…"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

# Refresh the message catalogues after changing user-facing text, then translate
# the new entries in locale/*/LC_MESSAGES/django.po and compile them.
messages: venv
	DEBUG=1 $(PY) manage.py makemessages --locale vi --no-obsolete \
		--ignore ".venv/*" --ignore "tests/*"
	DEBUG=1 $(PY) manage.py compilemessages --ignore ".venv/*"

# Benchmark and load test against gunicorn on PostgreSQL (perf/); they need a
# PostgreSQL server. The database is BENCH_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/sangkien_bench, sangkien_bench_<scale> for a
# SCALE other than national), created, migrated and seeded with SCALE (demo, tiny,
# province, national) when the data is missing. Results go to OUT.
#   make bench [SCALE=national] [OUT=perf-results/bench.json] [SAMPLES=30]
#   make load [SCALE=national] [LOAD_TIME=60s] [USERS=50] [SPAWN_RATE=10]
SCALE ?= national
LOAD_TIME ?= 60s
USERS ?= 50
SPAWN_RATE ?= 10
SAMPLES ?= 30
PERF_STAMP := $(VENV)/.perf-installed-stamp

$(PERF_STAMP): $(STAMP) requirements-perf.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-perf.txt
	touch $(PERF_STAMP)

bench: venv $(PERF_STAMP)
	$(PY) -m perf.bench --scale $(SCALE) --samples $(SAMPLES) \
		--out $(or $(OUT),perf-results/bench.json)
	$(MAKE) --no-print-directory bench-imports
	$(MAKE) --no-print-directory bench-long-text

# The units and the people imports, IMPORT_ROWS rows each, checked and applied on
# a throwaway SQLite database (perf/imports.py), with ratios to a query loop timed
# in the same run. Results go to perf-results/imports.json.
#   make bench-imports [IMPORT_ROWS=35000]
IMPORT_ROWS ?= 35000

bench-imports: venv
	$(PY) -m perf.imports --units $(IMPORT_ROWS) --people $(IMPORT_ROWS) \
		--out perf-results/imports.json

# The worst text a person can type, printed (perf/long_text_print.py): a request
# with a 50,000-character word, one with 100,000 characters without a space, and
# one with every field at its limit, each the best of three prints.
bench-long-text: venv
	$(PY) -m perf.long_text_print

load: venv $(PERF_STAMP)
	$(PY) -m perf.load --scale $(SCALE) --time $(LOAD_TIME) --users $(USERS) \
		--spawn-rate $(SPAWN_RATE) --out $(or $(OUT),perf-results/load.json)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
