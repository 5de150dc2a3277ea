# RTCM — two commands: `make run` (set up + serve the demo) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test venv lint format migrate demo bench bench-certificates bench-experts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes. setuptools<81 and wheel in the venv, and
# no build isolation: xstatic-bootstrap's sdist imports pkg_resources to build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77,<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --demo-login

run: demo
	@echo ""
	@echo "  RTCM is running at http://127.0.0.1:$(PORT)/"
	@echo "  Staff login:       http://127.0.0.1:$(PORT)/admin/  user: demo  password: rtcm-demo"
	@echo "  E-mails are written to var/mail/. Stop with Ctrl+C."
	@echo ""
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	$(BIN)/python bench/run.py

# The expert network at 2,000 experts: directory, profile, API, matching.
bench-experts: venv
	$(BIN)/python bench/experts.py

# Certificates: one render, a batch of 200 through a real worker, the worker's memory
# over 1,000. Needs PostgreSQL and Redis; the rtcm_bench database is wiped.
bench-certificates: venv
	createdb -h 127.0.0.1 -U postgres rtcm_bench 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/rtcm_bench \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/2 \
	  $(BIN)/python bench/certificates.py

clean:
	rm -rf $(VENV) var/static
