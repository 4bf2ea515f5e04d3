"""The nightly schedule and the raw-file sensor, evaluated as the Dagster daemon would."""

import os
import shutil
import time

import dagster as dg
import pytest
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.loader import LoadingContextForTest

from pipeline.definitions import defs
from pipeline.defs.automation import nightly_build, raw_files_sensor, stale_or_missing
from pipeline.defs.resources import WarehouseResource
from pipeline.sources import RAW_FOLDERS
from tests.conftest import DEMO_RAW, small_raw

MONTHS = ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv")
PARTICIPATION_AND_DOWNSTREAM = {
    "staging/participation",
    "core/participation",
    "dq/file_ledger",
    "dq/rejected_rows",
    "dq/stated_totals",
    "marts/coverage",
    "marts/coverage_potential",
    "marts/participation_trend",
    "marts/target_series",
    "marts/target_progress",
    "marts/target_plan",
    "marts/statement_checks",
    "analyst_warehouse",
    "exports",
    "coverage_report",
    "data_catalog",
}


@pytest.fixture
def project(tmp_path):
    raw = small_raw(tmp_path / "raw", MONTHS)
    warehouse = WarehouseResource(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    with dg.instance_for_test() as instance:
        yield raw, warehouse, instance


def evaluate_schedule(instance, warehouse):
    # The warehouse resource has a lifecycle (a run's build lock), so its contexts are opened as context managers.
    with dg.build_schedule_context(
        instance=instance, resources={"warehouse": warehouse}, repository_def=defs.get_repository_def()
    ) as context:
        return nightly_build(context)


def materialise(instance, warehouse):
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=instance, resources={"warehouse": warehouse})
    assert result.success


def keys(request) -> set[str]:
    return {k.to_user_string() for k in request.asset_selection}


def test_nightly_schedule_builds_what_is_missing_then_only_what_is_stale(project):
    raw, warehouse, instance = project
    first = evaluate_schedule(instance, warehouse)
    materialisable = {k.to_user_string() for k in defs.resolve_asset_graph().materializable_asset_keys}
    assert isinstance(first, dg.RunRequest) and keys(first) == materialisable

    materialise(instance, warehouse)
    assert isinstance(evaluate_schedule(instance, warehouse), dg.SkipReason)

    # A changed raw file: exactly the participation staging asset and what is downstream of it.
    path = raw / "participation" / MONTHS[1]
    path.write_text(path.read_text(encoding="utf-8").replace(",PU,", ",Penerima Upah,", 1), encoding="utf-8")
    changed = evaluate_schedule(instance, warehouse)
    assert keys(changed) == PARTICIPATION_AND_DOWNSTREAM
    agrees_with_dagster(instance, stale_or_missing(instance, defs.resolve_asset_graph(), raw))

    materialise(instance, warehouse)
    assert isinstance(evaluate_schedule(instance, warehouse), dg.SkipReason)

    # Changed SQL (a new code version) of marts/coverage: it and what is downstream of it, nothing upstream. (The last
    # materialisation is recorded as made by other code, which is what Dagster sees after an edit.)
    coverage = dg.AssetKey(["marts", "coverage"])
    event = instance.get_latest_materialization_event(coverage).asset_materialization
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key=coverage, tags={**event.tags, "dagster/code_version": "before-the-edit"})
    )
    stale = stale_or_missing(instance, defs.resolve_asset_graph(), raw)
    assert {k.to_user_string() for k in stale} == {
        "marts/coverage",
        "marts/target_series",
        "marts/target_progress",
        "marts/target_plan",
        "marts/statement_checks",
        "marts/coverage_potential",
        "analyst_warehouse",
        "exports",
        "coverage_report",
        "data_catalog",
    }
    assert stale[coverage] == "code version changed"
    agrees_with_dagster(instance, stale)


def agrees_with_dagster(instance, stale: dict):
    """What `make refresh` and the nightly schedule select is what Dagster's UI calls missing or stale, and what is
    downstream of it (which will be stale as soon as that is rebuilt)."""
    graph = defs.resolve_asset_graph()
    resolver = CachingStaleStatusResolver(instance, graph, LoadingContextForTest(instance))
    dagster = {k for k in graph.materializable_asset_keys if resolver.get_status(k) != StaleStatus.FRESH}
    assert dagster <= set(stale)
    assert (
        set(stale)
        == set(dg.AssetSelection.assets(*dagster).downstream().resolve(graph)) & graph.materializable_asset_keys
    )


def evaluate_sensor(instance, warehouse, cursor):
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"warehouse": warehouse}, repository_def=defs.get_repository_def()
    ) as context:
        result = raw_files_sensor(context)
    return result, result.cursor


def test_sensor_requests_only_affected_work_once_per_content_version(project):
    raw, warehouse, instance = project
    result, cursor = evaluate_sensor(instance, warehouse, None)
    assert result.run_requests == []  # first look: wait one tick, a copy may be in progress
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    # Nothing was built yet: every folder (the empty ones too) is new, and all of them go in one run, not one per folder.
    folders = set(RAW_FOLDERS)
    [request] = result.run_requests
    assert set(request.tags["source"].split(",")) == folders
    assert {e.asset_key.to_user_string() for e in result.asset_events} == {f"raw/{f}" for f in folders}
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert result.run_requests == []  # nothing changed: nothing requested twice

    shutil.copy(DEMO_RAW / "participation" / "2021-11_kepesertaan_jatim.csv", raw / "participation")
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert result.run_requests == []  # the folder just changed: wait until it is still
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    [request] = result.run_requests
    assert keys(request) == PARTICIPATION_AND_DOWNSTREAM
    assert request.run_key.startswith("participation:")

    # Touching a file changes its time but not its content: no new work.
    path = raw / "participation" / MONTHS[0]
    os.utime(path, (time.time() + 5, time.time() + 5))
    for _ in range(2):
        result, cursor = evaluate_sensor(instance, warehouse, cursor)
        assert result.run_requests == []

    path.unlink()  # a deleted file is a change too: its rows must leave the warehouse
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert result.run_requests == []
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert [r.tags["source"] for r in result.run_requests] == ["participation"]


def test_a_daemon_started_after_a_build_requests_nothing(project):
    """`make run`, then the daemon starts with an empty cursor: the sensor compares the folders with what was built."""
    raw, warehouse, instance = project
    materialise(instance, warehouse)
    result, cursor = evaluate_sensor(instance, warehouse, None)
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert result.run_requests == []
    shutil.copy(DEMO_RAW / "participation" / "2021-11_kepesertaan_jatim.csv", raw / "participation")
    for _ in range(2):
        result, cursor = evaluate_sensor(instance, warehouse, cursor)
    [request] = result.run_requests
    assert request.tags["source"] == "participation" and keys(request) == PARTICIPATION_AND_DOWNSTREAM
