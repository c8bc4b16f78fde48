# SSE Map: `make run` serves the site on SQLite with the dataset loaded;
# `make test` runs the whole suite (on PostgreSQL when DATABASE_URL points at one).

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
HOST   ?= 127.0.0.1
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup data lint check-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

data: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_dataset

run: data
	@echo "Serving SSE Map at http://$(HOST):$(PORT)/ (admin at /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check-data: data
	$(MANAGE) check_data

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Performance (issue 7): not part of `make test`. See docs/performance.md.
.PHONY: bench
bench: setup
	$(BIN)/python bench/run.py
