"""Asset checks over warehouse tables, as DuckDB SQL: each query returns the offending rows (none = pass).

Blocking checks (ERROR) stop the tables built on top and the publishing of the analyst file; WARN checks flag
figures for a person to look at without stopping the build.
"""

from dataclasses import dataclass

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.ingest import RAW_FOLDERS
from pipeline.regions import USER_ALIASES, load_aliases
from pipeline.settings import REFERENCE_DIR

EXAMPLES_SHOWN = 20


@dataclass(frozen=True)
class SqlCheck:
    table: str  # schema.table the check is about
    name: str
    description: str
    sql: str  # returns one row per problem
    blocking: bool = True


def _unique(table: str, key: str) -> SqlCheck:
    return SqlCheck(
        table, "unique_key", f"No two rows of {table} share ({key}).",
        f"SELECT {key}, count(*) AS copies FROM {table} GROUP BY {key} HAVING count(*) > 1",
    )  # fmt: skip


def _regions_known(table: str) -> SqlCheck:
    return SqlCheck(
        table, "region_codes_known", f"Every region_code in {table} is in ref.regions.",
        f"SELECT DISTINCT t.region_code FROM {table} t ANTI JOIN ref.regions r USING (region_code)",
    )  # fmt: skip


def _reconciles(source: str) -> SqlCheck:
    return SqlCheck(
        f"staging.{source}", "every_file_reconciles",
        f"For every {source} file: rows read = rows loaded + rows rejected + rows skipped, and the loaded and rejected rows are all there.",
        f"""WITH staged AS (SELECT file_path, count(*) AS n FROM staging.{source} GROUP BY file_path),
                 quarantined AS (SELECT file_path, count(*) AS n FROM staging.{source}_quarantine GROUP BY file_path)
            SELECT l.file_path, l.rows_read, l.rows_loaded, l.rows_rejected, l.rows_skipped,
                   coalesce(s.n, 0) AS rows_staged, coalesce(q.n, 0) AS rows_quarantined
            FROM staging.{source}_files l LEFT JOIN staged s USING (file_path) LEFT JOIN quarantined q USING (file_path)
            WHERE l.rows_read <> l.rows_loaded + l.rows_rejected + l.rows_skipped
               OR coalesce(s.n, 0) <> l.rows_loaded OR coalesce(q.n, 0) <> l.rows_rejected""",
    )  # fmt: skip


SQL_CHECKS = [
    *[_reconciles(source) for source in RAW_FOLDERS],
    _regions_known("core.participation"),
    _regions_known("core.workforce"),
    _regions_known("core.targets"),
    _unique("core.participation", "period, region_code, segment"),
    _unique("core.workforce", "year, region_code"),
    _unique("marts.coverage", "period, region_code, segment"),
    _regions_known("marts.coverage"),
    SqlCheck(
        "marts.coverage", "coverage_within_0_100",
        "coverage_pct lies within 0-100. A figure above 100 is kept in the table and flagged here: a denominator or a participant count is wrong.",
        "SELECT period, region_code, region_name, segment, active_participants, workforce, workforce_year, coverage_pct "
        "FROM marts.coverage WHERE coverage_pct < 0 OR coverage_pct > 100 ORDER BY coverage_pct DESC",
        blocking=False,
    ),  # fmt: skip
    SqlCheck(
        "marts.coverage", "all_includes_pu_and_bpu",
        "An ALL figure includes both PU and BPU. ALL is the sum of the segments reported and keeps its coverage_pct; "
        "one without PU or BPU is listed here because it may understate coverage.",
        "SELECT period, region_code, region_name, segments_reported, active_participants, workforce, coverage_pct "
        "FROM marts.coverage WHERE segment = 'ALL' "
        "AND NOT (list_contains(string_split(segments_reported, ','), 'PU') AND list_contains(string_split(segments_reported, ','), 'BPU')) "
        "ORDER BY period, region_code",
        blocking=False,
    ),  # fmt: skip
    SqlCheck(
        "core.participation", "province_report_matches_kabkota_sum",
        "A province figure reported directly is within 1% of the sum of its kab/kota where both exist.",
        "SELECT period, region_code, segment, active_participants AS reported, kabkota_sum, regions_reporting, regions_expected, "
        "round(100.0 * (active_participants - kabkota_sum) / kabkota_sum, 2) AS difference_pct "
        "FROM core.participation WHERE participants_source = 'reported' AND kabkota_sum > 0 "
        "AND abs(active_participants - kabkota_sum) > 0.01 * kabkota_sum",
        blocking=False,
    ),  # fmt: skip
    SqlCheck(
        "core.participation", "month_on_month_within_20pct",
        "Active participants of a region and segment change by at most 20% from one month to the next (complete figures only).",
        "SELECT c.period, c.region_code, c.segment, prev.active_participants AS previous_month, c.active_participants, "
        "round(100.0 * (c.active_participants - prev.active_participants) / prev.active_participants, 1) AS change_pct "
        "FROM core.participation c JOIN core.participation prev ON prev.region_code = c.region_code AND prev.segment = c.segment "
        "AND prev.period = c.period - INTERVAL 1 MONTH "
        "WHERE c.is_complete AND prev.is_complete AND c.segments_reported = prev.segments_reported AND prev.active_participants > 0 "
        "AND abs(c.active_participants - prev.active_participants) > 0.2 * prev.active_participants ORDER BY abs(change_pct) DESC",
        blocking=False,
    ),  # fmt: skip
    SqlCheck(
        "dq.stated_totals", "totals_match_loaded_rows",
        "Every totals row of a raw file is within 0.5% of the sum of the rows loaded from the same sheet.",
        "SELECT file_path, sheet, row_number, label, period, year, segment, stated_value, loaded_sum, round(difference_pct, 2) AS difference_pct "
        "FROM dq.stated_totals WHERE loaded_sum IS NULL OR abs(difference_pct) > 0.5 ORDER BY file_path, row_number",
        blocking=False,
    ),  # fmt: skip
    SqlCheck(
        "marts.coverage_potential", "potential_within_bps_employed",
        "A potential-worker denominator is not larger than all employed persons BPS counts in the region.",
        "SELECT period, region_code, region_name, segment, active_participants, workforce AS potential_workers, "
        "denominator_source, bps_employed, bps_year, round(coverage_pct, 2) AS coverage_pct "
        "FROM marts.coverage_potential WHERE exceeds_bps_employed ORDER BY period, region_code",
        blocking=False,
    ),  # fmt: skip
    SqlCheck(
        "marts.statement_checks", "statements_hold_up",
        "Every published statement holds up: its arithmetic, its segments, its participants and coverage against the warehouse, "
        "and its denominator against BPS. A failing statement should not be repeated before it is corrected.",
        "SELECT statement_id, region_name, stated_as_of, source, problem_count, verdict "
        "FROM marts.statement_checks WHERE problem_count > 0 ORDER BY period, region_code",
        blocking=False,
    ),  # fmt: skip
    _unique("marts.statement_checks", "statement_id"),
    _unique("marts.coverage_potential", "period, region_code, segment"),
    _unique("marts.participation_trend", "period, region_code, segment"),
    _unique("marts.target_progress", "target_id"),
]


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
                "examples": dg.MetadataValue.md(problems.head(EXAMPLES_SHOWN).to_markdown(index=False)) if len(problems) else "none",
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
    unused = [alias for alias, _ in load_aliases(REFERENCE_DIR, USER_ALIASES) if alias not in used]
    return dg.AssetCheckResult(
        passed=not unused,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unused_aliases": len(unused), "examples": ", ".join(unused[:EXAMPLES_SHOWN]) or "none"},
    )


asset_checks = [build_check(check) for check in SQL_CHECKS] + [every_alias_used]
