# Every target sets up what it needs: a fresh clone with Python 3.11+, make and git is enough.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= sqlite
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8000
VENDOR_PORT ?= 11136
# The mock vendor's review verdict in make demo: passed, violation, suspicious or not_reviewed.
VERDICT ?= passed

.DEFAULT_GOAL := help
.PHONY: help venv test js-test quality format requirements clean bench fuzz demo mutate loadtest \
	extract_translations compile_translations

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements/test.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The database driver for DB=mysql / DB=postgres, each behind its own stamp (sqlite needs none).
$(VENV)/.installed-mysql: $(STAMP) requirements/mysql.txt
	$(BIN)/python -m pip install --quiet -r requirements/mysql.txt
	touch $@

$(VENV)/.installed-postgres: $(STAMP) requirements/postgres.txt
	$(BIN)/python -m pip install --quiet -r requirements/postgres.txt
	touch $@

# Playwright for the browser tests, installed only where Chromium is (it drives that browser, never its own).
$(VENV)/.installed-browser: $(STAMP) requirements/browser.txt
	$(BIN)/python -m pip install --quiet -r requirements/browser.txt
	touch $@

DB_STAMP := $(if $(filter mysql postgres,$(DB)),$(VENV)/.installed-$(DB),$(STAMP))

venv: $(STAMP) ## create .venv with the test requirements and the package (editable)

# Bytecode (and pytest's rewritten test modules) cached under .venv/pycache, never beside the sources, and
# written even where the shell sets PYTHONDONTWRITEBYTECODE: compiling the ~500 modules a run imports again
# on every run costs about 5 s of CPU.
PYCACHE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

test: $(DB_STAMP) ## run the whole test suite (DB=sqlite by default; DB=mysql or DB=postgres)
	@$(MAKE) --no-print-directory js-test
	@if [ -x "$(CHROMIUM)" ]; then $(MAKE) --no-print-directory $(VENV)/.installed-browser; \
	else echo "browser tests skipped: chromium not found ($(CHROMIUM)); apt-get install chromium to run them"; fi
	$(PYCACHE) DB=$(DB) CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS)

fuzz: $(STAMP) ## schemathesis: every API operation, 200 generated requests each, as a learner and as staff (~8 min)
	DB=$(DB) $(BIN)/python -m pytest -m fuzz -p no:warnings edx_proctoring/tests/fuzz $(PYTEST_ARGS)

js-test: ## run the JavaScript unit tests with Node's built-in runner (skipped when node is missing)
	@if command -v node >/dev/null 2>&1; then \
		node --test --test-reporter=dot edx_proctoring/static/proctoring/js/tests/ && echo "js-test: JavaScript tests passed"; \
	else \
		echo "js-test: node is not installed; JavaScript tests skipped (install Node.js 20+ to run them)"; \
	fi

quality: $(STAMP) ## lint and format check with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@! grep -nE '^--(index-url|extra-index-url|find-links)' requirements/*.txt || \
		(echo "requirements/*.txt name a package index or folder: re-pin with make requirements"; exit 1)

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(STAMP) ## run the demo LMS and the mock vendor on 127.0.0.1 (PORT=8000, VENDOR_PORT=11136, VERDICT=passed); Ctrl-C stops
	$(BIN)/python demo/run.py --port $(PORT) --vendor-port $(VENDOR_PORT) --verdict $(VERDICT)

# The timed expiry sweep's size, on SQLite and PostgreSQL (SWEEP=100000 for the full figure).
SWEEP ?= 10000
bench: $(STAMP) ## poll + grouped list at 1k/10k/100k attempts on SQLite, MariaDB, PostgreSQL; the expiry sweep
	$(BIN)/python bench/run.py --sweep-size $(SWEEP) $(BENCH_ARGS)

# locust, gunicorn and the PostgreSQL driver for make loadtest, in their own pinned file (never part of make
# test or CI). It needs PostgreSQL and Redis on 127.0.0.1 (the DB_* variables as for make test DB=postgres).
$(VENV)/.installed-loadtest: $(STAMP) requirements/loadtest.txt
	$(BIN)/python -m pip install --quiet -r requirements/loadtest.txt
	touch $@

LEARNERS ?= 500
RUN_TIME ?= 120
loadtest: $(VENV)/.installed-loadtest ## locust: 500 learners + 5 staff on 2 gunicorn + Celery (PostgreSQL, Redis); FAULTS=1 kills some
	$(BIN)/python loadtest/run.py --learners $(LEARNERS) --run-time $(RUN_TIME) $(if $(FAULTS),--faults,)

# cosmic-ray for make mutate, in its own pinned file (never part of make test or CI).
$(VENV)/.installed-mutate: $(STAMP) requirements/mutate.txt
	$(BIN)/python -m pip install --quiet -r requirements/mutate.txt
	touch $@

# The targets and their focused tests are in tools/mutate.toml; MUTATE="timing" runs only some of them.
MUTATE ?=
mutate: $(VENV)/.installed-mutate ## mutation testing (cosmic-ray) of timing, permissions and the actions table; fails under 95%
	$(BIN)/python tools/mutate.py $(MUTATE)

# Pinned files must install on any machine: no index or find-links lines naming this machine's folders.
PIN_FLAGS := --no-emit-index-url --no-emit-find-links

requirements: $(BIN)/python ## re-pin requirements/*.txt from the .in files
	$(BIN)/python -m pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe $(PIN_FLAGS) -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe $(PIN_FLAGS) -o test.txt test.in
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe $(PIN_FLAGS) -o mysql.txt mysql.in
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe $(PIN_FLAGS) -o postgres.txt postgres.in
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe $(PIN_FLAGS) -o browser.txt browser.in
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o mutate.txt mutate.in

# Translations (GNU gettext through Django's makemessages/compilemessages; README.rst "Translations").
extract_translations: $(STAMP) ## write conf/locale/en/LC_MESSAGES/django.po + djangojs.po and merge them into the shipped catalogues
	$(BIN)/python tools/i18n.py extract

compile_translations: $(STAMP) ## build the .mo files of the catalogues shipped in edx_proctoring/locale
	$(BIN)/python tools/i18n.py compile

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info .mutate
