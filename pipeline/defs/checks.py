"""Asset checks written in Python: every raw file reconciles in its staging tables, and every region alias is used.

The checks over dq, core and marts are dbt tests, shown by dagster-dbt as asset checks. As there, blocking checks
(ERROR) stop the tables built on top and the publishing of the analyst file; WARN checks flag without stopping.
"""

from dataclasses import dataclass

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.parse.regions import USER_ALIASES, load_aliases
from pipeline.settings import REFERENCE_DIR
from pipeline.sources import RAW_FOLDERS

EXAMPLES_SHOWN = 20


@dataclass(frozen=True)
class SqlCheck:
    table: str  # schema.table the check is about
    name: str
    description: str
    sql: str  # returns one row per problem
    blocking: bool = True


def _reconciles(source: str) -> SqlCheck:
    return SqlCheck(
        f"staging.{source}",
        "every_file_reconciles",
        f"For every {source} file: rows read = rows loaded + rows rejected + rows skipped, and the loaded and rejected rows are all there.",
        f"""WITH staged AS (SELECT file_path, count(*) AS n FROM staging.{source} GROUP BY file_path),
                 quarantined AS (SELECT file_path, count(*) AS n FROM staging.{source}_quarantine GROUP BY file_path)
            SELECT l.file_path, l.rows_read, l.rows_loaded, l.rows_rejected, l.rows_skipped,
                   coalesce(s.n, 0) AS rows_staged, coalesce(q.n, 0) AS rows_quarantined
            FROM staging.{source}_files l LEFT JOIN staged s USING (file_path) LEFT JOIN quarantined q USING (file_path)
            WHERE l.rows_read <> l.rows_loaded + l.rows_rejected + l.rows_skipped
               OR coalesce(s.n, 0) <> l.rows_loaded OR coalesce(q.n, 0) <> l.rows_rejected""",
    )


# The checks over dq, core and marts tables are dbt tests (sql/models/*/_*.yml, sql/tests/*.sql); these stay in
# Python because they are about what the Python ingest wrote, or need the alias files.
SQL_CHECKS = [_reconciles(source) for source in RAW_FOLDERS]


def build_check(check: SqlCheck) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(check.table.split(".")),
        name=check.name,
        description=check.description,
        blocking=check.blocking,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            problems = con.execute(check.sql).fetchdf()
        return dg.AssetCheckResult(
            passed=problems.empty,
            severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
            metadata={
                "failing_rows": len(problems),
                "examples": dg.MetadataValue.md(problems.head(EXAMPLES_SHOWN).to_markdown(index=False))
                if len(problems)
                else "none",
            },
        )

    return _check


@dg.asset_check(
    asset=dg.AssetKey(["dq", "file_ledger"]),
    name="every_alias_used",
    description="Every alias in data/reference/region_aliases.csv matched a row of some raw file; an unused alias may be a typo.",
    blocking=False,
)
def every_alias_used(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        used = {a for (a,) in con.execute("SELECT DISTINCT unnest(aliases_used) FROM dq.file_ledger").fetchall()}
        [(files_read,)] = con.execute("SELECT count(*) FROM dq.file_ledger WHERE status <> 'failed'").fetchall()
    if not files_read:  # an empty raw folder (a first build) has used no alias, and that says nothing about them
        return dg.AssetCheckResult(passed=True, metadata={"unused_aliases": 0, "examples": "no raw file read yet"})
    unused = [alias for alias, _ in load_aliases(REFERENCE_DIR, USER_ALIASES) if alias not in used]
    return dg.AssetCheckResult(
        passed=not unused,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unused_aliases": len(unused), "examples": ", ".join(unused[:EXAMPLES_SHOWN]) or "none"},
    )


asset_checks = [build_check(check) for check in SQL_CHECKS] + [every_alias_used]
