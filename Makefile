# QA Center: `make run` starts everything with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE := qa_center.settings

.PHONY: run test lint bench messages check-deploy clean install install-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# Front-end libraries from the npm registry into the git-ignored node_modules/ that staticfiles serves.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.package-lock.json
install-test: $(VENV)/.installed-test node_modules/.package-lock.json

run: install
	@mkdir -p var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	@echo
	@echo "  QA Center is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: demo):"
	@echo "    manager   QA manager (also Django admin)"
	@echo "    lead      team lead (also lead2, lead3)"
	@echo "    reviewer  QA reviewer (also reviewer2..reviewer4)"
	@echo "    agent     agent (also agent2..agent30)"
	@echo "  Stop with Ctrl+C."
	@echo
	DJANGO_DEBUG=1 PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile -p $(PORT)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# The suite runs twice: on SQLite, then on a throwaway PostgreSQL server it starts itself. Servers and the
# browser come from Debian's packages where the machine lacks them.
test: install-test
	bash tests/servers/ensure_packages.sh
	$(MAKE) --no-print-directory lint
	QA_REQUIRE_BROWSER=1 QA_REQUIRE_SERVERS=1 $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)
	QA_REQUIRE_BROWSER=1 QA_REQUIRE_SERVERS=1 bash tests/servers/with_postgres.sh $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: install-test
	$(PY) -m tests.benchmarks.bench_import
	$(PY) -m tests.benchmarks.bench_evaluation

# Regenerate and compile the Spanish and Latvian catalogues (the compiled .mo files are committed).
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es -l lv --ignore=.venv --ignore=node_modules --ignore=var
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" DJANGO_ALLOWED_HOSTS=qa.example.com \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/celery var/test-*.sqlite3* var/bench
