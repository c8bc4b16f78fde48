# SSE Map: `make run` serves the site on SQLite with the dataset loaded;
# `make test` runs the whole suite (on PostgreSQL when DATABASE_URL points at one).

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
HOST   ?= 127.0.0.1
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup data lint check-data clean vendor messages

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
FONTS := noto-sans noto-sans-kr noto-sans-jp noto-sans-sc noto-sans-thai noto-sans-khmer
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
	# Noto fonts (Fontsource, SIL OFL): weight 400 of each script the site shows (Latin, Cyrillic and
	# Vietnamese; Korean, Japanese, Simplified Chinese; Thai, Khmer), one stylesheet; the browser
	# fetches only the unicode-range pieces a page uses.
	mkdir -p static/vendor/fonts/files
	for font in $(FONTS); do \
	  cp node_modules/@fontsource/$$font/files/*-400-normal.woff2 node_modules/@fontsource/$$font/files/*-400-normal.woff \
	    static/vendor/fonts/files/ && cat node_modules/@fontsource/$$font/400.css >> static/vendor/fonts/fonts.css; \
	done
	cp node_modules/@fontsource/noto-sans/files/*-700-normal.woff2 node_modules/@fontsource/noto-sans/files/*-700-normal.woff \
	  static/vendor/fonts/files/ && cat node_modules/@fontsource/noto-sans/700.css >> static/vendor/fonts/fonts.css
	cp node_modules/@fontsource/noto-sans/LICENSE static/vendor/fonts/LICENSE
	touch $@

$(BOUNDARIES): $(ASSETS)
	mkdir -p $(dir $@)
	node node_modules/topojson-client/bin/topo2geo \
	  countries=$@.tmp < node_modules/world-atlas/countries-50m.json
	mv $@.tmp $@

vendor: $(ASSETS) $(BOUNDARIES)

# The interface's translations: locale/*/LC_MESSAGES/django.po compiled to .mo (needs GNU gettext).
messages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

setup: $(VENV)/.installed vendor messages

data: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_dataset
	$(MANAGE) import_boundaries

run: data
	@echo "Serving SSE Map at http://$(HOST):$(PORT)/ (admin at /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist), each test file on one worker, so that a module's
# shipped dataset is loaded once; TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto
test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

check-data: data
	$(MANAGE) check_data

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules static/vendor .build

# Performance (issues 7 and 19): not part of `make test`. See docs/performance.md.
# `make bench` reports req/s, p50/p95/p99 and server CPU ms per request, cached and uncached.
.PHONY: bench bench-import bench-1000 bench-profile bench-nginx
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sse_map_bench
bench: setup
	$(BIN)/python bench/run.py

# Scale 1000 (about 100,000 types) in its own database, generated once (it is kept).
bench-1000: setup
	BENCH_SCALE=1000 BENCH_DATABASE_URL=$(BENCH_DATABASE_URL)_1000 $(BIN)/python bench/run.py

# Where each target's time goes (CPU, SQL, own time per function), in-process, as Markdown.
bench-profile: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false $(BIN)/python bench/where_time_goes.py

# nginx serving a same-size static file, beside our own server serving it.
bench-nginx: setup
	$(BIN)/python bench/nginx_baseline.py

# Page weight per page type (bytes on the wire, requests) of a running server: BASE=http://host:port.
.PHONY: bench-pages
bench-pages: setup
	$(BIN)/python bench/page_weight.py --base $(or $(BASE),http://$(HOST):$(PORT))

# Import of 10,000-row files (org types, then their evidence) into a copy of the bench database.
bench-import: setup
	$(BIN)/python bench/import_bench.py

# --- Backups (issues 8, 18): django-dbbackup, gzip, the last BACKUP_KEEP kept (pg_dump / the SQLite file).
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

# --- A deployment of real parts on this machine (issue 18, docs/deploy.md): PostgreSQL primary
# and streaming replica, Redis, two gunicorns, nginx in front; all under the git-ignored .run/.
# `make faulttest` (not part of `make test`): 60 s at 50 connections while Redis, an app server
# and the replica are stopped and started in turn; fails on any 5xx or wrong answer.
.PHONY: cluster cluster-stop cluster-status cluster-clean faulttest nginx
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null)

cluster: setup nginx
	$(BIN)/python ops/cluster.py start

cluster-stop:
	$(BIN)/python ops/cluster.py stop

cluster-status:
	$(BIN)/python ops/cluster.py status

cluster-clean:
	$(BIN)/python ops/cluster.py clean

faulttest: cluster
	$(BIN)/python ops/faulttest.py
