"""staging.<source>: one ingest asset per raw source folder (participation, workforce, targets, potential).

Files whose content (sha256) and ingest code are unchanged since the last run are not read again; a changed file
replaces exactly its own rows; a deleted file's rows leave the warehouse.
"""

import datetime as dt

import dagster as dg
import pandas as pd

from pipeline.defs.metadata import code_version, python_closure, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.sources import raw_sources
from pipeline.ingest import LEDGER_COLUMNS, REJECTION_COLUMNS, SOURCES, TOTAL_COLUMNS, SourceSpec, ingest_source
from pipeline.readers import HeaderSynonyms
from pipeline.regions import RegionMatcher
from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
from pipeline.warehouse import known_files, prepare_staging, staging_sql_files, store_ingest



def _markdown(frame: pd.DataFrame, columns: list[str]) -> dg.MetadataValue | str:
    return dg.MetadataValue.md(frame.head(20)[columns].to_markdown(index=False)) if len(frame) else "none"


def staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    version = code_version(*(f"sql/{f}" for f in staging_sql_files(spec.name)), "data/reference", *python_closure("pipeline.ingest"))

    @dg.asset(
        key=["staging", spec.name],
        deps=[raw_sources[spec.name]],
        group_name="staging",
        # A file still being copied in or briefly unreadable (a network share) is worth another try.
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
        kinds={"duckdb", "pandas"},
        code_version=version,
        description=f"Rows of every file in the raw '{spec.name}/' folder that pass the {spec.schema.__name__} contract, "
        f"with staging.{spec.name}_files (ledger), _quarantine (rejected rows) and _totals (totals rows as cross-checks).",
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        matcher = RegionMatcher.from_reference(REFERENCE_DIR)
        synonyms = HeaderSynonyms.from_file(HEADER_SYNONYMS)
        with warehouse.connect() as con:
            known = known_files(con, spec.name)
            full_reload = any(v != version for _, v, _ in known.values())
            run = ingest_source(warehouse.raw_path(), spec, synonyms, matcher, {} if full_reload else known, version, context.log)
            loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            frames = [r.rows for r in run.results if r.rows is not None and not r.rows.empty]
            ledger = pd.DataFrame([r.ledger_row(loaded_at, version) for r in run.results], columns=LEDGER_COLUMNS)
            rejections = pd.DataFrame([x for r in run.results for x in r.rejections], columns=REJECTION_COLUMNS)
            totals = pd.DataFrame([x for r in run.results for x in r.totals], columns=TOTAL_COLUMNS)
            con.begin()
            prepare_staging(con, spec.name, full_reload)
            store_ingest(
                con, spec.name, [r.file_path for r in run.results] + run.deleted,
                pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), ledger, rejections, totals, run.unchanged,
            )  # fmt: skip
            con.commit()
            metadata = table_metadata(con, f"staging.{spec.name}")
        statuses = ledger["status"].value_counts().to_dict()
        return dg.MaterializeResult(
            metadata={
                **metadata,
                "raw_data_version": run.raw_data_version,
                "files_read": len(run.results),
                "files_unchanged": len(run.unchanged),
                "files_deleted": len(run.deleted),
                "files_loaded": statuses.get("loaded", 0),
                "files_partial": statuses.get("partial", 0),
                "files_failed": statuses.get("failed", 0),
                "rows_rejected": len(rejections),
                "failed_files": _markdown(ledger[ledger["status"] == "failed"], ["file_path", "error"]),
                "rejected_examples": _markdown(rejections, ["file_path", "sheet", "row_number", "column_name", "value", "reason"]),
            }
        )

    return _ingest


staging_assets = [staging_asset(spec) for spec in SOURCES.values()]
