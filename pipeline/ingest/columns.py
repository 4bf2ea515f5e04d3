"""The columns of the staging tables, each declared once with its type and its description.

A source's own columns come from its pandera contract (a `description` on every field, the table's description in
the contract's docstring); the provenance, ledger, quarantine and totals columns every source shares are declared
here. The staging DDL and its COMMENT ON (pipeline/warehouse/staging.py), the dbt sources (sql/models/staging/
_sources.yml, generated) and the data dictionary are all made from these declarations.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pandera.pandas as pa


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    description: str


# pandera dtype (as str()) -> DuckDB type; a field may say otherwise with metadata={"sql_type": ...}.
SQL_TYPES = {
    "datetime64[ns]": "DATE",
    "int64": "BIGINT",
    "Int64": "BIGINT",
    "float64": "DOUBLE",
    "str": "VARCHAR",
    "bool": "BOOLEAN",
}


def contract_columns(contract: type[pa.DataFrameModel]) -> list[Column]:
    """A contract's fields as warehouse columns, in declaration order; every field must describe itself."""
    columns = []
    for name, field in contract.to_schema().columns.items():
        if not field.description:
            raise ValueError(
                f"{contract.__name__}.{name} has no description: every staged column is described once, in its contract"
            )
        sql_type = (field.metadata or {}).get("sql_type") or SQL_TYPES.get(str(field.dtype))
        if sql_type is None:
            raise ValueError(
                f"{contract.__name__}.{name}: no warehouse type for {field.dtype}; give one in metadata={{'sql_type': ...}}"
            )
        columns.append(Column(name, sql_type, field.description))
    return columns


def contract_description(contract: type[pa.DataFrameModel]) -> str:
    """The contract's docstring, on one line: the staged table's description."""
    return " ".join((inspect.getdoc(contract) or "").split())


PROVENANCE = [
    Column("file_path", "VARCHAR", "Raw file the row came from"),
    Column("sheet", "VARCHAR", "Sheet of that file (empty for csv)"),
    Column("row_number", "BIGINT", "Row number in that sheet, as a spreadsheet program shows it"),
    Column("file_sha256", "VARCHAR", "SHA-256 of the file when it was read"),
]

LEDGER = [
    Column("file_path", "VARCHAR", "Path under the raw folder"),
    Column("sha256", "VARCHAR", "SHA-256 of the file when it was read"),
    Column("source", "VARCHAR", "Raw source"),
    Column("rows_read", "BIGINT", "Rows read below the header (in a wide layout, value cells)"),
    Column("rows_loaded", "BIGINT", "Rows staged"),
    Column("rows_rejected", "BIGINT", "Rows quarantined"),
    Column("rows_skipped", "BIGINT", "Totals, section and footnote rows"),
    Column("skipped_detail", "VARCHAR", "What the skipped rows were"),
    Column("status", "VARCHAR", "loaded | partial | failed | unchanged | kept"),
    Column(
        "error",
        "VARCHAR",
        "Why a failed file could not be read, or why a kept file's last good rows are still published",
    ),
    Column("loaded_at", "TIMESTAMP", "When the file was last read (UTC)"),
    Column(
        "modified_at",
        "TIMESTAMP",
        "The file's modification time when it was read (UTC): of two files reporting the same figure, the one modified "
        "later is published (dq.conflicting_figures lists every such pair)",
    ),
    Column("ingest_version", "VARCHAR", "Version of the ingest code and reference data that read it"),
    Column("aliases_used", "VARCHAR[]", "Region aliases that matched a row of the file"),
    Column("notes", "VARCHAR", "What was deliberately not read, e.g. a hidden sheet"),
    Column(
        "last_good_sha256",
        "VARCHAR",
        "For a kept file: SHA-256 of the earlier version whose rows (and counts) are still published",
    ),
]

REJECTION = [
    Column("source", "VARCHAR", "Raw source"),
    Column("file_path", "VARCHAR", "Path under the raw folder"),
    Column("sheet", "VARCHAR", "Sheet name (empty for csv)"),
    Column("row_number", "BIGINT", "Row number as a spreadsheet program shows it"),
    Column("column_name", "VARCHAR", "Header of the offending column"),
    Column("value", "VARCHAR", "The offending value"),
    Column("check_name", "VARCHAR", "The check that failed"),
    Column("reason", "VARCHAR", "What is wrong and what to do"),
]

TOTAL = [
    Column("source", "VARCHAR", "Raw source"),
    Column("file_path", "VARCHAR", "Path under the raw folder"),
    Column("sheet", "VARCHAR", "Sheet name (empty for csv)"),
    Column("row_number", "BIGINT", "Row number of the totals row"),
    Column("label", "VARCHAR", "The label cell, e.g. Jumlah, Total, Jawa Timur"),
    Column("scope", "VARCHAR", "all | regency (a Jumlah Kabupaten subtotal) | city (Jumlah Kota)"),
    Column("period", "DATE", "Participation: the month of the total"),
    Column("year", "INTEGER", "Workforce: the year of the total"),
    Column("segment", "VARCHAR", "Participation: the segment, or ALL for a Total column"),
    Column("stated_value", "DOUBLE", "The figure the file states"),
]

PROVENANCE_COLUMNS = [c.name for c in PROVENANCE]
REJECTION_COLUMNS = [c.name for c in REJECTION]
TOTAL_COLUMNS = [c.name for c in TOTAL]
