# Everything runs from a local virtualenv made with the machine's python3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site status validate test lint format schema golden clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

## site: validate the shipped records and show every status (the site build comes next)
site: $(STAMP)
	$(BIN)/readiness validate
	$(BIN)/readiness status

validate: $(STAMP)
	$(BIN)/readiness validate

## test: lint, type-check and run every test
test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

## schema: regenerate schema/ from the models
schema: $(STAMP)
	$(BIN)/readiness schema

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
