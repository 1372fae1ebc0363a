# ecbase — two commands: `make run` (platform with demo data on SQLite) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export ECBASE_DEV ?= 1
export DJANGO_SETTINGS_MODULE := ecbase.settings
PG_URL ?= postgresql://postgres@127.0.0.1:5432/ecbase

.PHONY: run test setup sysdeps frontend lint typecheck pytest pytest-sqlite pytest-postgres bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Front-end libraries come from the npm registry and are served by the app (no CDN).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor.sh
	bash scripts/vendor.sh
	touch $@

frontend: static/vendor/.installed

# Debian packages the browser tests need (headless Chromium, CJK fonts); installed when missing.
sysdeps:
	@bash scripts/sysdeps.sh

setup: $(VENV)/.installed frontend

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_calendar
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_accounts
	@echo "本地演示：已关闭动态口令（ECBASE_REQUIRE_SECOND_FACTOR=0）；生产环境默认开启。"
	ECBASE_DEBUG=1 ECBASE_REQUIRE_SECOND_FACTOR=$${ECBASE_REQUIRE_SECOND_FACTOR:-0} $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy .

pytest-sqlite: setup sysdeps
	env -u DATABASE_URL $(VENV)/bin/pytest -q -n 2 --dist loadgroup

# Runs again on PostgreSQL when one answers (DATABASE_URL, or the local server).
pytest-postgres: setup sysdeps
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(PY) scripts/pg_ready.py "$$url"; then \
		echo "== PostgreSQL: $$url"; DATABASE_URL="$$url" $(VENV)/bin/pytest -q -n 2 --dist loadgroup; \
	else echo "== PostgreSQL not reachable: suite ran on SQLite only"; fi

test: lint typecheck pytest-sqlite pytest-postgres

bench: setup
	$(PY) bench/import_roster.py 60000

clean:
	rm -rf $(VENV) node_modules static/vendor var
