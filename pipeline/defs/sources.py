"""The observed inputs: raw/<source>, the raw folders, versioned by their content, and warehouse/working_database,
the working database's identity (pipeline/warehouse/connection.working_identity).

A new data version (a file added, changed or deleted) marks the staging asset that reads the folder, and everything
downstream of it, stale in the UI; a new working database (created, set aside, restored) marks every asset stale.
"""

import warnings

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.read.folders import content_version, raw_files
from pipeline.sources import RAW_FOLDERS
from pipeline.warehouse.connection import working_identity, working_path


def raw_source(source: str) -> dg.SourceAsset:
    # observable_source_asset is "beta" in Dagster 1.13 and says so once per folder on every start; a user reads that
    # as something wrong. It is the documented way to version an external folder, so the note is silenced here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _observable(source)


def _working_database() -> dg.SourceAsset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.observable_source_asset(
            key=["warehouse", "working_database"],
            group_name="raw",
            description="The working database the build writes (<warehouse>/.build/jamsostek_build.duckdb). Data version: "
            "its identity (a name given when it was created, and its inode); a missing, set-aside, damaged or restored "
            "database has another, which makes every asset that writes into it stale: the next run rebuilds everything.",
        )
        def _observe(warehouse: WarehouseResource) -> dg.ObserveResult:
            return dg.ObserveResult(
                data_version=dg.DataVersion(working_identity(warehouse.warehouse_path())),
                metadata={"path": dg.MetadataValue.path(str(working_path(warehouse.warehouse_path())))},
            )

    return _observe


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
working_database = _working_database()
