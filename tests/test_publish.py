"""Analysts on the warehouse while it is built, tested with real separate processes.

A build is `python -m pipeline.cli.run` in its own process; an analyst is another Python process holding a read-only
DuckDB connection to the analyst file.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse.connection import connect, working_path
from pipeline.warehouse.publish import publish
from tests.conftest import small_raw

MONTHS = ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv", "2021-11_kepesertaan_jatim.csv")


@pytest.fixture
def small_project(tmp_path):
    raw = small_raw(tmp_path / "raw", MONTHS)
    env = {
        **os.environ,
        "JAMSOSTEK_RAW_DIR": str(raw),
        "JAMSOSTEK_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    return raw, tmp_path / "warehouse", env


def start_build(env, *args, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.run", *args],
        cwd=PROJECT_ROOT,
        env={**env, **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def run_build(env, *args, **extra) -> tuple[int, str]:
    process = start_build(env, *args, **extra)
    output, _ = process.communicate(timeout=600)
    return process.returncode, output


def add_target(raw: Path, target_id: str) -> None:
    with open(raw / "targets" / "targets.csv", "a", encoding="utf-8") as f:
        f.write(f"{target_id},Kota Batu,ALL,coverage_pct,50,2026-12,,,,test\n")


def target_count(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM marts.target_progress").fetchone()[0]
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = lambda: con.execute("SELECT count(*) FROM marts.target_progress").fetchone()[0]
print(count(), flush=True)
sys.stdin.readline()
print(count(), flush=True)
"""

LOCK_HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.readline()
"""


def test_one_small_project_through_an_office_s_commands_locks_kills_and_a_restore(small_project):
    """One small project through what an office does and what goes wrong, each step building on the last (one
    project, so that its first build is made once): nothing new builds nothing; an analyst's open session keeps its
    snapshot while a build publishes; a build that finds the working database locked gives up cleanly and publishes
    nothing; a changed folder builds only what it needs (`make refresh`); `make rebuild` builds everything; a rebuild
    killed during ingest and during the tables leaves the last good file and the next run recovers; and the case that
    stayed broken, the documented restore (the analyst file from a backup, no .build/), where the history says
    everything is built and the working database says otherwise. How each fault to the working database (damaged,
    deleted, restored) reads as another database is tested at its source, tests/test_connection.py; the sensor and the
    schedule after a damaged one, tests/test_automation.py."""
    raw, warehouse, env = small_project
    analyst_file = warehouse / "jamsostek.duckdb"
    assert run_build(env)[0] == 0
    published = analyst_file.stat().st_mtime_ns
    code, output = run_build(env)
    assert code == 0 and "Nothing is missing or stale: the warehouse is up to date and nothing was built." in output
    assert analyst_file.stat().st_mtime_ns == published and "Analyst warehouse:" in output

    good = sha256(analyst_file)
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(analyst_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert int(analyst.stdout.readline()) == 7
    add_target(raw, "NEW-1")

    # Someone holds the working database: the build waits, gives up with a clear message, publishes nothing.
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(working_path(warehouse))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    try:
        code, output = run_build(env, JAMSOSTEK_LOCK_WAIT_SECONDS="1")
        assert code != 0 and "locked by another process" in output and "Traceback" not in output
        assert sha256(analyst_file) == good
    finally:
        holder.communicate("done\n", timeout=30)

    # The next run needs no clean-up, builds only what the new target needs, and publishes while the analyst's
    # session is open.
    code, output = run_build(env, "--stale")  # `make refresh`: the same as `make run`
    assert code == 0, output
    [selected] = [line for line in output.splitlines() if line.startswith("Missing or stale: ")]
    selected = set(selected.removeprefix("Missing or stale: ").split(", "))
    assert {"staging/targets", "core/targets", "marts/target_progress", "analyst_warehouse"} <= selected
    assert not selected & {"staging/participation", "core/participation", "marts/coverage", "staging/rentan"}
    assert target_count(analyst_file) == 8  # a new connection sees the new data
    analyst.stdin.write("go\n")
    analyst.stdin.flush()
    assert int(analyst.stdout.readline()) == 7  # the open session keeps the snapshot it opened
    analyst.wait(timeout=30)

    started = time.monotonic()
    code, output = run_build(env, "--full")  # `make rebuild`
    assert code == 0 and "Missing or stale" not in output and "Nothing is missing" not in output
    duration = time.monotonic() - started

    good = sha256(analyst_file)
    add_target(raw, "NEW-2")
    for fraction in (0.45, 0.8):  # during ingest and during the tables, checks and publish (of a whole rebuild)
        process = start_build(env, "--full")
        time.sleep(duration * fraction)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # Either the last good file, untouched, or (when the kill came after the rename) the complete new one.
        assert sha256(analyst_file) == good or target_count(analyst_file) == 9
    code, output = run_build(env)
    assert code == 0, output
    assert target_count(analyst_file) == 9
    assert not list(warehouse.glob(".jamsostek.duckdb.publishing*"))
    # A run killed mid-way could not record its end: the next run marks it failed (tests/test_runs.py), so none is
    # left STARTED to block the daemon's one-run queue.
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        statuses = {r.dagster_run.status for r in instance.get_run_records()}
    assert statuses <= {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}

    shutil.copy(analyst_file, warehouse.parent / "backup.duckdb")
    shutil.rmtree(warehouse)
    warehouse.mkdir()
    shutil.copy(warehouse.parent / "backup.duckdb", analyst_file)
    add_target(raw, "NEW-3")
    code, output = run_build(env)
    assert code == 0, output
    assert "building everything" in output and "Missing or stale: " in output
    assert target_count(analyst_file) == 10
    code, output = run_build(env)
    assert code == 0 and "Nothing is missing or stale" in output


def test_a_damaged_working_database_is_set_aside_and_rebuilt(tmp_path):
    working_path(tmp_path).parent.mkdir(parents=True)
    working_path(tmp_path).write_bytes(b"not a database" * 1000)
    with connect(tmp_path) as con:
        assert con.execute("SELECT 42").fetchone() == (42,)
    assert len(list(working_path(tmp_path).parent.glob("*.damaged-*"))) == 1


def test_the_duckdb_cli_from_pypi_opens_the_analyst_file(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    cli = Path(sys.executable).parent / "duckdb"
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.5")
    shown = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            "-noheader",
            str(folder / "jamsostek.duckdb"),
            "-c",
            "SELECT count(*) FROM marts.coverage",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(shown.strip()) == con.execute("SELECT count(*) FROM marts.coverage").fetchone()[0]


@pytest.mark.parametrize("created_in", ["v1.0.0", "latest"])
def test_publish_writes_v1_storage_whatever_the_working_database_was_created_in(tmp_path, created_in):
    """New working databases are v1.0.0 (publish copies the file); older ones in duckdb 2.0 storage are rewritten."""
    working_path(tmp_path).parent.mkdir(parents=True)
    if created_in == "latest":
        duckdb.connect(str(working_path(tmp_path))).close()  # as builds before the storage setting created it
    with connect(tmp_path) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.coverage AS SELECT range AS n FROM range(1000)")
    path = publish(tmp_path)
    cli = Path(sys.executable).parent / "duckdb"
    shown = subprocess.run(
        [cli, "-readonly", "-csv", "-noheader", str(path), "-c", "SELECT sum(n) FROM marts.coverage"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(shown.strip()) == sum(range(1000))
