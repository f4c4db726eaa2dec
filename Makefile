# The two commands a newcomer needs:  `make site`  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test test-browser validate bench lint chromium clean

$(BIN)/sitegen: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

## Install, validate the data and build the site into build/
site: $(BIN)/sitegen
	$(BIN)/sitegen build

## Install (with Chromium from Debian where missing) and run the whole test suite
test: $(BIN)/sitegen chromium
	$(BIN)/python -m pytest

## Only the browser tests (screenshots land in test-artifacts/)
test-browser: $(BIN)/sitegen chromium
	$(BIN)/python -m pytest -m browser

validate: $(BIN)/sitegen
	$(BIN)/sitegen validate

bench: $(BIN)/sitegen
	$(BIN)/python bench/run.py

lint: $(BIN)/sitegen
	$(BIN)/ruff check sitegen tests bench scripts
	$(BIN)/mypy sitegen tests bench scripts

# Debian's Chromium: Playwright must never download a browser of its own.
chromium:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; }

clean:
	rm -rf build .build-* .cache test-artifacts
