"""The warehouse resource: where the raw files are and which DuckDB file the build writes."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from pipeline import settings
from pipeline.read.reader_process import close_readers
from pipeline.warehouse.connection import WarehouseLocked, build_lock, connect, opened, working_identity


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
        schedule evaluation, which only reads the raw folders, takes none.

        When a run starts it records its process (so that a run that dies with it is found, pipeline/defs/runs.py) and
        opens the working database, which sets aside a damaged one; the database's identity is observed then, so
        every asset built in the run records the database it wrote into. When it ends, its reader process exits."""
        if context.dagster_run is None:
            yield self
            return
        from pipeline.defs.runs import process_tags

        context.instance.add_run_tags(context.dagster_run.run_id, process_tags())
        try:
            with build_lock(self.warehouse_path()):
                self._start_on_working_database(context)
                yield self
        except WarehouseLocked as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None
        finally:
            close_readers()

    def _start_on_working_database(self, context: dg.InitResourceContext) -> None:
        from pipeline.defs.changes import WORKING_DATABASE, definitions_specs, observe, observed_keys

        selection = set(context.dagster_run.asset_selection or ())  # empty: the whole job
        if selection and selection <= observed_keys():
            return  # a run that only observes the inputs (the UI's "Observe sources") writes nothing
        with opened(self.warehouse_path()) as (_con, created):
            pass
        observe(context.instance, {WORKING_DATABASE: working_identity(self.warehouse_path())})
        writers = {spec.key for spec in definitions_specs() if WORKING_DATABASE in {d.asset_key for d in spec.deps}}
        if created and selection and not writers <= selection:
            raise dg.Failure(
                description=f"the working database {self.warehouse_path() / '.build'} was missing or damaged and was "
                "created anew, so this run, which builds only part of the warehouse, cannot go on; the next run of the "
                "sensor, the nightly schedule or `make run` builds everything (nothing to do by hand)",
                allow_retries=False,
            )

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
