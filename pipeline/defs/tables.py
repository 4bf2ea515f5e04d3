"""core.* and marts.*: one asset per SQL file in sql/core and sql/marts; dependencies are read from the SQL."""

import re

import dagster as dg

from pipeline.defs.automation import FOLLOW_INPUTS
from pipeline.defs.metadata import code_version, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.settings import SQL_DIR
from pipeline.warehouse import run_sql_file, table_of

LAYERS = ("dq", "core", "marts")
TABLE_REFERENCE = re.compile(r"\b(ref|staging|core|marts|dq)\.([a-z_]+)\b")
# staging.participation_files, _quarantine and _totals are written by the staging/participation asset.
STAGING_COMPANION = re.compile(r"^staging\.([a-z]+)_(files|quarantine|totals)$")


def referenced_tables(sql: str) -> set[str]:
    """Tables a SQL file reads, from its text with comments and COMMENT ON statements removed."""
    code = re.sub(r"--[^\n]*", "", sql)
    code = re.sub(r"COMMENT ON .*?;", "", code, flags=re.IGNORECASE | re.DOTALL)
    tables = {f"{schema}.{name}" for schema, name in TABLE_REFERENCE.findall(code)}
    return {STAGING_COMPANION.sub(r"staging.\1", table) for table in tables}


def table_asset(relative: str) -> dg.AssetsDefinition:
    table = table_of(relative)
    sql = (SQL_DIR / relative).read_text(encoding="utf-8")
    description = re.search(r"COMMENT ON TABLE \S+ IS '((?:[^']|'')*)'", sql)
    deps = sorted(t for t in referenced_tables(sql) if t != table)

    @dg.asset(
        key=table.split("."),
        group_name=table.split(".")[0],
        deps=[dg.AssetKey(t.split(".")) for t in deps],
        kinds={"duckdb", "sql"},
        automation_condition=FOLLOW_INPUTS,
        code_version=code_version("sql/" + relative),
        description=(description.group(1).replace("''", "'") if description else table) + f"\n\nBuilt by sql/{relative}.",
    )
    def _table(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            run_sql_file(con, relative)
            return dg.MaterializeResult(metadata=table_metadata(con, table))

    return _table


table_assets = [
    table_asset(path.relative_to(SQL_DIR).as_posix()) for layer in LAYERS for path in sorted((SQL_DIR / layer).glob("*.sql"))
]
