"""The staging tables each source declares: its rows (from its contract), ledger (_files), quarantine and totals,
and the key fingerprint of a source holding NIKs. Their DDL and COMMENT ON are made from these declarations
(pipeline/ingest/columns.py), never written by hand; the warehouse side (pipeline/warehouse/staging.py) fills them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.ingest.columns import LEDGER, PROVENANCE, REJECTION, TOTAL, Column, contract_columns, contract_description
from pipeline.ingest.engine import Source

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


def key_table(source: Source) -> Table:
    """Which JAMSOSTEK_PII_KEY made the worker_keys of a source holding NIKs: a run with another key stops."""
    return Table(
        f"staging.{source.name}_key",
        f"Which JAMSOSTEK_PII_KEY made the worker_keys in staging.{source.name}, as a fingerprint (a keyed hash of a "
        "constant, which reveals nothing of the key): a run with another key stops instead of mixing pseudonyms.",
        (
            Column("key_check", "VARCHAR", "HMAC-SHA256 of a fixed text under the key, first 16 hex digits"),
            Column("recorded_at", "TIMESTAMP", "When the rows were last read under this key (UTC)"),
        ),
    )


def prepare_staging(con: duckdb.DuckDBPyConnection, source: Source, full_reload: bool) -> None:
    """Create the source's staging tables; a full reload (new ingest code) drops them first."""
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    tables = staging_tables(source) + ([key_table(source)] if source.holds_nik else [])
    if full_reload:
        for table in tables[:4]:
            con.execute(f"DROP TABLE IF EXISTS {table.name}")
    for table in tables:
        con.execute(table.create_sql())
