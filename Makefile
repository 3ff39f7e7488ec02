# Hireloop. `make run` serves a fresh clone with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run install test browser-deps grader-deps lint typecheck bench bench-graders lock clean

$(STAMP): requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) grader-deps
	$(BIN)/hireloop migrate --noinput -v0
	$(BIN)/hireloop content load
	$(BIN)/hireloop demo
	$(BIN)/hireloop serve --port $(PORT)

test: $(STAMP) browser-deps grader-deps
	$(BIN)/hireloop makemigrations --check --dry-run -v0
	$(BIN)/pytest -n 2

# Browser tests drive Debian's chromium (never a downloaded browser).
browser-deps:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		{ echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; }

# The API grader runs candidates' services inside bubblewrap; without it, a weaker sandbox.
grader-deps:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; } || \
		echo "Optional: sudo apt-get install bubblewrap (a stronger sandbox for the API grader)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/python tools/delivery_orm.py

typecheck: $(STAMP)
	$(BIN)/mypy src tools

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Grading times against their targets: API < 15 s, SQL < 10 s, schema < 1 s.
bench-graders: $(STAMP) grader-deps
	$(BIN)/python bench/grade_api.py
	$(BIN)/python bench/grade_api.py --every-sample --runs 1
	$(BIN)/python bench/grade_sql.py
	$(BIN)/python bench/grade_schema.py

# Re-resolve the pinned dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -q -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
