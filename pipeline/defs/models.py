"""dq.*, core.* and marts.*: the dbt project in sql/, one asset per model and one asset check per dbt test.

Error-severity tests are blocking checks (dbt skips the models built on a failed one, and the publish waits for
them); warn-severity tests flag figures without stopping anything. The code version of a model is the hash of its
SQL (dagster-dbt's default), so an edited model shows as stale in the UI.
"""

import importlib.metadata
import os
import shutil
from contextlib import contextmanager
from functools import cached_property
from typing import Iterable, Iterator

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from packaging import version

from pipeline.defs.automation import FOLLOW_INPUTS
from pipeline.defs.changes import WORKING_DATABASE
from pipeline.defs.resources import WarehouseResource
from pipeline.settings import SQL_DIR
from pipeline.warehouse.connection import working_path
from pipeline.warehouse.dbt import dbt_executable, dbt_run_environment, ensure_manifest


class WarehouseTranslator(DagsterDbtTranslator):
    """A model's asset key is its table (marts/coverage); a staging source maps to the ingest asset that writes it."""

    def get_asset_key(self, dbt_resource_props) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return dg.AssetKey([dbt_resource_props["config"]["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)  # sources: meta.dagster.asset_key in _sources.yml

    def get_group_name(self, dbt_resource_props) -> str | None:
        schema = dbt_resource_props["config"].get("schema")
        return "reference" if schema == "ref" else schema  # beside ref/regions

    def get_automation_condition(self, dbt_resource_props) -> dg.AutomationCondition | None:
        return FOLLOW_INPUTS

    def get_asset_spec(self, manifest, unique_id, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        # A seed reads no other asset but writes into the working database: a new database means building it again.
        if manifest["nodes"].get(unique_id, {}).get("resource_type") == "seed":
            spec = spec.merge_attributes(deps=[WORKING_DATABASE])
        return spec


TRANSLATOR = WarehouseTranslator(
    DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


@contextmanager
def dbt_environment(warehouse: WarehouseResource):
    """The working database dbt writes (profiles.yml reads it from the environment), for one invocation."""
    environment = {
        **dbt_run_environment(),
        "JAMSOSTEK_WORKING_DATABASE": str(working_path(warehouse.warehouse_path())),
        # Where dagster-dbt finds the partial-parse state to copy into each invocation's own target folder.
        "DBT_TARGET_PATH": str(ensure_manifest().parent),
    }
    saved = {k: os.environ.get(k) for k in environment}
    os.environ.update(environment)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=TRANSLATOR, name="warehouse_models")
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    # dbt's artifacts go beside the working database, one folder per run, removed once the run has read them.
    target = working_path(warehouse.warehouse_path()).parent / "dbt" / context.run.run_id[:8]
    try:
        with dbt_environment(warehouse):
            invocation = dbt.cli(["build"], context=context, target_path=target, raise_on_error=False)
            yield from with_failing_rows(invocation.stream(), warehouse, target)
        if error := invocation.get_error():
            raise error
    finally:
        shutil.rmtree(target, ignore_errors=True)


FAILING_ROWS_SHOWN = 20


def with_failing_rows(events: Iterable, warehouse: WarehouseResource, target) -> Iterator:
    """The dbt events, each failed check with its first failing rows as a markdown table (`examples`, as the Python
    checks have), so that the UI shows what failed, not only how many rows. The rows are read once dbt has released
    the working database: the failed checks' results come after the other events of the step."""
    failed = []
    for event in events:
        if isinstance(event, dg.AssetCheckResult) and not event.passed and "unique_id" in event.metadata:
            failed.append(event)
        else:
            yield event
    if not failed:
        return
    with warehouse.connect() as con:
        for event in failed:
            yield event._replace(
                metadata={**event.metadata, "examples": _failing_rows(con, target, event.metadata["unique_id"].text)}
            )


def _failing_rows(con, target, unique_id: str) -> dg.MetadataValue | str:
    """The first rows the test's compiled SQL returns (a dbt test selects the rows that break it)."""
    name = unique_id.split(".")[2]
    compiled = (
        next((p for p in (target / "compiled").rglob(f"{name}.sql")), None) if (target / "compiled").exists() else None
    )
    if compiled is None:
        return "the test's compiled SQL was not found"
    try:
        rows = con.execute(
            f"SELECT * FROM ({compiled.read_text(encoding='utf-8')}) LIMIT {FAILING_ROWS_SHOWN}"
        ).fetchdf()
    except Exception as error:  # the check itself already failed; its rows are a courtesy
        return f"could not list the rows: {error}"
    return dg.MetadataValue.md(rows.to_markdown(index=False))


class LocalDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, told the dbt version instead of asking. Before each invocation dagster-dbt runs
    `dbt --version`, and dbt answers that by asking pypi.org for its latest release: a network request at run time
    (refused in an office without internet after a timeout) and about 2 s of CPU, twice in a full build. The executable
    is this environment's own dbt (`dbt_executable()`), so its version is the installed dbt-core's."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))


dbt_resource = LocalDbtCliResource(
    project_dir=os.fspath(SQL_DIR), profiles_dir=os.fspath(SQL_DIR), dbt_executable=dbt_executable()
)
