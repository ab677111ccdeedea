# Everything runs from a local virtualenv made with the machine's python3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site serve validate test lint format schema golden screenshots cli-docs api-docs bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

## site: validate the shipped records and build the site into site/
site: $(STAMP)
	$(BIN)/readiness validate
	$(BIN)/readiness build
	@echo "The site is in site/. View it at http://127.0.0.1:8000/ with 'make serve' (live preview), or serve the built folder: python3 -m http.server -d site 8000"

## serve: preview with live reload at http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/readiness serve

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

## bench: the benchmark table (several minutes; catalogs are generated under .bench/)
bench: $(STAMP)
	$(BIN)/python -m bench.run

## golden: regenerate the golden pages in tests/golden/ (review the diff before committing)
golden: $(STAMP)
	$(BIN)/python -m tests.golden_cases

## screenshots: every page type, light, dark and phone, into tests/artifacts/ (the browser test); then the
## README's picture of the home page, docs/images/home-light.png, from the new one (review it before committing)
screenshots: $(STAMP)
	READINESS_ARTIFACTS=$(CURDIR)/tests/artifacts $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_browser.py -k test_screenshots_and_colour_scheme
	cp tests/artifacts/home-light.png docs/images/home-light.png

## cli-docs: regenerate docs/guide/cli.md from the command's --help
cli-docs: $(STAMP)
	$(BIN)/python -m tests.cli_reference

## api-docs: regenerate docs/guide/api.md (the API for widgets) from the models and the basic golden case
api-docs: $(STAMP)
	$(BIN)/python -m tests.api_reference

## schema: regenerate schema/ from the models
schema: $(STAMP)
	$(BIN)/readiness schema

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
