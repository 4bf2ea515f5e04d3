"""raw/<source>: the raw folders as observable source assets, versioned by their content.

A new data version (a file added, changed or deleted) marks the staging asset that reads the folder, and
everything downstream of it, stale in the UI.
"""

import warnings

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.read.folders import content_version, raw_files
from pipeline.sources import RAW_FOLDERS


def raw_source(source: str) -> dg.SourceAsset:
    # observable_source_asset is "beta" in Dagster 1.13 and says so once per folder on every start; a user reads that
    # as something wrong. It is the documented way to version an external folder, so the note is silenced here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _observable(source)


def _observable(source: str) -> dg.SourceAsset:
    @dg.observable_source_asset(
        key=["raw", source],
        group_name="raw",
        description=f"The files under the raw '{source}/' folder (JAMSOSTEK_RAW_DIR). Data version: the files' names and SHA-256.",
    )
    def _observe(warehouse: WarehouseResource) -> dg.ObserveResult:
        folder = warehouse.raw_path()
        return dg.ObserveResult(
            data_version=dg.DataVersion(content_version(folder, source)),
            metadata={"files": len(raw_files(folder, source)), "folder": dg.MetadataValue.path(str(folder / source))},
        )

    return _observe


raw_sources = {source: raw_source(source) for source in RAW_FOLDERS}
