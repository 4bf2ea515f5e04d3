"""When the pipeline runs by itself: a file sensor, a nightly schedule, and eager automation downstream of staging.

Both the sensor and the schedule ask the one change detector (pipeline/defs/changes.py) what is missing or stale, as
`make run` does, after marking failed any run whose process is gone (pipeline/defs/runs.py):

- `raw_files_sensor` (every 30 s, `JAMSOSTEK_SENSOR_SECONDS`) observes the raw folders that are still (a file being
  copied in is not read half-written) and the working database, and requests whatever is missing or stale while no run
  is queued or in progress. It names no run key: a folder put back to an earlier version, or a file removed, is a
  difference between the raw folder and the warehouse and is built like any other. A request whose run failed is made
  again, after 5 minutes, then 10, 20, ... (at most every 6 hours), and at once when anything else changes.
- `nightly_build` at 01:00 WIB requests whatever is missing or stale, and skips when nothing is.
- Every asset below staging is `eager`: it follows its inputs after any run, e.g. one started by hand in the UI.
"""

import hashlib
import json
import time

import dagster as dg

from pipeline.defs.changes import (
    WORKING_DATABASE,
    definitions_specs,
    input_versions,
    observe,
    observed_keys,
    observed_version,
    raw_key,
    stale_or_missing,
)
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.runs import reap_ghost_runs, runs_in_progress
from pipeline.read.folders import content_version, folder_state
from pipeline.settings import sensor_seconds
from pipeline.sources import RAW_FOLDERS
from pipeline.warehouse.connection import working_identity

NIGHTLY_CRON = "0 1 * * *"
TIMEZONE = "Asia/Jakarta"
RETRY_SECONDS = 300  # the first new request after a run that failed; it doubles with each failure
RETRY_MAX_SECONDS = 6 * 3600

# Follow the inputs, but never build on top of a failed blocking check.
FOLLOW_INPUTS = (dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()).with_label(
    "eager, after blocking checks pass"
)


def what_to_build(instance: dg.DagsterInstance, warehouse_dir) -> dict[dg.AssetKey, str]:
    """Missing or stale assets, by the inputs as last observed."""
    return stale_or_missing(instance, definitions_specs(), observed_keys(), warehouse_dir)


def build_request(stale: dict[dg.AssetKey, str], trigger: str) -> dg.RunRequest:
    sources = sorted(k.path[1] for k in stale if k.path[0] == "staging")
    return dg.RunRequest(
        asset_selection=list(stale),
        tags={"trigger": trigger, **({"source": ",".join(sources)} if sources else {})},
    )


@dg.schedule(
    name="nightly_build",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=TIMEZONE,
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 01:00 WIB: materialise whatever is missing or stale (new raw files, changed code, a new "
    "working database), nothing else.",
)
def nightly_build(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    reap_ghost_runs(context.instance, context.log)
    observe(context.instance, input_versions(warehouse.raw_path(), warehouse.warehouse_path()))
    stale = what_to_build(context.instance, warehouse.warehouse_path())
    if not stale:
        return dg.SkipReason("nothing is missing or stale")
    context.log.info("; ".join(f"{k.to_user_string()}: {why}" for k, why in stale.items()))
    return build_request(stale, "nightly_build")


@dg.sensor(
    name="raw_files_sensor",
    minimum_interval_seconds=sensor_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    target=dg.AssetSelection.all(),
    description="Notices new, changed or deleted raw files and a new working database, and requests what is missing or "
    "stale (only the affected assets); a folder must be unchanged for one tick first, so a file still being copied in "
    "is not read half-written. A request whose run failed is made again, with growing pauses.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    instance, raw_dir, warehouse_dir = context.instance, warehouse.raw_path(), warehouse.warehouse_path()
    cursor = json.loads(context.cursor) if context.cursor else {}
    if reap_ghost_runs(instance, context.log):
        cursor.pop("request", None)  # a run that died with its process is no failure of the work: ask again at once
    states = {source: folder_state(raw_dir, source) for source in RAW_FOLDERS}
    still = [source for source in RAW_FOLDERS if states[source] == cursor.get("seen", {}).get(source)]
    cursor["seen"] = states
    checked = cursor.setdefault("checked", {})
    # A still folder's content is hashed only when it was touched since it was last hashed.
    versions = {raw_key(s): content_version(raw_dir, s) for s in still if checked.get(s) != states[s]}
    observe(instance, {**versions, WORKING_DATABASE: working_identity(warehouse_dir)})
    checked.update({s: states[s] for s in still})

    def result(skip: str, requests=()) -> dg.SensorResult:
        return dg.SensorResult(
            run_requests=list(requests),
            skip_reason=None if requests else skip,
            cursor=json.dumps(cursor, sort_keys=True),
        )

    if len(still) < len(RAW_FOLDERS):
        return result(f"waiting for {', '.join(sorted(set(RAW_FOLDERS) - set(still)))} to be still for one tick")
    if runs_in_progress(instance):
        return result("a run is queued or in progress")
    stale = what_to_build(instance, warehouse_dir)
    if not stale:
        cursor.pop("request", None)
        return result("the warehouse follows its raw folders")
    # The same stale assets from the same inputs as the last request: its run failed. Ask again, with growing pauses.
    signature = hashlib.sha256(
        repr(sorted((k.to_user_string(), why) for k, why in stale.items())).encode()
        + repr(sorted(instance_versions(instance).items())).encode()
    ).hexdigest()[:16]
    last = cursor.get("request") or {}
    attempts = last.get("attempts", 0) if last.get("signature") == signature else 0
    wait = min(RETRY_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS) if attempts else 0
    if time.time() < last.get("at", 0) + wait:
        return result(f"the last run for this failed; asking again after {wait // 60} minutes")
    cursor["request"] = {"signature": signature, "at": time.time(), "attempts": attempts + 1}
    context.log.info("; ".join(f"{k.to_user_string()}: {why}" for k, why in stale.items()))
    return result("", [build_request(stale, "raw_files_sensor")])


def instance_versions(instance: dg.DagsterInstance) -> dict[str, str | None]:
    return {key.to_user_string(): observed_version(instance, key) for key in observed_keys()}


automation_sensor = dg.AutomationConditionSensorDefinition(
    "automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_seconds(),
    description="Evaluates the assets' automation conditions (eager below staging); on by default.",
)
