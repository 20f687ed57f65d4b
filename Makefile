# One entry point for people and CI. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help env lab test lint clean

help:  ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml autograder/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -e ./autograder
	touch $(STAMP)

env: $(STAMP)  ## Create the virtual environment in .venv (if missing) and install everything

lab: $(STAMP)  ## Start JupyterLab on the course notebooks
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)  ## Run ruff over the whole repository
	$(BIN)/ruff check .

test: $(STAMP)  ## Run ruff and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:  ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
