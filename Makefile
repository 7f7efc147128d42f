# Two commands on a fresh machine (Python 3.11+ with venv):
#   make run    serve the bundled sample site on 127.0.0.1, crawl it into data/partyfacts.db,
#               print a summary
#   make test   lint, rule examples, unit and end-to-end tests, evaluation floors
# Each creates .venv and installs what it needs first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench eval clean redis-server

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/partyfacts demo

# The distributed crawl's tests start a Redis server of their own on 127.0.0.1: Debian's
# redis-server, installed here when missing (quietly; when it cannot be installed, for want
# of root or of the package archive, those tests skip and say why).
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	      --no-install-recommends redis-server ) >/dev/null 2>&1 \
	  && echo "installed redis-server" \
	  || echo "could not install redis-server: the distributed crawl tests will skip"; }

test: $(STAMP) redis-server
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

eval: $(STAMP)
	$(BIN)/partyfacts eval

bench: $(STAMP) redis-server
	$(BIN)/python bench/extract_throughput.py
	$(BIN)/python bench/crawl_throughput.py
	$(BIN)/python bench/reextract_throughput.py
	$(BIN)/python bench/query_scale.py
	$(BIN)/python bench/crawl_capacity.py

clean:
	rm -rf $(VENV) data/*.db data/*.db-* data/logs data/locks
