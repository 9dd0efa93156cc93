# The two commands: `make run` (the product with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint fmt bench load stop migrate seed clean backup restore

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen
	@mkdir -p var

# Migrations and the demo seed run as the owner role; the server connects as the app role, which owns
# no table and is held by row-level security (docs/operations.md).
migrate: install
	DEBUG=1 DATABASE_AS_OWNER=1 $(PY) manage.py migrate --noinput

# One process migrates and then loads the demo unless it is there already (docs/scaling.md, "First start").
seed: install
	DEBUG=1 DATABASE_AS_OWNER=1 $(PY) manage.py seed_demo --migrate --unless-present

# The system checks ran in `seed` a moment ago. One server process (no second one watching the code for
# changes, which would load the project twice); `make run RELOAD=1` restarts the server when code changes.
RELOAD ?=
run: seed
	@echo "Serving http://$(HOST):$(PORT)/ - demo logins in README.md (password Demo!2026pass)"
	DEBUG=1 DATABASE_AS_OWNER= $(PY) manage.py runserver --skip-checks $(if $(RELOAD),,--noreload) $(HOST):$(PORT)

test: install
	$(PY) bin/testenv.py $(PY) -m pytest $(PYTEST_ARGS)

# ruff, then the layer contracts of pyproject.toml, then the rules they cannot express (docs/architecture.md).
lint: install
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	$(PY) bin/check_imports.py

fmt: install
	.venv/bin/ruff check --fix .

bench: install
	$(PY) bin/testenv.py $(PY) -m pytest tests/perf -m bench -s -q -p no:randomly $(PYTEST_ARGS)

# Locust against gunicorn (app role) on loopback: 20 signed-in users for 60 s, zero failures (docs/performance.md).
load: install
	$(PY) bin/testenv.py $(PY) -m tests.perf.loadrun

# pg_dump of the whole database as the owner role to var/backups/ (docs/operations.md#backups); restore
# into a new, empty database: make restore FILE=var/backups/vcio-....dump [DATABASE=vcio_restored]
backup: install
	$(PY) bin/backup.py backup

restore: install
	@test -n "$(FILE)" || (echo "make restore FILE=var/backups/<file>.dump [DATABASE=<new database>]"; exit 2)
	$(PY) bin/backup.py restore "$(FILE)" $(if $(DATABASE),--database "$(DATABASE)")

stop:
	-$(PY) -c "from msp.embedded import stop; stop()"

clean: stop
	rm -rf var/pg var/staticfiles
