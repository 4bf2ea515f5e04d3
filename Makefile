# jamsostek-coverage: `make run` builds the warehouse, `make test` runs the tests, `make ui` opens Dagster.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
PY := $(CURDIR)/.venv/bin/python

.PHONY: setup browser postgres run refresh rebuild test test-fast lint format bench ui sql docs demo-data regions generated soak clean

# uv is installed with pip into .tools/ when it is not on PATH; the environment itself is pinned by uv.lock.
# Bytecode is compiled at install time: this machine sets PYTHONDONTWRITEBYTECODE, which otherwise makes every
# process recompile Dagster (about 4 s per start).
$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv

# Only a sync needs uv: every command below runs the synced .venv's own python, so a service user without uv on its
# PATH (and without write access to the checkout) can `make run` once root has run `make setup`.
# PYTHON picks the interpreter the venv is made from (an office install: Debian's /usr/bin/python3, never one under a
# user's home, which the service user could not read).
.venv/.synced: pyproject.toml uv.lock
	@test -x "$(UV)" || $(MAKE) --no-print-directory $(CURDIR)/.tools/bin/uv
	$(UV) sync --frozen --quiet --compile-bytecode $(if $(PYTHON),--python $(PYTHON))
	@touch $@

setup: .venv/.synced

# Only what is missing or stale (new or changed raw files, changed code), as the nightly schedule does: a run with
# nothing new builds nothing and says so. `make refresh` is the same; `make rebuild` builds every asset.
run: setup
	$(PY) -m pipeline.cli.run

refresh: setup
	$(PY) -m pipeline.cli.run --stale

rebuild: setup
	$(PY) -m pipeline.cli.run --full

# National-scale benchmark against bare calamine/csv/DuckDB (BENCH_SCALES, BENCH_ROSTER_ROWS); see docs/performance.md.
bench: setup
	$(PY) scripts/bench.py

# Debian's chromium for the browser test of the UI (Playwright drives it; nothing downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "could not install chromium (not root?): the browser test will be skipped"

# Debian's PostgreSQL server for the test of the office deployment's instance (tests/test_postgres_instance.py).
postgres:
	@test -x "$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)/initdb" || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
		|| echo "could not install postgresql (not root?): the PostgreSQL instance test will be skipped"

test: setup browser postgres
	$(PY) -m pytest

# The inner loop: unit tests, the corpus and the tests that read the shared demo build (tiers in tests/conftest.py).
test-fast: setup
	$(PY) -m pytest -m "not system and not builds"

# The seeded random sequence of raw-folder and warehouse faults (tests/test_soak.py; about 15 minutes).
soak: setup
	JAMSOSTEK_SOAK=1 $(PY) -m pytest -p no:xdist -o addopts="-ra" -s tests/test_soak.py

# ruff (pyproject.toml [tool.ruff]): `make lint` checks formatting and lint rules, `make format` fixes what it can.
lint: setup
	$(CURDIR)/.venv/bin/ruff format --check pipeline tests scripts
	$(CURDIR)/.venv/bin/ruff check pipeline tests scripts

format: setup
	$(CURDIR)/.venv/bin/ruff format pipeline tests scripts
	$(CURDIR)/.venv/bin/ruff check --fix pipeline tests scripts

# Webserver and daemon on 127.0.0.1:3000 (JAMSOSTEK_UI_PORT); Ctrl-C or SIGTERM stops both.
ui: setup
	$(PY) -m pipeline.cli.ui

# A read-only SQL shell on the analyst file (the DuckDB CLI); it never blocks the nightly build.
sql: setup
	$(CURDIR)/.venv/bin/duckdb -readonly $${JAMSOSTEK_WAREHOUSE_DIR:-data/warehouse}/jamsostek.duckdb

# Regenerate docs/warehouse.md from the built warehouse's COMMENT ON metadata.
docs: setup
	$(PY) -m pipeline.outputs.dictionary

# The dbt sources and the raw_sources() macro made from the source registry (committed; a test holds them current).
generated: setup
	$(PY) -m pipeline.warehouse.dbt_sources

demo-data: setup
	$(PY) scripts/generate_demo_data.py

regions: setup
	$(PY) scripts/build_region_table.py
	$(PY) scripts/build_bps_seed.py

clean:
	rm -rf data/warehouse/jamsostek.duckdb data/warehouse/jamsostek_catalog.html data/warehouse/.build data/warehouse/exports data/warehouse/report sql/target sql/logs
