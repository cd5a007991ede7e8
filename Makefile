# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
BUNDLE ?=

.PHONY: demo test lint messages

$(BIN)/minbar: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

demo: $(BIN)/minbar
	$(BIN)/minbar demo --port $(PORT) $(if $(BUNDLE),--bundle $(BUNDLE))

test: $(BIN)/minbar lint node_modules/.package-lock.json
	$(BIN)/pytest -n 2

# axe-core for tests/test_accessibility.py; without npm those checks skip.
# (npm gives extracted files old dates: the lock file it writes is the stamp.)
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm is not installed: the axe-core tests will skip"; fi

lint: $(BIN)/minbar
	$(BIN)/ruff check minbar tests

messages: $(BIN)/minbar
	cd minbar && export MINBAR_DATA_DIR=../var && ../$(BIN)/minbar makemessages --locale ar --no-obsolete --no-location && ../$(BIN)/minbar compilemessages --locale ar
