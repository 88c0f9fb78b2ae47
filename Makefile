# PartnerOS — `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
# The virtual environment's interpreter: Debian's optimised python3 when there (see the script).
PYTHON ?= $(shell scripts/pick-python.sh)
VENV := .venv
PY := $(VENV)/bin/python
LANGS ?= de fr es ja
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)

.PHONY: setup messages npm run test lint format bench drills migrate demo worker beat clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

## setup: the Debian packages (Chromium, Pango, fonts, gettext), the virtual environment from the
## committed lock file and the compiled translation catalogues (idempotent)
setup: $(UV)
	@scripts/system-packages.sh
	@$(UV) sync --frozen --quiet
	@mkdir -p var/broker/queue var/broker/control var/mail var/media
	@# The .po files are committed, the .mo files built here (msgfmt only rewrites what changed).
	@# Without the project settings (they would start the embedded database): ./locale is found
	@# from here.
	@env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin compilemessages \
		--ignore=.venv --ignore=.tools --ignore=node_modules --ignore=var --ignore=bench -v 0

## messages: refresh the catalogues from the code and templates after marking new strings
## (translate the new entries in locale/<language>/LC_MESSAGES/django.po before committing)
messages: setup
	env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin makemessages $(foreach l,$(LANGS),-l $(l)) --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=var --ignore=bench --ignore=.tools \
		--ignore=tests --ignore=drills --ignore=scripts

## npm: the Node tools the checks use (Redocly lints the API schema), exactly as locked in
## package-lock.json; again only when package.json or the lock changes
npm: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: the app with demo data on the embedded PostgreSQL + filesystem broker, with a Celery worker and beat
run: setup
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-1} scripts/run.sh

## test: the whole suite on PostgreSQL (the embedded server unless DATABASE_URL is set; Redis tests need REDIS_URL)
test: setup npm
	PARTNEROS_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@# mypy's Django plugin imports the settings: a database URL it never connects to (so no
	@# embedded server starts) and the development key.
	DATABASE_URL=postgres://mypy.invalid/partneros PARTNEROS_TESTING=1 $(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## clean: stop the embedded PostgreSQL and delete it with the broker, mail and cache folders
clean:
	@[ ! -x $(PY) ] || $(PY) -m partneros.embedded_db stop
	rm -rf var/pgdata var/broker var/celerybeat-schedule* var/mail var/cache

## bench: the benchmark on PostgreSQL + Redis, the Locust mixed load last (BENCH_QUICK=1 for the few-minute CI size)
bench: setup
	$(PY) -m bench.run

## drills: failure drills on real PostgreSQL, Redis and Celery (private redis :6390, private PG :5433)
drills: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/partneros_drills} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/13} \
	CELERY_BROKER_URL=redis://127.0.0.1:$${DRILL_REDIS_PORT:-6390}/0 PARTNEROS_TESTING=1 \
	$(PY) -m pytest drills --ds drills.settings -p no:cacheprovider -v -s -rA $(PYTEST_ARGS)
