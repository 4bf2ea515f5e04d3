"""Per-source staging tables: a source's rows, its ledger (_files), quarantine and totals, kept per raw file.

Their DDL and COMMENT ON are made from the source's declaration (pipeline/ingest/columns.py).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.ingest.declared_tables import STAGING_SUFFIXES, key_table, staging_tables
from pipeline.ingest.engine import Source
from pipeline.warehouse.connection import insert_frame


def known_files(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple[str, str, str]]:
    """file_path -> (sha256, ingest_version, status) from the last ingest of this source."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = ?",
        [f"{source}_files"],
    ).fetchone()[0]
    if not exists:
        return {}
    return {
        path: (sha, version, status)
        for path, sha, version, status in con.execute(
            f"SELECT file_path, sha256, ingest_version, status FROM staging.{source}_files"
        ).fetchall()
    }


def loaded_rows(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, int]:
    """file_path -> rows it loaded in the last ingest of this source."""
    if not known_files(con, source):
        return {}
    return dict(con.execute(f"SELECT file_path, coalesce(rows_loaded, 0) FROM staging.{source}_files").fetchall())


def schema_changed(con: duckdb.DuckDBPyConnection, source: Source) -> bool:
    """Whether a staging table of the source exists with other columns than its declaration now has: new code (an
    upgrade) that added a ledger or contract column must rebuild the source, even one with no file recorded."""
    for table in staging_tables(source):
        schema, name = table.name.split(".")
        existing = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()
        if existing and [c for (c,) in existing] != [c.name for c in table.columns]:
            return True
    return False


class StagingTables:
    """The staging tables of one source, changed one raw file at a time: a file read again or deleted replaces
    exactly its own rows; the ledger says what happened to every file."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: str):
        self.con, self.source = con, source

    def forget(self, files: list[str]) -> None:
        """Remove every row these files put in any of the source's tables."""
        for suffix in STAGING_SUFFIXES:
            self.con.execute(f"DELETE FROM staging.{self.source}{suffix} WHERE list_contains(?, file_path)", [files])

    def add(self, batch) -> None:
        """Rows, quarantined rows and totals of one batch (pipeline.ingest.engine.Batch)."""
        insert_frame(self.con, f"staging.{self.source}", batch.rows)
        insert_frame(self.con, f"staging.{self.source}_quarantine", batch.rejections)
        insert_frame(self.con, f"staging.{self.source}_totals", batch.totals)

    def rejections(self, files: list[str], limit: int) -> list[dict]:
        """The first `limit` quarantined rows of these files, as records."""
        return (
            self.con.execute(
                f"SELECT * FROM staging.{self.source}_quarantine WHERE list_contains(?, file_path) ORDER BY file_path, row_number LIMIT {int(limit)}",
                [files],
            )
            .fetchdf()
            .to_dict("records")
        )

    def record(self, ledger_row: dict) -> None:
        insert_frame(self.con, f"staging.{self.source}_files", pd.DataFrame([ledger_row]))

    def mark_unchanged(self, files: list[str], version: str) -> None:
        """Files not read again in this run: still current under this run's ingest version (a kept file stays kept)."""
        self.con.execute(
            f"UPDATE staging.{self.source}_files SET status = if(status = 'kept', 'kept', 'unchanged'), ingest_version = ? "
            "WHERE list_contains(?, file_path)",
            [version, files],
        )

    # --- the last good version of a file, kept when its new version failed or lost most of its rows ---------------

    def set_aside(self, files: list[str]) -> None:
        """Copy what these files hold in every staging table, before they are read again (or the tables dropped for new
        reader code), so that a version that fails or lost most of its rows can give the old rows back."""
        if not files:
            return
        for suffix in STAGING_SUFFIXES:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE last_good_{self.source}{suffix} AS "
                f"SELECT * FROM staging.{self.source}{suffix} WHERE list_contains(?, file_path)",
                [files],
            )

    def last_good_ledger(self, file: str) -> dict | None:
        """The ledger row of a file as it was set aside, or None when nothing was."""
        rows = (
            self.con.execute(f"SELECT * FROM last_good_{self.source}_files WHERE file_path = ?", [file])
            .fetchdf()
            .to_dict("records")
        )
        return rows[0] if rows else None

    def restore(self, file: str) -> None:
        """Put back the rows, quarantined rows and totals a file held before this run read it again."""
        self.forget([file])
        for suffix in STAGING_SUFFIXES[:1] + STAGING_SUFFIXES[2:]:
            self.con.execute(
                f"INSERT INTO staging.{self.source}{suffix} BY NAME "
                f"SELECT * FROM last_good_{self.source}{suffix} WHERE file_path = ?",
                [file],
            )


# --- the key the rosters' worker_keys were made with, as a fingerprint (never the key) ---------------------------


def recorded_key_check(con: duckdb.DuckDBPyConnection, source: Source) -> str | None:
    """The fingerprint of the key the source's staged worker_keys were made with, if any rows were staged under one."""
    schema, name = key_table(source).name.split(".")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
        [schema, name],
    ).fetchone()[0]
    row = con.execute(f"SELECT key_check FROM {schema}.{name}").fetchone() if exists else None
    return row[0] if row else None


def record_key_check(con: duckdb.DuckDBPyConnection, source: Source, key_check: str, recorded_at) -> None:
    table = key_table(source).name
    con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO {table} VALUES (?, ?)", [key_check, recorded_at])
