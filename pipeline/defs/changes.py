"""The one change detector: what is missing or stale, for `make run`, the file sensor and the nightly schedule alike.

It reads what Dagster records, through its public API only: the observed data versions of the inputs (each raw folder,
and the working database's identity), and, on each asset's latest materialisation, the code version it was built with
and the data versions of its inputs (Dagster's documented `dagster/code_version` and `dagster/input_data_version/<key>`
tags). An asset is

- missing: never materialised;
- stale: its code version changed, an input's data version is not the one it was built from, or an input is stale
  or missing itself (so what is downstream of a stale asset comes too);
- for `analyst_warehouse` only, also stale when the analyst file is not the file it published (deleted, or copied
  back from a backup).

Because the working database's identity is an input of every asset that writes into it, a missing, set-aside, damaged
or restored working database makes everything stale, whoever looks: `make run`, the sensor, the schedule or the UI.
"""

from __future__ import annotations

import graphlib
from pathlib import Path

import dagster as dg

from pipeline.read.folders import content_version
from pipeline.sources import RAW_FOLDERS
from pipeline.warehouse.connection import analyst_path, working_identity

DATA_VERSION_TAG = "dagster/data_version"
CODE_VERSION_TAG = "dagster/code_version"
INPUT_VERSION_TAG = "dagster/input_data_version/"
WORKING_DATABASE = dg.AssetKey(["warehouse", "working_database"])
ANALYST_WAREHOUSE = dg.AssetKey(["analyst_warehouse"])
PUBLISHED_FILE = "published_file"  # analyst_warehouse's metadata: which file it published (see published_file())


def raw_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def input_versions(raw_dir: Path, warehouse_dir: Path, sources=RAW_FOLDERS) -> dict[dg.AssetKey, str]:
    """The current data version of every observed input: these raw folders and the working database."""
    return {
        **{raw_key(source): content_version(raw_dir, source) for source in sources},
        WORKING_DATABASE: working_identity(warehouse_dir),
    }


def observe(instance: dg.DagsterInstance, versions: dict[dg.AssetKey, str]) -> list[dg.AssetKey]:
    """Record each input's data version where it differs from the last one observed; returns those that changed."""
    changed = []
    for key, version in versions.items():
        if observed_version(instance, key) != version:
            instance.report_runless_asset_event(dg.AssetObservation(asset_key=key, tags={DATA_VERSION_TAG: version}))
            changed.append(key)
    return changed


def observed_version(instance: dg.DagsterInstance, key: dg.AssetKey) -> str | None:
    [record] = instance.fetch_observations(key, limit=1).records or [None]
    return (record.asset_observation.tags or {}).get(DATA_VERSION_TAG) if record else None


def published_file(path: Path) -> str | None:
    """A fingerprint of the analyst file as it is on disk (None when there is none): publishing renames a new file into
    place, so a deleted file, or one copied back from a backup, has another."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def stale_or_missing(
    instance: dg.DagsterInstance, specs: list[dg.AssetSpec], observed: set[dg.AssetKey], warehouse_dir: Path
) -> dict[dg.AssetKey, str]:
    """Every materialisable asset (`specs` less the `observed` inputs) that is missing or stale, with the reason, in
    dependency order."""
    by_key = {spec.key: spec for spec in specs}
    order = graphlib.TopologicalSorter({spec.key: {dep.asset_key for dep in spec.deps} for spec in specs})
    current: dict[dg.AssetKey, str | None] = {key: observed_version(instance, key) for key in observed}
    reasons: dict[dg.AssetKey, str] = {}
    for key in order.static_order():
        if key in observed or key not in by_key:
            continue
        event = instance.get_latest_materialization_event(key)
        materialization = event.asset_materialization if event else None
        tags = (materialization.tags or {}) if materialization else {}
        current[key] = tags.get(DATA_VERSION_TAG)
        if materialization is None:
            reasons[key] = "missing"
            continue
        spec = by_key[key]
        causes = []
        if spec.code_version is not None and tags.get(CODE_VERSION_TAG) != spec.code_version:
            causes.append("code version changed")
        for dep in sorted(spec.deps, key=lambda d: d.asset_key.to_user_string()):
            parent = dep.asset_key
            if parent in reasons:
                causes.append(
                    reasons[parent]
                    if "upstream" in reasons[parent]
                    else f"upstream {_name(parent)} is {reasons[parent]}"
                )
            elif (
                current.get(parent) is not None
                and tags.get(INPUT_VERSION_TAG + parent.to_user_string()) != current[parent]
            ):
                causes.append(_changed(parent))
        if key == ANALYST_WAREHOUSE:
            recorded = materialization.metadata.get(PUBLISHED_FILE)
            if recorded is None or recorded.value != published_file(analyst_path(warehouse_dir)):
                causes.append("the analyst file is not the one last published (deleted or replaced)")
        if causes:
            reasons[key] = "; ".join(dict.fromkeys(causes))
    return reasons


def _name(key: dg.AssetKey) -> str:
    return key.to_user_string()


def _changed(key: dg.AssetKey) -> str:
    if key == WORKING_DATABASE:
        return "the working database is new (missing, damaged or restored before)"
    if key.path[0] == "raw":
        return f"raw {key.path[1]} files changed"
    return f"upstream {_name(key)} was updated"


def definitions_specs() -> list[dg.AssetSpec]:
    """Every asset of the code location, read where it is needed (the definitions import this module)."""
    from pipeline.definitions import defs

    return list(defs.resolve_all_asset_specs())


def observed_keys() -> set[dg.AssetKey]:
    return {raw_key(source) for source in RAW_FOLDERS} | {WORKING_DATABASE}
