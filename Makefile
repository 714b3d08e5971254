# The Back Mice book. `make book` builds it, `make test` tests it. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTML := _build/html
PORT ?= 8000
SOURCES := $(shell find chapters widgets data _ext -type f \( -name '*.md' -o -name '*.py' -o -name '*.csv' \) 2>/dev/null) \
           _config.yml _toc.yml intro.md references.bib

.PHONY: book test lint serve clean bench pdf notebooks wheel lite

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

$(WHEEL): $(VENV)/.lite-installed pyproject.toml $(shell find widgets -name '*.py') $(wildcard data/*.csv) references.bib
	rm -rf _build/dist
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir _build/dist .

$(HTML)/index.html: $(WHEEL)

# The dev tools (jupyterlab) go on top of the hashed build tools (jupyter_server).
$(VENV)/.dev-installed: $(VENV)/.lite-installed

## lite: the offline JupyterLite site with every chapter, _build/html/lite/ (part of `make book`)
lite: $(HTML)/index.html $(WHEEL) $(VENV)/.lite-installed
	$(BIN)/python tools/lite.py

book: lite

## book: create .venv if needed, install requirements.txt, build _build/html strictly
book: $(HTML)/index.html

# jupyter-cache keys on cell source only, and Sphinx does not track extension code:
# when the widgets, their data or the build glue change, drop the execution cache
# and the doctrees so every chapter is re-executed and re-written.
_build/.inputs-stamp: $(shell find widgets data _ext _static -type f 2>/dev/null) references.bib requirements.txt
	rm -rf _build/.jupyter_cache _build/.doctrees
	mkdir -p _build
	touch $@

$(HTML)/index.html: $(VENV)/.book-installed _build/.inputs-stamp $(SOURCES)
	$(BIN)/jupyter-book build . --builder html -n -W --keep-going
	touch $@

## test: install dev requirements, build if needed, lint, run the whole test suite
test: $(VENV)/.dev-installed book lint
	$(BIN)/python -m pytest

## lint: ruff (lint + format check) and codespell
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check widgets tests tools _ext
	$(BIN)/ruff format --check widgets tests tools _ext
	$(BIN)/codespell chapters intro.md widgets tests tools _ext README.md CONTRIBUTING.md ACCESSIBILITY.md

## bench: cold and warm build times (median of RUNS) and page weights against budgets
RUNS ?= 3
bench: $(VENV)/.dev-installed
	$(BIN)/python tools/bench.py --runs $(RUNS)

## notebooks: regenerate notebooks/*.ipynb (what Colab opens) from the chapters
notebooks: $(VENV)/.book-installed
	$(BIN)/python tools/notebooks.py

## pdf: the whole book as one PDF (_build/pdf/book.pdf), printed by Chromium
pdf: $(VENV)/.dev-installed book
	$(BIN)/python tools/pdf.py

## serve: preview the built book on http://127.0.0.1:$(PORT)
serve: book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

## clean: remove the build and the execution cache (keeps .venv)
clean:
	rm -rf _build
