# Two commands on a fresh machine (Python 3.11+ with venv):
#   make run    serve the bundled sample site on 127.0.0.1, crawl it into data/partyfacts.db,
#               print a summary
#   make test   lint, rule examples, unit and end-to-end tests, evaluation floors
# Each creates .venv and installs what it needs first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/partyfacts demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

eval: $(STAMP)
	$(BIN)/partyfacts eval

bench: $(STAMP)
	$(BIN)/python bench/extract_throughput.py
	$(BIN)/python bench/crawl_throughput.py
	$(BIN)/python bench/reextract_throughput.py
	$(BIN)/python bench/query_scale.py

clean:
	rm -rf $(VENV) data/*.db data/*.db-* data/logs data/locks
