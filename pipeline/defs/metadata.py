"""Asset metadata from the warehouse itself: row count, column descriptions (COMMENT ON) and a preview."""

import hashlib
from pathlib import Path

import dagster as dg
import duckdb

from pipeline import warehouse
from pipeline.settings import PROJECT_ROOT


def table_metadata(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    described = warehouse.describe(con, table)
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, str(data_type), description=comment) for name, data_type, comment in described["columns"]]
    )
    return {
        "dagster/row_count": described["row_count"],
        "dagster/column_schema": schema,
        "dagster/table_name": table,
        "preview": dg.MetadataValue.md(described["preview"].to_markdown(index=False)),
    }


def code_version(*paths: Path | str) -> str:
    """A version that changes when any of these files (SQL, Python, reference data) changes."""
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path) if Path(path).is_absolute() else PROJECT_ROOT / path
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(PROJECT_ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
