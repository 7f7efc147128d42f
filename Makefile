# Two commands on a fresh machine (Python 3.11+ with venv):
#   make run    serve the bundled sample site on 127.0.0.1, crawl it into data/partyfacts.db,
#               print a summary
#   make test   lint, rule examples, unit and end-to-end tests, evaluation floors
# Each creates .venv and installs what it needs first. `make notebook` opens the analysis
# notebook in Jupyter (installed into .venv the first time).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.browser
NOTEBOOK := $(VENV)/.notebook

.PHONY: run test lint bench eval clean notebook redis-server

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/partyfacts run

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

# Headless Chromium for the dashboard test (Debian's package, as root with apt); where it
# cannot be installed that test is skipped, and says so.
$(BROWSER): $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium could not be installed: the dashboard test will be skipped"
	@touch $(BROWSER)

$(NOTEBOOK): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[notebook]"
	touch $(NOTEBOOK)

notebook: $(NOTEBOOK)
	$(BIN)/jupyter notebook notebooks/party_building.ipynb

# The 10,000-example fuzzing (tests marked slow: pure CPU, no I/O) runs beside the rest of
# the suite, on the second core; both must pass. Its summary is printed after the suite's.
test: $(STAMP) $(BROWSER) redis-server
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@( $(BIN)/python -m pytest -m slow > $(VENV)/slow-tests.log 2>&1; echo $$? > $(VENV)/slow-tests.status ) & \
	$(BIN)/python -m pytest -m "not slow"; suite=$$?; wait; \
	slow=$$(cat $(VENV)/slow-tests.status); echo "--- the slow tests (fuzzing), run beside the suite:"; \
	if [ "$$slow" = 0 ]; then tail -n 1 $(VENV)/slow-tests.log; else cat $(VENV)/slow-tests.log; fi; \
	[ "$$suite" = 0 ] && [ "$$slow" = 0 ]

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
