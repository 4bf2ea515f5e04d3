"""When the pipeline runs by itself: a file sensor, a nightly schedule, and eager automation downstream of staging.

- `raw_files_sensor` notices new, changed or deleted files in the raw folders and requests, in one run, the changed
  folders' staging assets and what is downstream of them, once per content version (compared with what was requested
  before, or with what was last built: a daemon started after `make run` requests nothing).
- `nightly_build` at 01:00 WIB requests whatever is missing or stale, and skips when nothing is.
- Every asset below staging is `eager`: it follows its inputs after any run, e.g. one started by hand in the UI.
"""

import json

import dagster as dg
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleCauseCategory, StaleStatus
from dagster._core.loader import LoadingContextForTest

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


def observe_raw_folders(instance: dg.DagsterInstance, raw_dir) -> None:
    """Record each raw folder's content version as its data version, where it changed since last observed (as the
    sensor does), so that Dagster's own staleness sees new files before a build, and the build records what it read."""
    for source in RAW_FOLDERS:
        key, version = _raw_key(source), content_version(raw_dir, source)
        record = instance.get_latest_data_version_record(key, is_source=True)
        observed = (
            (record.asset_observation.tags or {}).get("dagster/data_version")
            if record and record.asset_observation
            else None
        )
        if observed != version:
            instance.report_runless_asset_event(
                dg.AssetObservation(asset_key=key, tags={"dagster/data_version": version})
            )


def stale_or_missing(instance: dg.DagsterInstance, asset_graph, raw_dir) -> dict[dg.AssetKey, str]:
    """Every materialisable asset that is missing or stale, with the reason, in dependency order.

    Missing and stale are Dagster's own (what the UI shows: a new code version, a newer upstream data version, new
    raw files once observed); what is downstream of a stale asset will be stale once it is rebuilt, so it comes too.
    """
    observe_raw_folders(instance, raw_dir)
    # Dagster's stale-status resolver, the one behind the UI's "stale" badges; it needs a loading context, which
    # outside a webserver request is the plain one Dagster provides for that.
    resolver = CachingStaleStatusResolver(instance, asset_graph, LoadingContextForTest(instance))
    reasons: dict[dg.AssetKey, str] = {}
    for key in asset_graph.toposorted_asset_keys:
        if key not in asset_graph.materializable_asset_keys:
            continue
        status = resolver.get_status(key)
        if status == StaleStatus.MISSING:
            reasons[key] = "missing"
        elif status == StaleStatus.STALE:
            reasons[key] = "; ".join(dict.fromkeys(_cause(c) for c in resolver.get_stale_causes(key)))
        elif stale_parent := next((p for p in sorted(asset_graph.get(key).parent_keys) if p in reasons), None):
            reasons[key] = (
                f"upstream {stale_parent.to_user_string()} is {reasons[stale_parent]}"
                if "upstream" not in reasons[stale_parent]
                else reasons[stale_parent]
            )
    return reasons


def _cause(cause) -> str:
    if cause.category == StaleCauseCategory.CODE:
        return "code version changed"
    dependency = cause.dependency.asset_key if cause.dependency else None
    if dependency is not None and dependency.path[0] == "raw":
        return f"raw {dependency.path[1]} files changed"
    return f"upstream {dependency.to_user_string()} was updated" if dependency else cause.reason


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
    request = dg.RunRequest(
        run_key=run_key,
        asset_selection=sorted(affected),
        tags={"trigger": "raw_files_sensor", "source": ",".join(sorted(changed))},
    )
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
