"""The warehouse resource: where the raw files are and which DuckDB file the build writes."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from pipeline import settings
from pipeline.warehouse.connection import WarehouseLocked, build_lock, connect


class WarehouseResource(dg.ConfigurableResource):
    """Paths default to JAMSOSTEK_RAW_DIR and JAMSOSTEK_WAREHOUSE_DIR, read when a run starts."""

    raw_dir: str | None = None
    warehouse_dir: str | None = None

    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve() if self.raw_dir else settings.raw_dir()

    def warehouse_path(self) -> Path:
        return Path(self.warehouse_dir).resolve() if self.warehouse_dir else settings.warehouse_dir()

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        """A run holds the build lock from its start to its end (pipeline/warehouse/connection.build_lock); a sensor or
        schedule evaluation, which only reads the raw folders, takes none."""
        if context.dagster_run is None:
            yield self
            return
        try:
            with build_lock(self.warehouse_path()):
                yield self
        except WarehouseLocked as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            with connect(self.warehouse_path()) as con:
                yield con
        except WarehouseLocked as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None


def fixed(resource: dg.ConfigurableResource, what: str) -> dg.ResourceDefinition:
    """`resource` as the code location provides it, with no run configuration at all: a launch (from the UI, its
    GraphQL API or a schedule) that tries to set its fields is refused. The raw and warehouse folders and the PII key
    come from the service's environment only, so nobody who can reach the UI can point a run at folders of their
    choosing (and have the office key pseudonymise NIKs they chose), or give dbt another executable."""

    def provide(context: dg.InitResourceContext):
        with resource.yield_for_execution(
            context
        ) as ready:  # the resource's own lifecycle (the warehouse's build lock)
            yield ready

    return dg.ResourceDefinition(resource_fn=provide, config_schema={}, description=what)
