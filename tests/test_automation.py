"""The one change detector (pipeline/defs/changes.py) as the nightly schedule and the raw-file sensor use it,
evaluated as the Dagster daemon would, and compared with Dagster's own stale-status resolver (the UI's)."""

import json
import os
import shutil
import time

import dagster as dg
import duckdb
import pytest
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.loader import LoadingContextForTest

from pipeline.definitions import defs
from pipeline.defs.automation import automation_sensor, nightly_build, raw_files_sensor
from pipeline.defs.changes import input_versions, observe, observed_keys, stale_or_missing
from pipeline.defs.resources import WarehouseResource
from pipeline.settings import sensor_seconds
from pipeline.sources import RAW_FOLDERS
from pipeline.warehouse.connection import analyst_path, working_path
from tests.conftest import DEMO_RAW, small_raw

MONTHS = ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv")
PARTICIPATION_AND_DOWNSTREAM = {
    "staging/participation",
    "core/participation",
    "dq/file_ledger",
    "dq/conflicting_figures",
    "dq/rejected_rows",
    "dq/stated_totals",
    "marts/coverage",
    "marts/coverage_map",
    "marts/coverage_potential",
    "marts/participation_trend",
    "marts/target_series",
    "marts/projection_backtest",
    "marts/target_progress",
    "marts/target_plan",
    "marts/statement_checks",
    "analyst_warehouse",
    "exports",
    "coverage_report",
    "data_catalog",
}
MATERIALISABLE = {k.to_user_string() for k in defs.resolve_asset_graph().materializable_asset_keys}


@pytest.fixture
def project(tmp_path, monkeypatch):
    raw = small_raw(tmp_path / "raw", MONTHS)
    # The folders from the environment, as a service has them (a job given its own resources cannot be subset).
    monkeypatch.setenv("JAMSOSTEK_RAW_DIR", str(raw))
    monkeypatch.setenv("JAMSOSTEK_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    warehouse = WarehouseResource()
    with dg.instance_for_test() as instance:
        yield raw, warehouse, instance


def evaluate_schedule(instance, warehouse):
    # The warehouse resource has a lifecycle (a run's build lock), so its contexts are opened as context managers.
    with dg.build_schedule_context(
        instance=instance, resources={"warehouse": warehouse}, repository_def=defs.get_repository_def()
    ) as context:
        return nightly_build(context)


def materialise(instance, warehouse, selection=None):
    job = defs.resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, asset_selection=selection, raise_on_error=False)


def keys(request) -> set[str]:
    return {k.to_user_string() for k in request.asset_selection}


def stale_now(instance, warehouse) -> dict:
    observe(instance, input_versions(warehouse.raw_path(), warehouse.warehouse_path()))
    return stale_or_missing(instance, list(defs.resolve_all_asset_specs()), observed_keys(), warehouse.warehouse_path())


def test_both_sensors_tick_as_often_as_the_setting_says(monkeypatch):
    assert raw_files_sensor.minimum_interval_seconds == automation_sensor.minimum_interval_seconds == sensor_seconds()
    monkeypatch.delenv("JAMSOSTEK_SENSOR_SECONDS", raising=False)
    assert sensor_seconds() == 30
    monkeypatch.setenv("JAMSOSTEK_SENSOR_SECONDS", "5")
    assert sensor_seconds() == 5
    for refused in ("4", "0", "-30", "7.5", "30s"):  # Dagster's sensor loop runs at most every 5 s
        monkeypatch.setenv("JAMSOSTEK_SENSOR_SECONDS", refused)
        with pytest.raises(ValueError, match=f"JAMSOSTEK_SENSOR_SECONDS='{refused}'"):
            sensor_seconds()


def test_nightly_schedule_builds_what_is_missing_then_only_what_is_stale(project):
    raw, warehouse, instance = project
    first = evaluate_schedule(instance, warehouse)
    assert isinstance(first, dg.RunRequest) and keys(first) == MATERIALISABLE

    assert materialise(instance, warehouse).success
    assert isinstance(evaluate_schedule(instance, warehouse), dg.SkipReason)

    # A changed raw file: exactly the participation staging asset and what is downstream of it.
    path = raw / "participation" / MONTHS[1]
    path.write_text(path.read_text(encoding="utf-8").replace(",PU,", ",Penerima Upah,", 1), encoding="utf-8")
    changed = evaluate_schedule(instance, warehouse)
    assert keys(changed) == PARTICIPATION_AND_DOWNSTREAM
    agrees_with_dagster(instance, stale_now(instance, warehouse))

    assert materialise(instance, warehouse).success
    assert isinstance(evaluate_schedule(instance, warehouse), dg.SkipReason)

    # Changed SQL (a new code version) of marts/coverage: it and what is downstream of it, nothing upstream. (The last
    # materialisation is recorded as made by other code, which is what Dagster sees after an edit.)
    coverage = dg.AssetKey(["marts", "coverage"])
    event = instance.get_latest_materialization_event(coverage).asset_materialization
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key=coverage, tags={**event.tags, "dagster/code_version": "before-the-edit"})
    )
    stale = stale_now(instance, warehouse)
    assert {k.to_user_string() for k in stale} == {
        "marts/coverage",
        "marts/coverage_map",
        "marts/target_series",
        "marts/projection_backtest",
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


def settle(instance, warehouse, cursor, ticks=2):
    """The sensor's requests over a few ticks (a changed folder waits one tick to be still)."""
    requests = []
    for _ in range(ticks):
        result, cursor = evaluate_sensor(instance, warehouse, cursor)
        requests += result.run_requests
    return requests, cursor


def test_sensor_requests_what_is_missing_or_stale_once_and_again_after_a_failure(project):
    raw, warehouse, instance = project
    result, cursor = evaluate_sensor(instance, warehouse, None)
    assert result.run_requests == []  # first look: wait one tick, a copy may be in progress
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    # Nothing was built yet: everything, in one run, not one per folder.
    [request] = result.run_requests
    assert keys(request) == MATERIALISABLE and set(request.tags["source"].split(",")) == set(RAW_FOLDERS)
    assert request.run_key is None  # a run key would hide a folder put back to an earlier version
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert result.run_requests == []  # its run has not succeeded yet: not requested twice in a row

    # The run failed (nothing was built): after the pause, the same work is requested again.
    state = json.loads(cursor)
    state["request"]["at"] -= 3600
    cursor = json.dumps(state)
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    [again] = result.run_requests
    assert keys(again) == MATERIALISABLE

    assert materialise(instance, warehouse).success
    assert settle(instance, warehouse, cursor)[0] == []  # built: quiet
    # A daemon started after a build (`make run`, then the service) has an empty cursor: it compares the folders with
    # what was built, and asks for nothing.
    assert settle(instance, warehouse, None, ticks=3)[0] == []

    shutil.copy(DEMO_RAW / "participation" / "2021-11_kepesertaan_jatim.csv", raw / "participation")
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    assert result.run_requests == []  # the folder just changed: wait until it is still
    result, cursor = evaluate_sensor(instance, warehouse, cursor)
    [request] = result.run_requests
    assert keys(request) == PARTICIPATION_AND_DOWNSTREAM and request.tags["source"] == "participation"
    # The same from an empty cursor (the daemon restarted since): only the new file's work.
    _, fresh_cursor = evaluate_sensor(instance, warehouse, None)
    fresh, _ = evaluate_sensor(instance, warehouse, fresh_cursor)
    assert [keys(r) for r in fresh.run_requests] == [PARTICIPATION_AND_DOWNSTREAM]
    assert materialise(instance, warehouse, request.asset_selection).success

    # Touching a file changes its time but not its content: no new work.
    path = raw / "participation" / MONTHS[0]
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert settle(instance, warehouse, cursor, ticks=3)[0] == []

    # The new file removed: the folder is back to a version built before, and it is built again all the same.
    (raw / "participation" / "2021-11_kepesertaan_jatim.csv").unlink()
    requests, cursor = settle(instance, warehouse, cursor)
    assert [keys(r) for r in requests] == [PARTICIPATION_AND_DOWNSTREAM]


def damage(path):
    with open(path, "r+b") as f:
        f.write(b"\0" * 4096)


def test_after_each_fault_the_sensor_and_the_schedule_ask_for_what_it_needs(project):
    """One built project through three faults in turn. Every other fault to the working database (deleted, set aside,
    restored) changes the same identity as a damaged one: tests/test_connection.py."""
    raw, warehouse, instance = project
    assert materialise(instance, warehouse).success

    # The analyst file deleted, then copied back from a backup: only the publishing steps.
    analyst = analyst_path(warehouse.warehouse_path())
    analyst.unlink()
    assert set(k.to_user_string() for k in stale_now(instance, warehouse)) == {
        "analyst_warehouse",
        "exports",
        "coverage_report",
        "data_catalog",
    }
    requests, _ = settle(instance, warehouse, None)
    assert materialise(instance, warehouse, requests[0].asset_selection).success and analyst.exists()
    shutil.copy(analyst, analyst.with_name("backup"))
    os.replace(analyst.with_name("backup"), analyst)  # copied back from a backup: maybe older than the build
    assert dg.AssetKey(["analyst_warehouse"]) in stale_now(instance, warehouse)

    # A damaged working database: everything, from the sensor and the schedule alike, then quiet again.
    damage(working_path(warehouse.warehouse_path()))
    shutil.copy(DEMO_RAW / "participation" / "2021-11_kepesertaan_jatim.csv", raw / "participation")
    requests, _ = settle(instance, warehouse, None)
    assert [keys(r) for r in requests] == [MATERIALISABLE]
    assert keys(evaluate_schedule(instance, warehouse)) == MATERIALISABLE
    assert materialise(instance, warehouse, requests[0].asset_selection).success
    assert settle(instance, warehouse, None, ticks=3)[0] == []  # healed: quiet again
    with duckdb.connect(str(analyst), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dq.file_ledger WHERE file_path LIKE '%2021-11%'").fetchone() == (1,)

    # The working database gone under a partial run: the run stops, and the next one builds everything.
    working_path(warehouse.warehouse_path()).unlink()
    partial = materialise(instance, warehouse, [dg.AssetKey(["staging", "participation"])])
    assert not partial.success
    [failure] = [e for e in partial.all_events if e.event_type_value == "STEP_FAILURE"] or [None]
    assert failure is None or "created anew" in str(failure.event_specific_data.error)
    assert set(k.to_user_string() for k in stale_now(instance, warehouse)) == MATERIALISABLE
