# RTCM — two commands: `make run` (set up + serve the demo) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# The lock files (`make lock` writes them): requirements.lock for the image,
# requirements-dev.lock (the same pins plus the dev extra) for the venv and CI.
LOCK_FLAGS := --python-version 3.11 --python-platform linux --generate-hashes --quiet $(UPGRADE)

.PHONY: run test venv e2e-deps lint lock format migrate demo bench bench-certificates bench-experts messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Install exactly the locked versions (hashes checked), then the project itself;
# again whenever the lock or pyproject.toml changes. The build group (setuptools<81,
# wheel) goes in first and nothing builds in isolation: xstatic-bootstrap's sdist
# imports pkg_resources to build.
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements-dev.lock setuptools wheel
	$(BIN)/pip install --quiet --no-build-isolation --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-build-isolation --no-deps -e .
	touch $(STAMP)

# Re-resolve after changing pyproject.toml's dependencies: pins already in the
# lock files stay unless they must move (`make lock UPGRADE=--upgrade` for the latest).
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --group pyproject.toml:build $(LOCK_FLAGS) \
	  -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --group pyproject.toml:build --extra dev \
	  -c requirements.lock $(LOCK_FLAGS) -o requirements-dev.lock

# The venv and the browser tests' axe-core (e2e-deps, below): what `make test` needs.
venv: $(STAMP) e2e-deps

# Debug pages on for every command `make run` runs (seed_demo's demo login needs it);
# without DJANGO_DEBUG the site runs with debug off (README: Settings).
run demo migrate: export DJANGO_DEBUG = true

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --demo-login

run: demo
	@echo ""
	@echo "  RTCM is running at http://127.0.0.1:$(PORT)/"
	@echo "  Staff login:       http://127.0.0.1:$(PORT)/admin/  password: rtcm-demo for each user:"
	@echo "    demo         superuser: every page"
	@echo "    coordinator  coordinator of five demo trainings (not all of them)"
	@echo "    manager      manager: reports, jobs, audit log, data-protection requests"
	@echo "    librarian    librarian: the electronic library"
	@echo "    officer      network officer: the expert network"
	@echo "  E-mails are written to var/mail/. Stop with Ctrl+C."
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# In parallel on every core (pytest-xdist), a test file per worker at a time, so that
# fixtures seeded once per module are seeded once. Extra options: PYTEST_ARGS='-k …'.
PYTEST_WORKERS ?= auto
test: venv
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The browser tests' axe-core (tests/e2e/test_public_site_accessibility.py), from the npm
# registry at a pinned version, under var/node/ (git-ignored). Skipped without npm: the
# tests then say so (and fail under CI=true).
AXE_CORE_VERSION := 4.14.1
AXE := var/node/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --no-save --no-audit --no-fund --silent --prefix var/node axe-core@$(AXE_CORE_VERSION); \
	else echo "make: npm not found, the accessibility tests will be skipped"; fi

e2e-deps: $(AXE)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

# Catalogues: find the strings, fill them from rtcm/locale/catalogues/<lang>.py, compile.
MESSAGE_LANGUAGES = $(shell $(BIN)/python -c "import sys; sys.path.insert(0, '.'); from rtcm.locale.translate import languages; print(' '.join(languages()))" 2>/dev/null)
messages: venv
	$(BIN)/python manage.py makemessages --no-obsolete $(addprefix -l ,$(MESSAGE_LANGUAGES)) \
	  --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*"
	$(BIN)/python rtcm/locale/translate.py
	$(BIN)/python manage.py compilemessages $(addprefix -l ,$(MESSAGE_LANGUAGES)) --ignore .venv

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
