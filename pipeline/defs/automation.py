"""When the pipeline runs by itself: a file sensor, a nightly schedule, and eager automation downstream of staging.

- `raw_files_sensor` notices new, changed or deleted files in the raw folders and requests, in one run, the changed
  folders' staging assets and what is downstream of them, once per content version (compared with what was requested
  before, or with what was last built: a daemon started after `make run` requests nothing).
- `nightly_build` at 01:00 WIB requests whatever is missing or stale, and skips when nothing is.
- Every asset below staging is `eager`: it follows its inputs after any run, e.g. one started by hand in the UI.
"""

import json

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.read.folders import content_version, folder_state
from pipeline.sources import RAW_FOLDERS

NIGHTLY_CRON = "0 1 * * *"
TIMEZONE = "Asia/Jakarta"

# Follow the inputs, but never build on top of a failed blocking check.
FOLLOW_INPUTS = (dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()).with_label(
    "eager, after blocking checks pass"
)


def _raw_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def stale_or_missing(instance: dg.DagsterInstance, asset_graph, raw_dir) -> dict[dg.AssetKey, str]:
    """Every materialisable asset that is missing or stale, with the reason, in dependency order.

    Stale means what Dagster's UI means by it: its code version changed since it was last materialised, an
    upstream asset has a newer data version than the one it was built from, or (for staging) the raw folder's
    content changed. Whatever is downstream of a stale asset is stale too.
    """
    reasons: dict[dg.AssetKey, str] = {}
    for key in asset_graph.toposorted_asset_keys:
        if key not in asset_graph.materializable_asset_keys:
            continue
        event = instance.get_latest_materialization_event(key)
        if event is None:
            reasons[key] = "missing"
            continue
        materialization = event.asset_materialization
        tags = materialization.tags or {}
        node = asset_graph.get(key)
        if node.code_version and tags.get("dagster/code_version") != node.code_version:
            reasons[key] = "code version changed"
            continue
        for parent in sorted(node.parent_keys):
            if parent in reasons:
                reasons[key] = f"upstream {parent.to_user_string()} is {reasons[parent]}" if "upstream" not in reasons[parent] else reasons[parent]
                break
            if parent.path[0] == "raw":
                recorded = materialization.metadata.get("raw_data_version")
                if recorded is None or recorded.value != content_version(raw_dir, parent.path[1]):
                    reasons[key] = f"raw {parent.path[1]} files changed"
                    break
                continue
            parent_event = instance.get_latest_materialization_event(parent)
            parent_version = (parent_event.asset_materialization.tags or {}).get("dagster/data_version") if parent_event else None
            if parent_version != tags.get(f"dagster/input_data_version/{parent.to_user_string()}"):
                reasons[key] = f"upstream {parent.to_user_string()} was updated"
                break
    return reasons


@dg.schedule(
    name="nightly_build",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=TIMEZONE,
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 01:00 WIB: materialise whatever is missing or stale (new raw files, changed code), nothing else.",
)
def nightly_build(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    stale = stale_or_missing(context.instance, context.repository_def.asset_graph, warehouse.raw_path())
    if not stale:
        return dg.SkipReason("nothing is missing or stale")
    context.log.info("; ".join(f"{k.to_user_string()}: {why}" for k, why in stale.items()))
    return dg.RunRequest(asset_selection=list(stale), tags={"trigger": "nightly_build"})


@dg.sensor(
    name="raw_files_sensor",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    target=dg.AssetSelection.all(),
    description="Notices new, changed or deleted files under the raw folders and requests only the affected staging "
    "asset and what is downstream of it. A folder must be unchanged for one tick first, so a file still being "
    "copied in is not read half-written.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    raw_dir = warehouse.raw_path()
    cursor = json.loads(context.cursor) if context.cursor else {}
    asset_graph = context.repository_def.asset_graph
    changed, observations = {}, []
    for source in RAW_FOLDERS:
        state = folder_state(raw_dir, source)
        entry = cursor.setdefault(source, {})
        if state != entry.get("seen"):
            entry["seen"] = state  # still changing, or first seen: look again next tick
            continue
        if state == entry.get("checked"):
            continue  # nothing touched since its content was last hashed: no file is read again
        entry["checked"] = state
        version = content_version(raw_dir, source)
        # Compared with what was requested before, else with what the staging asset was last built from: a daemon
        # started after `make run` (an empty cursor) finds everything built and requests nothing.
        if version == entry.get("requested", built_version(context.instance, source)):
            entry["requested"] = version
            continue  # touched, not changed
        entry["requested"] = version
        changed[source] = version
        observations.append(dg.AssetObservation(asset_key=_raw_key(source), tags={"dagster/data_version": version}))
    if not changed:
        return dg.SensorResult(asset_events=observations, cursor=json.dumps(cursor, sort_keys=True))
    # One change is one run, for every folder that changed in this tick: the shared marts are built once.
    staging = [dg.AssetKey(["staging", source]) for source in changed]
    affected = dg.AssetSelection.assets(*staging).downstream().resolve(asset_graph)
    run_key = ",".join(f"{source}:{version}" for source, version in sorted(changed.items()))
    request = dg.RunRequest(run_key=run_key, asset_selection=sorted(affected), tags={"trigger": "raw_files_sensor", "source": ",".join(sorted(changed))})
    return dg.SensorResult(run_requests=[request], asset_events=observations, cursor=json.dumps(cursor, sort_keys=True))


def built_version(instance: dg.DagsterInstance, source: str) -> str | None:
    """The raw folder's content version the staging asset was last materialised from (its raw_data_version)."""
    event = instance.get_latest_materialization_event(dg.AssetKey(["staging", source]))
    recorded = event.asset_materialization.metadata.get("raw_data_version") if event else None
    return recorded.value if recorded is not None else None


automation_sensor = dg.AutomationConditionSensorDefinition(
    "automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Evaluates the assets' automation conditions (eager below staging); on by default.",
)
