"""The asset graph as Dagster sees it (keys, groups, dependencies, checks, automation), as a reviewed snapshot.

A change to the graph fails this test until the snapshot is regenerated on purpose:
UPDATE_SNAPSHOTS=1 make test, then review the diff of tests/snapshots/asset_graph.json.
"""

import json
import os
from pathlib import Path

from pipeline.definitions import defs
from pipeline.sources import RAW_FOLDERS

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def graph_snapshot() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        condition = node.automation_condition
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "kind": "observable source" if node.is_observable else "materializable",
            "has_code_version": node.code_version is not None,
            "automation": condition.get_label() if condition is not None else None,
            "checks": sorted(
                f"{k.name}{' (blocking)' if graph.get_check_spec(k).blocking else ''}"
                for k in graph.asset_check_keys
                if k.asset_key == key
            ),
        }
    return {
        "assets": assets,
        "schedules": {s.name: f"{s.cron_schedule} {s.execution_timezone}" for s in defs.schedules},
        "sensors": sorted(s.name for s in defs.sensors),
    }


def test_asset_graph_matches_the_snapshot():
    current = graph_snapshot()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_materialised_asset_is_versioned_and_raw_folders_are_observed():
    assets = graph_snapshot()["assets"]
    assert all(a["has_code_version"] for a in assets.values() if a["kind"] == "materializable")
    assert {k for k, a in assets.items() if a["kind"] == "observable source"} == {f"raw/{s}" for s in RAW_FOLDERS} | {
        "warehouse/working_database"
    }
    assert assets["marts/coverage"]["automation"] == "eager, after blocking checks pass"
    assert "coverage_within_0_100" in assets["marts/coverage"]["checks"]  # flagged, never blocking
    assert "unique_key (blocking)" in assets["marts/coverage"]["checks"]


def test_folders_key_and_dbt_are_not_run_configuration():
    """A launch (UI, GraphQL, schedule) that tries to point the build at other folders, or dbt at another executable,
    is refused before anything runs: the office's key would otherwise pseudonymise NIKs of the caller's choosing."""
    import dagster as dg
    import pytest

    job = defs.resolve_implicit_global_asset_job_def()
    for resource, config in (
        ("warehouse", {"raw_dir": "/tmp/mine", "warehouse_dir": "/tmp/mine"}),
        ("dbt", {"dbt_executable": "/bin/sh"}),
    ):
        with pytest.raises(dg.DagsterInvalidConfigError, match="unexpected config entr"):
            dg.validate_run_config(job, {"resources": {resource: {"config": config}}})
    assert dg.validate_run_config(job, {})  # the launch the UI makes
