# Engage: `make run` sets everything up and serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app engage

.PHONY: run test install assets translations extract-messages migrate seed lint format serve clean

run: install assets translations seed ## Install, migrate, seed the demo and serve at http://127.0.0.1:5000
	@echo "Serving Engage at http://$(HOST):$(PORT) (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install assets translations ## Run the whole test suite
	# The database tests share both cores; the browser tests then run alone, since
	# their timings (idle countdowns, offline switches) need an unloaded machine.
	$(BIN)/pytest -n 2 --dist loadfile --ignore=tests/browser
	$(BIN)/pytest tests/browser

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: engage/static/css/engage.css

engage/static/css/engage.css: node_modules/.installed $(wildcard assets/*)
	npm run --silent build

translations: install ## Compile the interface translations (engage/translations/*/LC_MESSAGES)
	if ls engage/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(BIN)/pybabel -q compile -d engage/translations -f; fi

LANGUAGES := pl ur

extract-messages: install ## Update the .po catalogues from the source (new languages are created)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k plural_forms:1,2 -o engage/translations/messages.pot --no-location --omit-header --sort-output .
	for lang in $(LANGUAGES); do \
	  if [ ! -f engage/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel init -i engage/translations/messages.pot -d engage/translations -l $$lang; \
	  fi; \
	done
	$(BIN)/pybabel update -i engage/translations/messages.pot -d engage/translations --no-fuzzy-matching --ignore-obsolete

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

serve: install assets translations ## Production-style serving with gunicorn (set ENGAGE_SECRET_KEY first)
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) wsgi:app

lint: install
	$(BIN)/ruff check engage tests migrations wsgi.py
	$(BIN)/mypy engage

format: install
	$(BIN)/ruff format engage tests wsgi.py

clean:
	rm -rf $(VENV) node_modules engage/static
