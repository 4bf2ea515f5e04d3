"""Per-source staging tables: a source's rows, its ledger (_files), quarantine and totals, kept per raw file.

Their DDL and COMMENT ON are made from the source's declaration (pipeline/ingest/columns.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline.ingest.columns import LEDGER, PROVENANCE, REJECTION, TOTAL, Column, contract_columns, contract_description
from pipeline.ingest.engine import Source
from pipeline.warehouse.connection import insert_frame

STAGING_SUFFIXES = ("", "_files", "_quarantine", "_totals")


@dataclass(frozen=True)
class Table:
    """A staging table as declared: its DDL and COMMENT ON are made from this, never written by hand."""

    name: str  # schema.table
    description: str
    columns: tuple[Column, ...]

    def create_sql(self) -> str:
        quoted = lambda text: "'" + text.replace("'", "''") + "'"  # noqa: E731
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(f'{c.name} {c.sql_type}' for c in self.columns)})",
            f"COMMENT ON TABLE {self.name} IS {quoted(self.description)}",
            *(f"COMMENT ON COLUMN {self.name}.{c.name} IS {quoted(c.description)}" for c in self.columns),
        ]
        return ";\n".join(statements) + ";"


def staging_tables(source: Source) -> list[Table]:
    """A source's four staging tables: its rows (from its contract), ledger, quarantine and totals."""
    name = source.name
    return [
        Table(f"staging.{name}", contract_description(source.schema), (*contract_columns(source.schema), *PROVENANCE)),
        Table(
            f"staging.{name}_files",
            f"One row per {name} file seen by the last ingest; dq.file_ledger unions these for every source.",
            tuple(LEDGER),
        ),
        Table(
            f"staging.{name}_quarantine",
            f"Rejected {name} rows; dq.rejected_rows unions these for every source.",
            tuple(REJECTION),
        ),
        Table(
            f"staging.{name}_totals",
            f"Totals rows of {name} files, kept as cross-checks; dq.stated_totals compares them with the loaded rows.",
            tuple(TOTAL),
        ),
    ]


# Which JAMSOSTEK_PII_KEY made the worker_keys of a source holding NIKs (rentan): a run with another key stops.
KEY_TABLE = Table(
    "staging.rentan_key",
    "Which JAMSOSTEK_PII_KEY made the worker_keys in staging.rentan, as a fingerprint (a keyed hash of a constant, which "
    "reveals nothing of the key): a run with another key stops instead of mixing pseudonyms.",
    (
        Column("key_check", "VARCHAR", "HMAC-SHA256 of a fixed text under the key, first 16 hex digits"),
        Column("recorded_at", "TIMESTAMP", "When the rosters were last read under this key (UTC)"),
    ),
)


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


def prepare_staging(con: duckdb.DuckDBPyConnection, source: Source, full_reload: bool) -> None:
    """Create the source's staging tables; a full reload (new ingest code) drops them first."""
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    tables = staging_tables(source) + ([KEY_TABLE] if source.holds_nik else [])
    if full_reload:
        for table in tables[:4]:
            con.execute(f"DROP TABLE IF EXISTS {table.name}")
    for table in tables:
        con.execute(table.create_sql())


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
