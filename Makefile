# Two commands for a new user (README, "Quick start"):
#   make demo   set up, then run the main job on the embedded default (sample world + SQLite)
#   make test   set up, then run the test suite
# Set-up is a virtual environment in .venv with the package and its dev extra, plus
# Debian's chromium (the browser for evidence screenshots and the browser tests).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup demo test test-fast lint chromium bench clean

setup: $(STAMP) chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The system Chromium from Debian (never `playwright install`: it downloads a browser), and
# certutil (libnss3-tools) so Chromium can trust SSL_CERT_FILE's CAs (README, "Network"), and
# poppler-utils (pdftotext, pdftoppm): the tests read and render the PDFs Chromium prints.
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! command -v certutil >/dev/null || ! command -v pdftoppm >/dev/null; then \
		echo "installing Debian's chromium, libnss3-tools and poppler-utils packages"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium libnss3-tools poppler-utils >/dev/null; \
	fi

demo: setup
	$(BIN)/scout demo --out scout-demo

# Two workers; `--dist loadgroup` keeps the tests that share a full scan or crawl on one worker
# (tests/conftest.py, SHARED_FIXTURES), so it is made once a run.
test: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

# The inner loop: no browser, no full scans or crawls (markers `browser`, `slow`), stop at the
# first failure.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -x -m "not browser and not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check crawler spiders matching reports tests benchmarks
	$(BIN)/ruff format --check crawler spiders matching reports tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/scan_bench.py
	$(BIN)/python benchmarks/matching_eval.py
	$(BIN)/python benchmarks/generalisation.py

clean:
	rm -rf $(VENV) scout-demo .pytest_cache .hypothesis
