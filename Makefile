# ISP Manager: `make run` sets up everything and serves; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := isp_manager

.PHONY: run test test-sqlite test-postgres setup install assets translations db chromium lint bench load demo clean

# Links in e-mails and the sign-in address printed point at the port served (unless SERVICE_URL says).
run: export HOST := $(HOST)
run: export PORT := $(PORT)
run: setup db ## set up, migrate, load reference data, print how to sign in, serve
	@echo "Serving ISP Manager on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/flask run --host $(HOST) --port $(PORT) --no-debugger --no-reload

test: setup chromium ## every test: SQLite, then PostgreSQL when TEST_DATABASE_URL is set
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== the same suite on PostgreSQL ($$TEST_DATABASE_URL), browser journeys excluded (they ran above) =="; \
	  $(BIN)/python -m pytest --ignore=tests/browser; \
	fi

setup: install assets translations

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	npm run --silent build

translations: install
	$(BIN)/pybabel compile --use-fuzzy --statistics -d isp_manager/translations

db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-reference
	$(BIN)/flask users ensure-admin

chromium: ## the browser tests drive the system Chromium
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium (Debian: sudo apt-get install chromium) to run the browser tests"; exit 1; fi; }

lint: install
	$(BIN)/ruff check isp_manager tests bench
	$(BIN)/ruff format --check isp_manager tests bench

extract-messages: install ## refresh the Welsh catalogue from the code and templates
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o isp_manager/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i isp_manager/translations/messages.pot -d isp_manager/translations

demo: setup db ## a database with realistic synthetic data (SCALE=small|wales|large)
	$(BIN)/flask demo-data --scale $${SCALE:-small}

bench: setup ## time the key pages and API routes under gunicorn (SCALE=small|wales|large)
	$(BIN)/python -m bench --scale $${SCALE:-large}

load: setup ## 50 concurrent clients for 60 s against gunicorn (LOAD_ARGS="--clients 4 --seconds 10 --database URL --write")
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules isp_manager/static/dist
