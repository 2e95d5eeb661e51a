# Two commands do everything on a fresh machine:
#   make run   - virtualenv, install, migrate, demo data, serve http://127.0.0.1:8000
#   make test  - virtualenv, install, the whole suite (PostgreSQL when DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?= -n auto

.PHONY: venv run serve test lint format check messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: export DEBUG ?= 1
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

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

# Refresh the message catalogues after changing user-facing text, then translate
# the new entries in locale/*/LC_MESSAGES/django.po and compile them.
messages: venv
	DEBUG=1 $(PY) manage.py makemessages --locale vi --no-obsolete \
		--ignore ".venv/*" --ignore "tests/*"
	DEBUG=1 $(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
