# litterhub: `make demo` serves the hub with bundled real data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/litterhub/web/static/vendor/.stamp

.PHONY: demo test install install-dev assets catalogs lint bench clean

demo: install assets catalogs
	$(BIN)/litterhub demo --host $(HOST) --port $(PORT)

# Test files run in parallel, one whole file per worker (`--dist loadfile`: a module's fixtures - its hub, its
# PostgreSQL server, its browser - are built once); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto
test: install-dev assets catalogs
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --basetemp=$(CURDIR)/.pytest-tmp

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Front-end libraries come from the npm registry at build time (pinned in package-lock.json) and are
# served by the app itself: no CDN, no network at run time.
assets: $(VENDOR)

$(VENDOR): package.json package-lock.json scripts/vendor_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_assets.py
	touch $@

# Interface translations: the .po catalogues are committed, the .mo files are compiled at build time.
CATALOGS := $(wildcard src/litterhub/web/locale/*/LC_MESSAGES/messages.po)
catalogs: src/litterhub/web/locale/.compiled

src/litterhub/web/locale/.compiled: $(CATALOGS) scripts/i18n.py $(VENV)/.installed
	$(BIN)/python scripts/i18n.py compile
	touch $@

# ruff, then the import layers of .importlinter (docs/development.md, "The HTTP edge and errors")
lint: install-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports

bench: install-dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) node_modules src/litterhub/web/static/vendor litterhub-data src/litterhub/web/locale/.compiled
	find src/litterhub/web/locale -name '*.mo' -delete
