"""The DuckDB warehouse: the working database the build writes, SQL files, table metadata, and publishing.

The build never writes the analyst file directly. It writes `.build/jamsostek_build.duckdb`; publishing copies
that into a new file and atomically renames it over `jamsostek.duckdb`, so an analyst's open read-only session
keeps its old snapshot and a failed or killed build leaves the last good file in place.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from pipeline.settings import SQL_DIR, duckdb_memory

log = logging.getLogger(__name__)

ANALYST_FILE = "jamsostek.duckdb"
# duckdb 2.0's default storage cannot be opened by duckdb-cli 1.5 or older DBeaver drivers; v1.0.0 storage can.
ANALYST_STORAGE_VERSION = "v1.0.0"
CONNECTION_SETTINGS = {
    "preserve_insertion_order": False,
    # A new working database is written in the analysts' storage version, so publishing is a file copy.
    "storage_compatibility_version": ANALYST_STORAGE_VERSION,
}
WORKING_FILE = Path(".build") / "jamsostek_build.duckdb"


def working_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / WORKING_FILE


def analyst_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / ANALYST_FILE


class WarehouseLocked(RuntimeError):
    """Another process holds the working database; the message names it."""


@contextmanager
def connect(warehouse_dir: Path, lock_wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the working database, waiting for another writer to finish and rebuilding a file that is not DuckDB's."""
    path = working_path(warehouse_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = float(os.environ.get("JAMSOSTEK_LOCK_WAIT_SECONDS", 120)) if lock_wait_seconds is None else lock_wait_seconds
    deadline = time.monotonic() + wait
    delay, said = 0.2, False
    while True:
        try:
            # DuckDB spills to disk beyond the memory limit rather than grow the build past what the machine allows.
            con = duckdb.connect(str(path), config=CONNECTION_SETTINGS | {"memory_limit": duckdb_memory()})
            break
        except duckdb.IOException as error:
            if "not a valid DuckDB database file" in str(error):
                # The working file is a cache of the raw folder: a damaged one is set aside and rebuilt from scratch.
                damaged = path.with_name(f"{path.name}.damaged-{int(time.time())}")
                path.rename(damaged)
                path.with_name(path.name + ".wal").unlink(missing_ok=True)
                log.warning("working database %s was not readable (%s); moved to %s and rebuilt", path, error, damaged.name)
                continue
            if "lock" not in str(error).lower():
                raise
            if not said:  # say who holds it, once, so that a second `make run` does not look hung
                said = True
                log.warning("the working database is in use by another build (%s); waiting up to %.0fs for it to finish", _holder(error), wait)
            if time.monotonic() >= deadline:
                raise WarehouseLocked(f"the working database {path} is locked by another process after waiting {wait:.0f}s: {error}") from None
            time.sleep(delay)
            delay = min(delay * 2, 5)
    try:
        yield con
    finally:
        con.close()


def _holder(error: Exception) -> str:
    """'PID 1234' from DuckDB's lock error, or the error itself."""
    found = re.search(r"PID \d+", str(error))
    return found.group(0) if found else str(error)


def sql_path(relative: str) -> Path:
    return SQL_DIR / relative


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str, **names: str) -> None:
    """Run one SQL file; `names` fill {placeholders} in the shared per-source templates (sql/staging/source_*.sql)."""
    text = sql_path(relative).read_text(encoding="utf-8")
    for name, value in names.items():
        text = text.replace("{" + name + "}", value)
    con.execute(text)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    con.register("incoming_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_frame")
    finally:
        con.unregister("incoming_frame")


def describe(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """Row count, columns with their COMMENT ON text, and a small preview, for asset metadata."""
    schema, name = table.split(".")
    row_count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    columns = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, name],
    ).fetchall()
    comment = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
        [schema, name],
    ).fetchone()
    preview = con.execute(f"SELECT * FROM {table} LIMIT 10").fetchdf()
    return {"row_count": row_count, "columns": columns, "comment": comment[0] if comment else None, "preview": preview}


def publish(warehouse_dir: Path) -> Path:
    """Copy the working database into a fresh file and rename it over the analyst file in one step.

    The copy is made while holding the working database (no other build writes meanwhile) after a checkpoint, so
    the file is complete on its own. A working database from before it was written in v1.0.0 storage is
    rewritten with COPY FROM DATABASE instead, which at national scale takes several times longer.
    """
    target = analyst_path(warehouse_dir)
    staging = target.with_name(f".{target.name}.publishing")
    staging.unlink(missing_ok=True)
    with connect(warehouse_dir) as con:
        [(name, tags)] = con.execute("SELECT database_name, tags FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
        if dict(tags or {}).get("storage_version", "").startswith(ANALYST_STORAGE_VERSION):
            con.execute("CHECKPOINT")
            shutil.copyfile(working_path(warehouse_dir), staging)
        else:
            con.execute(f"ATTACH '{staging}' AS published (STORAGE_VERSION '{ANALYST_STORAGE_VERSION}')")
            con.execute(f'COPY FROM DATABASE "{name}" TO published')
            con.execute("DETACH published")
    with open(staging, "rb") as f:
        os.fsync(f.fileno())
    os.replace(staging, target)
    return target


# --- per-source staging: rows, ledger, quarantine and totals of one raw source ---------------------------------

STAGING_SUFFIXES = ("", "_files", "_quarantine", "_totals")


def known_files(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple[str, str, str]]:
    """file_path -> (sha256, ingest_version, status) from the last ingest of this source."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = ?",
        [f"{source}_files"],
    ).fetchone()[0]
    if not exists:
        return {}
    return {path: (sha, version, status) for path, sha, version, status in con.execute(
        f"SELECT file_path, sha256, ingest_version, status FROM staging.{source}_files"
    ).fetchall()}  # fmt: skip


def prepare_staging(con: duckdb.DuckDBPyConnection, source: str, full_reload: bool) -> None:
    """Create the source's staging tables; a full reload (new ingest code) drops them first."""
    if full_reload:
        for suffix in STAGING_SUFFIXES:
            con.execute(f"DROP TABLE IF EXISTS staging.{source}{suffix}")
    for relative in staging_sql_files(source):
        run_sql_file(con, relative, source=source)


def staging_sql_files(source: str) -> list[str]:
    """The SQL that creates a source's staging tables: its own, then the ledger, quarantine and totals templates."""
    return [f"staging/{source}.sql", *(f"staging/{template}.sql" for template in ("source_files", "source_quarantine", "source_totals"))]


def store_ingest(
    con: duckdb.DuckDBPyConnection,
    source: str,
    replaced: list[str],
    rows: pd.DataFrame,
    ledger: pd.DataFrame,
    rejections: pd.DataFrame,
    totals: pd.DataFrame,
    unchanged: list[str],
) -> None:
    """Replace exactly the rows of the files that were read again or deleted; mark the others unchanged."""
    for suffix in STAGING_SUFFIXES:
        con.execute(f"DELETE FROM staging.{source}{suffix} WHERE list_contains(?, file_path)", [replaced])
    insert_frame(con, f"staging.{source}", rows)
    insert_frame(con, f"staging.{source}_files", ledger)
    insert_frame(con, f"staging.{source}_quarantine", rejections)
    insert_frame(con, f"staging.{source}_totals", totals)
    con.execute(f"UPDATE staging.{source}_files SET status = 'unchanged' WHERE list_contains(?, file_path)", [unchanged])
