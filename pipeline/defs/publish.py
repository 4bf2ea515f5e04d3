"""The analyst file: published only when every table is built and every blocking check has passed."""

import dagster as dg

from pipeline.defs.ingest import staging_assets
from pipeline.defs.reference import regions
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.tables import table_assets
from pipeline.warehouse import publish


@dg.asset(
    key=["analyst_warehouse"],
    group_name="publish",
    kinds={"duckdb"},
    deps=[regions, *staging_assets, *table_assets],
    description="Publishes the working database to $JAMSOSTEK_WAREHOUSE_DIR/jamsostek.duckdb in one atomic rename, "
    "so analysts' open sessions keep their snapshot and a failed build leaves the last good file in place.",
)
def analyst_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    path = publish(warehouse.warehouse_path())
    context.log.info(f"published {path}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)), "size_bytes": path.stat().st_size})
