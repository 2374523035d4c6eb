# Fairlink: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install setup lint format bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

# The compiled catalogues are committed; rebuild them when gettext is installed.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
	  $(BIN)/python manage.py compilemessages --ignore "$(VENV)/*" -v0; \
	else echo "msgfmt not found: using the compiled catalogues in locale/"; fi

## Install, migrate, load the library, seed the demo and serve on http://$(HOST):$(PORT)
setup: install messages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_library
	$(BIN)/python manage.py seed_demo

run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install and run everything CI runs: lint, migration check, the suite on SQLite, and again
## on PostgreSQL when DATABASE_URL points at one (scripts/test.sh says how).
test: install messages
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_register.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3*
