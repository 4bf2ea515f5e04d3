"""The DuckDB warehouse: the working database the build writes, SQL files, table metadata, and publishing.

The build never writes the analyst file directly. It writes `.build/jamsostek_build.duckdb`; publishing copies
that into a new file and atomically renames it over `jamsostek.duckdb`, so an analyst's open read-only session
keeps its old snapshot and a failed or killed build leaves the last good file in place.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from pipeline.settings import SQL_DIR

ANALYST_FILE = "jamsostek.duckdb"
WORKING_FILE = Path(".build") / "jamsostek_build.duckdb"
# duckdb 2.0's default storage cannot be opened by duckdb-cli 1.5 or older DBeaver drivers; v1.0.0 storage can.
ANALYST_STORAGE_VERSION = "v1.0.0"


def working_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / WORKING_FILE


def analyst_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / ANALYST_FILE


@contextmanager
def connect(warehouse_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = working_path(warehouse_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        yield con
    finally:
        con.close()


def sql_path(relative: str) -> Path:
    return SQL_DIR / relative


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str) -> None:
    con.execute(sql_path(relative).read_text(encoding="utf-8"))


def table_of(relative: str) -> str:
    """'marts/coverage.sql' -> 'marts.coverage': one SQL file per table, named after it."""
    schema, name = Path(relative).with_suffix("").parts[-2:]
    return f"{schema}.{name}"


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
    """Copy the working database into a fresh file and rename it over the analyst file in one step."""
    target = analyst_path(warehouse_dir)
    staging = target.with_name(f".{target.name}.publishing")
    staging.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{working_path(warehouse_dir)}' AS working (READ_ONLY)")
        con.execute(f"ATTACH '{staging}' AS published (STORAGE_VERSION '{ANALYST_STORAGE_VERSION}')")
        con.execute("COPY FROM DATABASE working TO published")
        con.execute("DETACH published")
    finally:
        con.close()
    with open(staging, "rb") as f:
        os.fsync(f.fileno())
    os.replace(staging, target)
    return target
