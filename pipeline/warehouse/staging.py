"""Per-source staging tables: a source's rows, its ledger (_files), quarantine and totals, kept per raw file."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.warehouse.connection import insert_frame, run_sql_file

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


def loaded_rows(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, int]:
    """file_path -> rows it loaded in the last ingest of this source."""
    if not known_files(con, source):
        return {}
    return dict(con.execute(f"SELECT file_path, coalesce(rows_loaded, 0) FROM staging.{source}_files").fetchall())


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

    def record(self, ledger_row: dict) -> None:
        insert_frame(self.con, f"staging.{self.source}_files", pd.DataFrame([ledger_row]))

    def mark_unchanged(self, files: list[str]) -> None:
        self.con.execute(f"UPDATE staging.{self.source}_files SET status = 'unchanged' WHERE list_contains(?, file_path)", [files])


# --- the key the rosters' worker_keys were made with, as a fingerprint (never the key) ---------------------------


def recorded_key_check(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the key the staged worker_keys were made with, if any rows were staged under one."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = 'rentan_key'"
    ).fetchone()[0]
    row = con.execute("SELECT key_check FROM staging.rentan_key").fetchone() if exists else None
    return row[0] if row else None


def record_key_check(con: duckdb.DuckDBPyConnection, key_check: str, recorded_at) -> None:
    con.execute("DELETE FROM staging.rentan_key")
    con.execute("INSERT INTO staging.rentan_key VALUES (?, ?)", [key_check, recorded_at])
