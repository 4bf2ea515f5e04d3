"""docs/warehouse.md, generated from the warehouse's own COMMENT ON metadata: `make docs`.

tests/test_dictionary.py fails when an analyst-facing column has no comment or when the committed document is
out of date, so the document and the tables cannot drift apart.
"""

from __future__ import annotations

import sys

import duckdb

from pipeline.ingest.chunked import ChunkedSource
from pipeline.ingest.declared_tables import staging_tables
from pipeline.settings import PROJECT_ROOT, warehouse_dir
from pipeline.sources import SOURCES
from pipeline.warehouse.connection import analyst_path, read_only

ANALYST_SCHEMAS = ("marts", "ref", "dq")
DOCUMENT = PROJECT_ROOT / "docs" / "warehouse.md"

EXAMPLE_QUERIES = [
    (
        "Coverage by region and segment (Kota Probolinggo, September 2021)",
        "SELECT region_name, segment, active_participants, workforce, workforce_basis, workforce_year, round(coverage_pct, 2) AS coverage_pct\n"
        "FROM marts.coverage\nWHERE region_code = '35.74' AND period = DATE '2021-09-01'\nORDER BY segment;",
    ),
    (
        "Coverage of every kab/kota of a province in the latest month",
        "SELECT region_name, active_participants, workforce, round(coverage_pct, 1) AS coverage_pct\n"
        "FROM marts.coverage\nWHERE province_code = '35' AND region_level IN ('regency', 'city') AND segment = 'ALL'\n"
        "  AND period = (SELECT max(period) FROM marts.coverage WHERE province_code = '35')\nORDER BY coverage_pct DESC;",
    ),
    (
        "Targets at risk or off track",
        "SELECT target_id, region_name, segment, metric, target_value, deadline, current_value, as_of,\n"
        "       required_monthly_change, recent_monthly_change, projected_at_deadline, status, source\n"
        "FROM marts.target_progress\nWHERE status IN ('at_risk', 'off_track')\nORDER BY deadline;",
    ),
    (
        "Growth by segment over the last year (Jawa Timur)",
        "SELECT period, segment, active_participants, yoy_change, round(yoy_pct, 1) AS yoy_pct\n"
        "FROM marts.participation_trend\nWHERE region_code = '35' AND period = (SELECT max(period) FROM marts.participation_trend WHERE region_code = '35')\n"
        "ORDER BY segment;",
    ),
    (
        "Denominators that cannot be true",
        "SELECT period, region_name, segment, workforce AS potential_workers, denominator_source, bps_employed, round(coverage_pct, 2) AS coverage_pct\n"
        "FROM marts.coverage_potential\nWHERE exceeds_bps_employed;",
    ),
    (
        "What was rejected, and why",
        "SELECT file_path, sheet, row_number, column_name, value, check_name, reason\nFROM dq.rejected_rows\nORDER BY file_path, row_number;",
    ),
    (
        "Files that did not load completely",
        "SELECT file_path, status, rows_read, rows_loaded, rows_rejected, rows_skipped, error\nFROM dq.file_ledger\n"
        "WHERE status IN ('partial', 'failed', 'kept');",
    ),
]

CONNECTING = """## Connecting

The analyst file is `data/warehouse/jamsostek.duckdb` (or `$JAMSOSTEK_WAREHOUSE_DIR/jamsostek.duckdb`). Always
open it **read-only**: the nightly build never writes to it directly, but a read-write session would stop the
next publish. The file is replaced atomically after every successful build: an open session keeps the snapshot
it opened, a new connection sees the new data. It is written in DuckDB storage version v1.0.0, so DuckDB clients
from 1.0 on (including the duckdb CLI 1.5 and DBeaver's DuckDB driver) open it.

- **SQL shell**: `make sql` (the DuckDB CLI, read-only).
- **Python**:
  ```python
  import duckdb
  con = duckdb.connect("data/warehouse/jamsostek.duckdb", read_only=True)
  con.sql("FROM marts.target_progress").df()
  ```
- **R**:
  ```r
  library(DBI)
  con <- dbConnect(duckdb::duckdb(), dbdir = "data/warehouse/jamsostek.duckdb", read_only = TRUE)
  dbGetQuery(con, "SELECT * FROM marts.target_progress")
  ```
- **DBeaver**: New connection → DuckDB → Path: the analyst file; in *Driver properties* set `duckdb.read_only`
  to `true` (or add `?access_mode=READ_ONLY` to the JDBC URL `jdbc:duckdb:/path/to/jamsostek.duckdb`).
- **Excel**: open `data/warehouse/exports/jamsostek_marts.xlsx` (targets, the plan, statement checks, the latest 25
  months of coverage and trend, vulnerable workers by region and funding source; refreshed after every build), or
  use the DuckDB ODBC driver with `access_mode=READ_ONLY`. Double payments per funding source:
  `data/warehouse/exports/funding_overlaps/<APBD|DBHCHT|CSR>.csv`.
- **Parquet**: `data/warehouse/exports/parquet/*.parquet`, one file per mart, every row.
"""


def render(con: duckdb.DuckDBPyConnection) -> str:
    tables = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        f"WHERE database_name = current_database() AND schema_name IN {ANALYST_SCHEMAS} ORDER BY schema_name <> 'marts', schema_name, table_name"
    ).fetchall()
    lines = [
        "# Warehouse data dictionary",
        "",
        "<!-- Generated by `make docs` (pipeline/outputs/dictionary.py) from the tables' COMMENT ON metadata and the source registry. Do not edit by hand. -->",
        "",
        "Analyst-facing tables of the DuckDB warehouse: `marts` (the figures), `ref` (reference data) and `dq` (data",
        "quality). `core` and `staging` hold intermediate rows with provenance; `DESCRIBE` shows their comments too.",
        "",
        CONNECTING,
        *raw_folders(),
        "## Tables",
        "",
    ]
    lines += [f"- [`{s}.{t}`](#{s}{t})" for s, t, _ in tables]
    for schema, table, comment in tables:
        lines += [
            "",
            f"### `{schema}.{table}`",
            "",
            comment or "(no description)",
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        for name, data_type, column_comment in con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, table],
        ).fetchall():
            lines.append(f"| `{name}` | {data_type} | {(column_comment or '').replace('|', '/')} |")
    lines += ["", "## Example queries", ""]
    for title, sql in EXAMPLE_QUERIES:
        lines += [f"### {title}", "", "```sql", sql, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def raw_folders() -> list[str]:
    """The raw folders the build reads, from the source registry (pipeline/sources)."""
    lines = [
        "## Raw folders",
        "",
        "What each folder under `data/raw/` (`$JAMSOSTEK_RAW_DIR`) holds, the header fields a file must have (accepted",
        "names: `data/reference/header_synonyms.toml`, one section per folder), and where its rows land.",
        "",
        "| folder | holds | required header fields | read | staging tables |",
        "|---|---|---|---|---|",
    ]
    for name, source in SOURCES.items():
        fields = "; ".join(" or ".join(f"`{f}`" for f in group) for group in source.required)
        mode = "in chunks, column-wise" if isinstance(source, ChunkedSource) else "whole, row by row"
        lines.append(
            f"| `{name}/` | {source.description} | {fields} | {mode} | `staging.{name}`, `_files`, `_quarantine`, `_totals` |"
        )
    lines += ["", "The staged rows of each folder, as its source declares them (`pipeline/sources/<folder>.py`):", ""]
    for source in SOURCES.values():
        staged = staging_tables(source)[0]
        lines += [
            f"### `{staged.name}`",
            "",
            staged.description,
            "",
            "| column | type | description |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.name}` | {c.sql_type} | {c.description.replace('|', '/')} |" for c in staged.columns]
        lines.append("")
    return lines


def undocumented(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Analyst-facing tables and columns without a COMMENT ON."""
    return [
        row[0]
        for row in con.execute(
            "SELECT t.schema_name || '.' || t.table_name || coalesce('.' || c.column_name, '') "
            "FROM duckdb_tables() t LEFT JOIN duckdb_columns() c USING (database_name, schema_name, table_name) "
            f"WHERE t.database_name = current_database() AND t.schema_name IN {ANALYST_SCHEMAS} "
            "AND (t.comment IS NULL OR c.comment IS NULL)"
        ).fetchall()
    ]


def main() -> int:
    path = analyst_path(warehouse_dir())
    if not path.exists():
        print(f"{path} does not exist yet: run `make run` first")
        return 1
    con = read_only(path)
    try:
        missing = undocumented(con)
        if missing:
            print("columns without COMMENT ON:", ", ".join(missing))
            return 1
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(render(con), encoding="utf-8")
    finally:
        con.close()
    print(f"wrote {DOCUMENT.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
