# Engage: `make run` sets everything up and serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app engage

.PHONY: run test install assets translations extract-messages migrate seed lint format serve worker clean

run: install assets translations seed ## Install, migrate, seed the demo and serve at http://127.0.0.1:5000, with the job worker
	@echo "Serving Engage at http://$(HOST):$(PORT) with a job worker (Ctrl+C stops both)"
	$(WORKER) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The background job worker (large downloads): huey, on the queue named by ENGAGE_JOBS_URL
# (Redis) or, by default, instance/jobs.sqlite3.
WORKER := $(BIN)/huey_consumer engage.jobs.worker.huey --workers 1 --quiet

worker: install ## The job worker alone (make serve does not start it)
	$(WORKER)

test: install assets translations ## Run the whole test suite
	# The database tests share both cores; the browser tests then run alone, since
	# their timings (idle countdowns, offline switches) need an unloaded machine.
	$(BIN)/pytest -n 2 --dist loadfile --ignore=tests/browser
	$(BIN)/pytest tests/browser

# Durability and scale-out checks: scripts that start real gunicorn servers on 127.0.0.1
# and print figures (bench/soak.py, bench/scaleout.py); not part of `make test`.
.PHONY: soak soak-short scaleout

soak: install ## 50 kiosks for 60 s per database while gunicorn is killed; prints lost=0 duplicates=0
	$(BIN)/python bench/soak.py --seconds 60

soak-short: install ## The soak for 15 s per database, as CI runs it
	$(BIN)/python bench/soak.py --seconds 15

scaleout: install ## Two servers on one PostgreSQL, rate limits in Redis at 127.0.0.1:6379/15
	$(BIN)/python bench/scaleout.py

# Every figure against a baseline measured in the same run, with the ratio (bench/suite.py).
.PHONY: bench bench-smoke

bench: install assets translations ## All the benchmark figures at full size; writes bench/results.json
	$(BIN)/python bench/suite.py --scale 1.0

bench-smoke: install assets translations ## The same at a hundredth of the size, as CI runs it (checks the scripts work)
	$(BIN)/python bench/suite.py --scale 0.01 --output $(VENV)/bench-smoke.json

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

serve: install assets translations ## Production-style serving with gunicorn (set ENGAGE_SECRET_KEY and ENGAGE_CONTACT_KEY first); run make worker beside it
	$(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) \
		--access-logfile - --logger-class engage.access_log.GunicornLogger wsgi:app

# pip-audit exits 1 both for a known vulnerability and when it cannot reach PyPI's advisory
# data (a timeout, or a refused connection's traceback). Only the first fails lint. A
# package whose release PyPI does not describe is listed as skipped, and counted.
PIP_AUDIT_UNREACHABLE := Could not connect|network may be blocking|requests\.exceptions\.(ConnectionError|ProxyError|ConnectTimeout|ReadTimeout|SSLError)

lint: install ## ruff, mypy, bandit, and pip-audit of the installed packages
	$(BIN)/ruff check engage tests bench migrations wsgi.py
	$(BIN)/mypy engage
	$(BIN)/bandit -c pyproject.toml -r engage -q
	@$(BIN)/pip-audit --skip-editable --progress-spinner off >$(VENV)/pip-audit.log 2>&1; \
	status=$$?; grep -v "could not be audited" $(VENV)/pip-audit.log | tail -n 30; \
	echo "pip-audit: $$(grep -c 'could not be audited' $(VENV)/pip-audit.log) packages skipped (PyPI gave no data for their release)"; \
	if [ $$status -ne 0 ] && grep -Eq '$(PIP_AUDIT_UNREACHABLE)' $(VENV)/pip-audit.log; then \
	  echo "pip-audit: the advisory data could not be reached, so nothing was checked"; \
	else exit $$status; fi

format: install
	$(BIN)/ruff format engage tests wsgi.py

clean:
	rm -rf $(VENV) node_modules engage/static
