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

test: $(BIN)/minbar lint
	$(BIN)/pytest -n 2

lint: $(BIN)/minbar
	$(BIN)/ruff check minbar tests

messages: $(BIN)/minbar
	cd minbar && export MINBAR_DATA_DIR=../var && ../$(BIN)/minbar makemessages --locale ar --no-obsolete --no-location && ../$(BIN)/minbar compilemessages --locale ar
