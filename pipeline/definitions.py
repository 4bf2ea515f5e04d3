"""The Dagster code location: every asset, check, schedule and resource of jamsostek-coverage."""

import dagster as dg

from pipeline.defs.automation import automation_sensor, nightly_build, raw_files_sensor
from pipeline.defs.checks import asset_checks
from pipeline.defs.ingest import staging_assets
from pipeline.defs.models import dbt_resource, warehouse_models
from pipeline.defs.publish import analyst_warehouse, coverage_report, data_catalog, exports
from pipeline.defs.reference import regions
from pipeline.defs.resources import WarehouseResource, fixed
from pipeline.defs.sources import raw_sources, working_database

defs = dg.Definitions(
    assets=[
        *raw_sources.values(),
        working_database,
        regions,
        *staging_assets.values(),
        warehouse_models,
        analyst_warehouse,
        exports,
        coverage_report,
        data_catalog,
    ],
    asset_checks=asset_checks,
    schedules=[nightly_build],
    sensors=[raw_files_sensor, automation_sensor],
    # Neither resource takes run configuration: folders, key and dbt come from the service's environment (see fixed()).
    resources={
        "warehouse": fixed(
            WarehouseResource(), "Raw and warehouse folders from JAMSOSTEK_RAW_DIR and JAMSOSTEK_WAREHOUSE_DIR"
        ),
        "dbt": fixed(dbt_resource, "The dbt project in sql/"),
    },
    # One process writes the DuckDB file at a time; the multiprocess executor would fight over its lock.
    executor=dg.in_process_executor,
)
