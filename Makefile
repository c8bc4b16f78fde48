# SSE Map: `make run` serves the site on SQLite with the dataset loaded;
# `make test` runs the whole suite (on PostgreSQL when DATABASE_URL points at one).

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
HOST   ?= 127.0.0.1
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup data lint check-data clean vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Front-end assets come from the npm registry, pinned by package-lock.json and installed
# with `npm ci`; the files the site serves are copied into the git-ignored static/vendor/,
# and the Natural Earth boundaries are converted to GeoJSON (.build/) for import_boundaries.
ASSETS := static/vendor/.installed
BOUNDARIES := .build/natural-earth/countries-50m.geojson

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor
	mkdir -p static/vendor/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css \
	  node_modules/leaflet/dist/images node_modules/leaflet/LICENSE static/vendor/leaflet/
	mkdir -p static/vendor/redoc
	cp node_modules/redoc/bundles/redoc.standalone.js node_modules/redoc/bundles/redoc.standalone.js.map \
	  node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt node_modules/redoc/LICENSE static/vendor/redoc/
	# ReDoc's footer logo is an <img> from cdn.redoc.ly (our CSP blocks it): an empty data: URL instead,
	# which fails to decode, so ReDoc hides the logo (its onError) and nothing is asked of another host.
	sed -i 's#https://cdn.redoc.ly/redoc/logo-mini.svg#data:,#' static/vendor/redoc/redoc.standalone.js
	mkdir -p static/vendor/natural-earth
	node node_modules/topojson-client/bin/topo2geo \
	  land=static/vendor/natural-earth/land-110m.geojson < node_modules/world-atlas/land-110m.json
	touch $@

$(BOUNDARIES): $(ASSETS)
	mkdir -p $(dir $@)
	node node_modules/topojson-client/bin/topo2geo \
	  countries=$@.tmp < node_modules/world-atlas/countries-50m.json
	mv $@.tmp $@

vendor: $(ASSETS) $(BOUNDARIES)

setup: $(VENV)/.installed vendor

data: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_dataset
	$(MANAGE) import_boundaries

run: data
	@echo "Serving SSE Map at http://$(HOST):$(PORT)/ (admin at /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check-data: data
	$(MANAGE) check_data

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules static/vendor .build

# Performance (issue 7): not part of `make test`. See docs/performance.md.
.PHONY: bench bench-import
bench: setup
	$(BIN)/python bench/run.py

# Import of 10,000-row files (org types, then their evidence) into a copy of the bench database.
bench-import: setup
	$(BIN)/python bench/import_bench.py

# --- Backups (issue 8): pg_dump/pg_restore on PostgreSQL, the dataset export on SQLite.
# `make restore` restores the latest backup in BACKUP_DIR (or BACKUP=path) after asking.
.PHONY: backup restore
backup: setup
	$(MANAGE) backup

restore: setup
	$(MANAGE) restore $(BACKUP)

# --- Load test (issue 8): 60 s, 50 connections over pages and API, PostgreSQL under gunicorn;
# fails unless zero errors, zero 4xx and zero 5xx. Reuses `make bench`'s harness (bench/run.py).
.PHONY: loadtest
loadtest: setup
	$(BIN)/python bench/loadtest.py
