# One entry point for people and CI. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help env lab test test-full lint clean release refs verify grade grade-sandbox

help:  ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml autograder/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -e ./autograder
	touch $(STAMP)

env: $(STAMP)  ## Create the virtual environment in .venv (if missing) and install everything

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)  ## Start JupyterLab on the course notebooks
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ROOT)

lint: $(STAMP)  ## Run ruff over the whole repository
	$(BIN)/ruff check .

test: $(STAMP)  ## Run ruff and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-full: $(STAMP)  ## Like test, and every known mistake through real nbgrader autograde too
	$(BIN)/ruff check .
	QUANTGRADE_FULL=1 $(BIN)/python -m pytest

verify: $(STAMP)  ## Check every notebook's whole contract and print a table each (quantgrade verify)
	$(BIN)/quantgrade verify

release: $(STAMP)  ## Write the student notebooks/ from solutions/ (quantgrade release)
	$(BIN)/quantgrade release

refs: $(STAMP)  ## Regenerate the public and hidden reference outputs (quantgrade refs)
	$(BIN)/quantgrade refs

# make grade                          build the demo class in grading-out/demo-class, grade it into grading-out/demo
# make grade SUBMISSIONS=dir [OUT=d] [JOBS=n]  grade a real folder (DIR/<student>/<notebook>.ipynb) into OUT (grading-out/grades)
# make grade ... RESUME=1              keep what OUT/journal.jsonl holds, grade the rest (after Ctrl-C, a kill, new tests)
# make grade ... UNSANDBOXED=1         grade without bubblewrap (student code runs with your permissions)
SUBMISSIONS ?=
OUT ?=
JOBS ?= 2
RESUME ?=
UNSANDBOXED ?=
GRADE_FLAGS := --jobs $(JOBS) $(if $(RESUME),--resume) $(if $(UNSANDBOXED),--unsandboxed)
# Checked before anything else (even the environment): the grader refuses to run student code unsandboxed.
grade: grade-sandbox $(STAMP)  ## Grade the demo class, or SUBMISSIONS=dir [OUT=dir] [RESUME=1] [UNSANDBOXED=1]
ifeq ($(strip $(SUBMISSIONS)),)
	$(BIN)/quantgrade demo --out grading-out/demo-class
	$(BIN)/quantgrade grade grading-out/demo-class $(GRADE_FLAGS) --out $(if $(OUT),$(OUT),grading-out/demo)
else
	$(BIN)/quantgrade grade '$(SUBMISSIONS)' $(GRADE_FLAGS) --out '$(if $(OUT),$(OUT),grading-out/grades)'
endif

grade-sandbox:
	@command -v bwrap >/dev/null 2>&1 || [ -n "$(UNSANDBOXED)" ] || { \
	  echo "make grade: bubblewrap (bwrap), the sandbox student code runs in, is not installed. Install it:"; \
	  echo "  Debian, Ubuntu: sudo apt-get install bubblewrap"; \
	  echo "  Fedora:         sudo dnf install bubblewrap"; \
	  echo "  Arch:           sudo pacman -S bubblewrap"; \
	  echo "  openSUSE:       sudo zypper install bubblewrap"; \
	  echo "macOS and Windows have no bubblewrap: grade on Linux (a VM or container), or, trusting every"; \
	  echo "submission, without the sandbox: make grade UNSANDBOXED=1 (every report then says UNSANDBOXED)."; \
	  exit 1; }

clean:  ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
