"""The analyst file: published only when every table is built and every blocking check has passed."""

import hashlib
import json
import os
import shutil
from contextlib import contextmanager

import dagster as dg
from dagster_dbt import DbtCliResource

from pipeline.defs.automation import FOLLOW_INPUTS
from pipeline.defs.changes import PUBLISHED_FILE, published_file
from pipeline.defs.ingest import staging_assets
from pipeline.defs.metadata import code_version, python_closure
from pipeline.defs.models import dbt_environment, warehouse_models
from pipeline.defs.reference import regions
from pipeline.defs.resources import WarehouseResource
from pipeline.outputs.exports import export_all
from pipeline.warehouse.connection import analyst_path, read_only
from pipeline.warehouse.dbt import ensure_manifest
from pipeline.warehouse.ownership import not_writable
from pipeline.warehouse.publish import publish


@contextmanager
def said_when_not_writable(what: str, path):
    """A PermissionError while writing `what` fails the step with its folder, user, owner, mode and fix, not a traceback."""
    try:
        yield
    except PermissionError as error:
        raise dg.Failure(description=not_writable(what, path, error)) from None


@dg.asset(
    key=["analyst_warehouse"],
    group_name="publish",
    automation_condition=FOLLOW_INPUTS,
    code_version=code_version(*python_closure("pipeline.warehouse.publish")),
    kinds={"duckdb"},
    deps=[regions, *staging_assets.values(), warehouse_models],
    description="Publishes the working database to $JAMSOSTEK_WAREHOUSE_DIR/jamsostek.duckdb in one atomic rename, "
    "so analysts' open sessions keep their snapshot and a failed build leaves the last good file in place.",
)
def analyst_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with said_when_not_writable("analyst warehouse", warehouse.warehouse_path()):
        path = publish(warehouse.warehouse_path())
    context.log.info(f"published {path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "size_bytes": path.stat().st_size,
            # Which file was published: one deleted or copied back from a backup since is published again.
            PUBLISHED_FILE: published_file(path),
        }
    )


EXPORTS_CODE_VERSION = code_version(*python_closure("pipeline.outputs.exports"))


@dg.asset(
    key=["exports"],
    group_name="publish",
    automation_condition=FOLLOW_INPUTS,
    code_version=EXPORTS_CODE_VERSION,
    kinds={"parquet", "excel"},
    deps=[analyst_warehouse],
    description="Every mart as a Parquet file, one Excel workbook for people (targets, plan, statement checks, the latest "
    "25 months of coverage and trend, vulnerable workers by region and funding source) and one csv of double payments per "
    "funding source, in <warehouse>/exports/; an output whose tables did not change is not rewritten.",
)
def exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    folder = warehouse.warehouse_path() / "exports"
    with said_when_not_writable("exports", folder):
        exported = export_all(analyst_path(warehouse.warehouse_path()), folder, EXPORTS_CODE_VERSION)
    context.log.info(
        f"exports: {len(exported.written)} files written, {len(exported.unchanged)} unchanged since the last build"
    )
    return dg.MaterializeResult(
        metadata={
            "workbook": dg.MetadataValue.path(str(folder / "jamsostek_marts.xlsx")),
            "written": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in exported.written) or "none"),
            "unchanged": len(exported.unchanged),
        }
    )


@dg.asset(
    key=["coverage_report"],
    group_name="publish",
    automation_condition=FOLLOW_INPUTS,
    code_version=code_version(*python_closure("pipeline.outputs.report"), "data/reference/boundaries"),
    kinds={"html", "vega"},
    deps=[analyst_warehouse],
    description="Coverage against every target (the series it is measured on, projection and range, deadline, status), "
    "the published statements checked, coverage maps (national, and each province's kab/kota) and kab/kota side by side "
    "per province: one HTML page in <warehouse>/report/ whose charts the browser draws from the marts' rows (Vega-Lite, "
    "offline), in Indonesian; the maps also as SVG files in <warehouse>/exports/peta/ for slides.",
)
def coverage_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    # altair and vl-convert are imported when the report is written, not whenever the definitions load (1.25 s).
    from pipeline.outputs.maps import write_map_images
    from pipeline.outputs.report import write_report

    folder = warehouse.warehouse_path() / "report"
    with said_when_not_writable("report", folder):
        report = write_report(analyst_path(warehouse.warehouse_path()), folder)
    map_folder = warehouse.warehouse_path() / "exports" / "peta"
    with said_when_not_writable("exports", map_folder):
        images = write_map_images(report.maps, map_folder)
    for failure in report.failures:
        context.log.warning(f"report: {failure}")
    context.log.info(f"report: {len(report.charts)} charts and {len(report.maps)} maps in {report.page}")
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(report.page)),
            "charts": dg.MetadataValue.md("\n".join(f"- {c.title}" for c in report.charts) or "none"),
            "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in report.failures) or "none"),
            "chart_count": len(report.charts),
            "maps": dg.MetadataValue.md("\n".join(f"- {p.name}" for p in images) or "none"),
        }
    )


CATALOG_FILE = "jamsostek_catalog.html"


@dg.asset(
    key=["data_catalog"],
    group_name="publish",
    automation_condition=FOLLOW_INPUTS,
    code_version=code_version(*python_closure("pipeline.warehouse.dbt"), "pipeline/defs/publish.py"),
    kinds={"dbt", "html"},
    deps=[analyst_warehouse],
    description=f"dbt's data catalog of every table and column, with lineage, as one self-contained HTML file "
    f"(<warehouse>/{CATALOG_FILE}, `dbt docs generate --static`), refreshed after every published build.",
)
def data_catalog(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    build = warehouse.warehouse_path() / ".build" / "dbt" / f"catalog-{context.run.run_id[:8]}"
    target = warehouse.warehouse_path() / CATALOG_FILE
    # The catalog shows the project and the tables' columns, not their rows: a build that changed neither reuses the
    # catalog made for them (kept beside the manifest, in the dbt state folder), so dbt is not started again.
    cached = (
        ensure_manifest().parent / "catalogs" / f"{catalog_fingerprint(analyst_path(warehouse.warehouse_path()))}.html"
    )
    rewritten = not cached.exists()
    if rewritten:
        try:
            with dbt_environment(warehouse):
                dbt.cli(["docs", "generate", "--static"], target_path=build, manifest=ensure_manifest()).wait()
            cached.parent.mkdir(exist_ok=True)
            partial = cached.with_name(f".{cached.name}.tmp")
            shutil.copyfile(build / "static_index.html", partial)
            os.replace(partial, cached)
            for old in sorted(cached.parent.glob("*.html"), key=lambda p: p.stat().st_mtime)[:-5]:
                old.unlink(missing_ok=True)  # keep the last five schemas' catalogs
        finally:
            shutil.rmtree(build, ignore_errors=True)
    partial = target.with_name(f".{target.name}.tmp")
    with said_when_not_writable("data catalog", target):
        shutil.copyfile(cached, partial)
        os.replace(partial, target)
    return dg.MaterializeResult(
        metadata={
            "catalog": dg.MetadataValue.path(str(target)),
            "generated": rewritten,
            "size_bytes": target.stat().st_size,
        }
    )


def catalog_fingerprint(analyst_file) -> str:
    """The dbt project as parsed (the manifest without what changes at every parse: when and by which invocation) and
    every table's columns and types, hashed."""
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    for volatile in ("generated_at", "invocation_id", "invocation_started_at"):
        manifest.get("metadata", {}).pop(volatile, None)
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode())
    with read_only(analyst_file) as con:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() ORDER BY ALL"
        ).fetchall()
    digest.update(repr(columns).encode())
    return digest.hexdigest()
