"""The columns of the staging tables, each declared once with its type and its description.

A source's own columns come from its pandera contract (a `description` on every field, the table's description in
the contract's docstring); the provenance, ledger, quarantine and totals columns every source shares are declared
here. The staging DDL and its COMMENT ON (pipeline/ingest/declared_tables.py), the dbt sources (sql/models/staging/
_sources.yml, generated) and the data dictionary are all made from these declarations.
"""

from __future__ import annotations

import functools
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


@functools.cache  # checked for every roster chunk: made once per contract
def contract_violations_sql(contract: type[pa.DataFrameModel]) -> tuple[tuple[str, str], ...]:
    """A contract's column checks as SQL, for rows staged in SQL rather than validated by pandera (the rosters): one
    (what, condition true for a row that breaks it) per check. A check with no SQL form here raises: every declared
    check runs somewhere."""
    translated = {
        "str_matches": lambda column, s: f"NOT regexp_full_match({column}, '{s['pattern'].strip('^$')}')",
        "isin": lambda column, s: f"{column} NOT IN ({', '.join(repr(str(v)) for v in s['allowed_values'])})",
        "greater_than_or_equal_to": lambda column, s: f"{column} < {s['min_value']!r}",
        "less_than_or_equal_to": lambda column, s: f"{column} > {s['max_value']!r}",
    }
    violations = []
    for name, column in contract.to_schema().columns.items():
        if not column.nullable:
            violations.append((f"{name} not null", f"{name} IS NULL"))
        for check in column.checks:
            if check.name not in translated:
                raise ValueError(f"{contract.__name__}.{name}: no SQL form for the check {check.name}")
            violations.append((f"{name} {check.name}", translated[check.name](name, check.statistics)))
    return tuple(violations)


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
    Column(
        "file_path",
        "VARCHAR",
        "Path of the file under the raw folder (JAMSOSTEK_RAW_DIR), e.g. participation/2021-09_kepesertaan_jatim.csv",
    ),
    Column("sha256", "VARCHAR", "SHA-256 of the file content when it was read"),
    Column(
        "source",
        "VARCHAR",
        "Raw source: the folder under the raw directory, one per source of the registry (pipeline/sources)",
    ),
    Column(
        "rows_read",
        "BIGINT",
        "Non-blank rows below the header; in a wide layout each value cell (a segment or a year of a region) "
        "counts as a row",
    ),
    Column("rows_loaded", "BIGINT", "Rows that passed every check and were staged"),
    Column("rows_rejected", "BIGINT", "Rows sent to dq.rejected_rows"),
    Column(
        "rows_skipped",
        "BIGINT",
        "Non-data rows: totals (kept in dq.stated_totals), section rows (KABUPATEN, KOTA) and footnotes",
    ),
    Column("skipped_detail", "VARCHAR", 'What the skipped rows were, e.g. "1 footnote, 2 section, 1 total"'),
    Column(
        "status",
        "VARCHAR",
        "loaded (all rows) | partial (some rows rejected) | failed (file not read; see error) | unchanged (same"
        " content as last run; its rows were kept, not read again) | kept (this version could not be read or "
        "lost most of its rows, so the rows of its last good version are still published; see error and "
        "last_good_sha256; the counts are those of the rows published)",
    ),
    Column(
        "error",
        "VARCHAR",
        "Why a failed file could not be read, naming the file and the missing or broken thing; for a kept file,"
        " what is wrong with this version and how to confirm the change (JAMSOSTEK_ALLOW_SHRINK=1)",
    ),
    Column("loaded_at", "TIMESTAMP", "When the file was last read (UTC)"),
    Column(
        "modified_at",
        "TIMESTAMP",
        "The file's modification time when it was read (UTC): of two files reporting the same figure, the one "
        "modified later is published (dq.conflicting_figures lists every such pair)",
    ),
    Column("ingest_version", "VARCHAR", "Version of the ingest code and reference data that read it"),
    Column(
        "aliases_used",
        "VARCHAR[]",
        "Region aliases (data/reference/region_aliases*.csv) that matched a row of the file",
    ),
    Column(
        "notes",
        "VARCHAR",
        "What was deliberately left unread in a file that was read, e.g. \"hidden sheet 'Lama' not read\"",
    ),
    Column(
        "last_good_sha256",
        "VARCHAR",
        "For a kept file, the SHA-256 of the earlier version whose rows are still published; empty otherwise",
    ),
]

REJECTION = [
    Column(
        "source",
        "VARCHAR",
        "Raw source: the folder under the raw directory, one per source of the registry (pipeline/sources)",
    ),
    Column("file_path", "VARCHAR", "Path of the file under the raw folder"),
    Column("sheet", "VARCHAR", "Sheet name in a workbook; empty for csv"),
    Column("row_number", "BIGINT", "Row number as the spreadsheet program shows it (1 = first line)"),
    Column("column_name", "VARCHAR", "The column header in the file whose value broke the check"),
    Column("value", "VARCHAR", "The offending value as text"),
    Column(
        "check_name",
        "VARCHAR",
        "The check that failed, e.g. region_match, number_format, duplicate_key, row_total_matches",
    ),
    Column("reason", "VARCHAR", "What is wrong and what to do about it"),
]

TOTAL = [
    Column("source", "VARCHAR", "Raw source: the folder under the raw directory, one per source that states totals"),
    Column("file_path", "VARCHAR", "Path under the raw folder"),
    Column("sheet", "VARCHAR", "Sheet name (empty for csv)"),
    Column("row_number", "BIGINT", "Row number of the totals row"),
    Column("label", "VARCHAR", "The label cell, e.g. Jumlah, Total, Jawa Timur"),
    Column("scope", "VARCHAR", "all | regency (a Jumlah Kabupaten subtotal) | city (Jumlah Kota)"),
    Column("period", "DATE", "The month of the total, where the source's rows have a period"),
    Column("year", "INTEGER", "The year of the total, where the source's rows have a year"),
    Column("segment", "VARCHAR", "The segment of the total, or ALL for a Total column, where the rows have a segment"),
    Column("stated_value", "DOUBLE", "The figure the file states"),
]

PROVENANCE_COLUMNS = [c.name for c in PROVENANCE]
REJECTION_COLUMNS = [c.name for c in REJECTION]
TOTAL_COLUMNS = [c.name for c in TOTAL]
TOTAL_DIMENSIONS = ("period", "year", "segment")  # what a total is stated for, where the source's own rows have it


def total_dimensions(contract: type[pa.DataFrameModel]) -> list[str]:
    """The dimensions a source's totals are stated and compared for: those of TOTAL_DIMENSIONS its contract has."""
    fields = contract.to_schema().columns
    return [name for name in TOTAL_DIMENSIONS if name in fields]
