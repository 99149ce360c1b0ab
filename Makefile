# Every target names the command it runs. Two commands for a fresh machine:
#   make book   (set up .venv, build the site into _build/html)
#   make test   (set up .venv with test tools and Chromium, run the whole suite)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: edition book lab serve test validate lint clean distclean chromium new-story add-table check-links bench package explore

# The pins need Python 3.11 or newer; check before creating .venv, and remove a half-made one.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make needs Python 3.11 or newer to create $(VENV); '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo missing)."; \
	  echo "Install Python 3.11 (e.g. apt-get install python3.11-venv) and run: make $(MAKECMDGOALS) PYTHON=python3.11"; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-lab.txt requirements-explore.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.lab: requirements-lab.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-lab.txt
	touch $@

book: $(VENV)/.runtime  ## build the site strictly into _build/html
	$(BIN)/python -m datastory build

serve:  ## serve the built site on http://127.0.0.1:8000
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

lab: $(VENV)/.lab  ## JupyterLab on 127.0.0.1 (URL with token printed): chapters open as notebooks, charts live
	$(BIN)/python -m datastory.lab

validate: $(VENV)/.runtime  ## check the data package
	$(BIN)/python -m datastory validate

chromium:  ## Debian Chromium and a CJK font for browser tests (installed when missing and we are root)
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; \
	  else echo "browser tests need: sudo apt-get install chromium fonts-wqy-microhei"; exit 1; fi; }

test: $(VENV)/.dev chromium  ## lint, then the whole suite: unit, build and browser tests
	$(BIN)/ruff check datastory tests
	$(BIN)/python -m pytest

edition: export SUMMARY := $(SUMMARY)
edition: $(VENV)/.runtime  ## make edition DATE=YYYY-MM-DD SUMMARY="what changed": freeze, date, commit and tag an edition
	$(BIN)/python -m datastory edition "$(DATE)" --summary "$$SUMMARY"

# Passed through the environment, so a title keeps its quotes and apostrophes exactly as typed.
new-story add-table: export SLUG := $(SLUG)
new-story add-table: export TITLE := $(TITLE)
new-story add-table: export TABLE := $(TABLE)
new-story add-table: export CSV := $(CSV)
new-story: $(VENV)/.runtime  ## make new-story SLUG=07-my-story TITLE="My story" [TABLE=my_table]
	$(BIN)/python -m datastory new-story "$$SLUG" --title "$$TITLE" $${TABLE:+--table "$$TABLE"}

add-table: $(VENV)/.runtime  ## make add-table CSV=path/to/my_table.csv: add it to data/ with an inferred schema to edit
	$(BIN)/python -m datastory add-table "$$CSV"

package: $(VENV)/.runtime  ## the data package zip (README, citation, corrections), SQLite and Datasette metadata in _build/data-package
	$(BIN)/python -m datastory package

$(VENV)/.explore: requirements-explore.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-explore.txt
	touch $@

explore: $(VENV)/.explore  ## browse the data package in Datasette on http://127.0.0.1:8001
	$(BIN)/python -m datastory explore --port 8001

check-links: $(VENV)/.runtime  ## every internal link and anchor of _build/html resolves
	$(BIN)/python -m datastory check-links

bench: $(VENV)/.dev  ## ours vs a default Jupyter Book + Altair baseline (about 20 min; BENCH_ARGS=--quick for a short run)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check datastory tests bench

clean:  ## remove the built site and its execution cache
	rm -rf _build

distclean: clean  ## also remove .venv and every cache (tests, lint, benchmark, notebook checkpoints)
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output bench/.cache build *.egg-info
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -prune -exec rm -rf {} +
