# The two commands: `make run` serves the demo on embedded defaults, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test worker pdf-worker beat lint fmt typecheck migrate check-browser admin-password bench

# Compiled catalogues: built from the .po files in git (gettext's msgfmt), never committed.
# Without them the site would be English only; the system check (coalition/checks.py) refuses
# to start it.
PO := $(wildcard locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "The translations need gettext's msgfmt:" \
		"apt-get install gettext (Debian, Ubuntu), brew install gettext (macOS)." >&2; exit 1; }
	msgfmt --check -o $@ $<

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# DEBUG is on by default here (a developer's laptop); set DEBUG=False with a real SECRET_KEY
# to run like production.
run: export DEBUG ?= True
run: $(STAMP) $(MO)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py local_admin
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# A new password for the local superuser that `make run` created (or ADMIN_EMAIL=...).
admin-password: export DEBUG ?= True
admin-password: $(STAMP)
	$(BIN)/python manage.py changepassword $(or $(ADMIN_EMAIL),admin@localhost)

test: $(STAMP) $(MO)
	$(BIN)/pytest

# Mail and the other background work, on the default queue.
worker: export DEBUG ?= True
worker: $(STAMP) $(MO)
	$(BIN)/celery -A coalition worker --queues celery --loglevel=info

# The letter's PDFs, on a queue of their own so that no mail waits behind a render; one at a
# time, since each takes some hundred megabytes (docs/deploy.md).
pdf-worker: export DEBUG ?= True
pdf-worker: $(STAMP) $(MO)
	$(BIN)/celery -A coalition worker --queues pdf --concurrency 1 --loglevel=info --hostname pdf@%h

beat: export DEBUG ?= True
beat: $(STAMP)
	$(BIN)/celery -A coalition beat --loglevel=info --schedule $(VENV)/celerybeat-schedule

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# mypy with django-stubs loads the settings, which refuse a missing secret with DEBUG off: give
# it a throwaway one rather than DEBUG=True, so the types are checked as production runs.
typecheck: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-typecheck-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz} \
		$(BIN)/mypy

# The surge, side by side with a bare Django project (bench/bench_surge.py): PostgreSQL and
# Redis on this machine; wrk comes from Debian.
bench: $(STAMP) $(MO)
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/bench_surge.py
