"""The asset graph as Dagster sees it: keys, dependencies, checks and schedules (a snapshot)."""

from pipeline.definitions import defs

STAGING = ["staging/participation", "staging/potential", "staging/targets", "staging/workforce"]
EXPECTED_GRAPH = {
    "ref/regions": [],
    **{source: [] for source in STAGING},
    "dq/file_ledger": STAGING,
    "dq/rejected_rows": STAGING,
    "dq/stated_totals": ["ref/regions", "staging/participation", "staging/workforce"],
    "core/participation": ["ref/regions", "staging/participation"],
    "core/workforce": ["ref/regions", "staging/workforce"],
    "core/targets": ["staging/targets"],
    "core/potential": ["staging/potential"],
    "marts/coverage": ["core/participation", "core/workforce", "ref/regions"],
    "marts/coverage_potential": ["core/participation", "core/potential", "core/workforce", "ref/regions"],
    "marts/participation_trend": ["core/participation", "ref/regions"],
    "marts/target_progress": ["core/targets", "marts/coverage", "ref/regions"],
}  # fmt: skip
EXPECTED_GRAPH["analyst_warehouse"] = sorted(EXPECTED_GRAPH)
EXPECTED_GRAPH["exports"] = ["analyst_warehouse"]
EXPECTED_GRAPH["coverage_report"] = ["analyst_warehouse"]


def test_asset_graph():
    graph = defs.resolve_asset_graph()
    actual = {key.to_user_string(): sorted(p.to_user_string() for p in graph.get(key).parent_keys) for key in graph.get_all_asset_keys()}
    assert actual == EXPECTED_GRAPH


def test_checks_and_blocking():
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name): graph.get_check_spec(k).blocking for k in graph.asset_check_keys}
    assert checks[("marts/coverage", "unique_key")] is True
    assert checks[("marts/coverage", "coverage_within_0_100")] is False  # flagged, never hidden or blocking
    assert checks[("staging/participation", "every_file_reconciles")] is True
    assert all(asset in EXPECTED_GRAPH for asset, _ in checks)


def test_nightly_schedule():
    schedule = defs.resolve_schedule_def("nightly_build")
    assert schedule.cron_schedule == "0 1 * * *"
    assert schedule.execution_timezone == "Asia/Jakarta"
