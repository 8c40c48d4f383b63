# forumwatch: every target creates .venv and installs the project on first use.
# Installs come from requirements.lock (exact versions with hashes, compiled from pyproject.toml by
# `make lock`), so two machines a month apart get the same stack.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180

.PHONY: demo test bench bench-warc install lock lint clean chaos

# Quiet: setuptools' "Editable installation" notice is information only, and pip's own warnings (-qq) are
# about the machine's pip configuration (e.g. an extra index folder that does not exist), not about this
# project. The last step copies the fts and ducklake extensions from their wheels into DuckDB's local folder,
# so the duckdb command loads them offline.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet --require-hashes --no-deps -r $(LOCK)
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet --quiet --no-deps -e .
	$(BIN)/python -m forumwatch.tasks.extensions
	touch $(STAMP)

install: $(STAMP)

# Refresh the lock after editing dependencies in pyproject.toml (needs PyPI); commit both files.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.9,<1'
	$(BIN)/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 \
		--universal --no-header --quiet -o $(LOCK)

demo: $(STAMP)
	$(BIN)/forumwatch demo --db data/forumwatch.duckdb

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy forumwatch tasks flows

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

# backfill from a 2 GB CC-NEWS layout WARC (90% other outlets) against bare trafilatura (~14 min, files in /tmp)
bench-warc: $(STAMP)
	$(BIN)/python -m bench.warc_backfill --gb 2

# signals at random moments of every command, each followed by a rerun and invariant checks (~1 min a round)
CHAOS_ROUNDS ?= 12
chaos: $(STAMP)
	$(BIN)/python -m bench.chaos --rounds $(CHAOS_ROUNDS) --pages 300 --outlets 6

clean:
	rm -rf $(VENV) data/*.duckdb data/*.duckdb.wal data/raw
