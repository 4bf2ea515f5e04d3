"""staging.participation, staging.workforce, staging.targets: one ingest asset per raw source folder.

Each run re-reads every file of its source, replaces the staging table, and replaces that source's rows in
dq.file_ledger and dq.rejected_rows in one transaction.
"""

import datetime as dt

import dagster as dg
import pandas as pd

from pipeline.defs.metadata import code_version, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.ingest import LEDGER_COLUMNS, REJECTION_COLUMNS, SOURCES, SourceSpec, ingest_source
from pipeline.readers import HeaderSynonyms
from pipeline.regions import RegionMatcher
from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
from pipeline.warehouse import insert_frame, run_sql_file

INGEST_CODE = [f"pipeline/{m}.py" for m in ("ingest", "readers", "numbers", "periods", "regions", "segments", "schemas")]


def staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    sql_file = f"staging/{spec.name}.sql"

    @dg.asset(
        key=["staging", spec.name],
        group_name="staging",
        kinds={"duckdb", "pandas"},
        code_version=code_version("sql/" + sql_file, "sql/dq", "data/reference", *INGEST_CODE),
        description=f"Rows of every file in the raw '{spec.name}/' folder that pass the {spec.schema.__name__} contract; "
        "the rest go to dq.rejected_rows, one ledger row per file to dq.file_ledger.",
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        matcher = RegionMatcher.from_reference(REFERENCE_DIR)
        synonyms = HeaderSynonyms.from_file(HEADER_SYNONYMS)
        results = ingest_source(warehouse.raw_path(), spec, synonyms, matcher, progress=context.log)
        loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        frames = [r.rows for r in results if r.rows is not None and not r.rows.empty]
        ledger = pd.DataFrame([r.ledger_row(loaded_at) for r in results], columns=LEDGER_COLUMNS)
        rejections = pd.DataFrame([x for r in results for x in r.rejections], columns=REJECTION_COLUMNS)
        with warehouse.connect() as con:
            con.begin()
            for ddl in (sql_file, "dq/file_ledger.sql", "dq/rejected_rows.sql"):
                run_sql_file(con, ddl)
            if frames:
                insert_frame(con, f"staging.{spec.name}", pd.concat(frames, ignore_index=True))
            con.execute("DELETE FROM dq.file_ledger WHERE source = ?", [spec.name])
            con.execute("DELETE FROM dq.rejected_rows WHERE source = ?", [spec.name])
            insert_frame(con, "dq.file_ledger", ledger)
            insert_frame(con, "dq.rejected_rows", rejections)
            con.commit()
            metadata = table_metadata(con, f"staging.{spec.name}")
        statuses = ledger["status"].value_counts().to_dict() if not ledger.empty else {}
        failed = ledger[ledger["status"] == "failed"]
        return dg.MaterializeResult(
            metadata={
                **metadata,
                "files": len(results),
                "files_loaded": statuses.get("loaded", 0),
                "files_partial": statuses.get("partial", 0),
                "files_failed": statuses.get("failed", 0),
                "rows_rejected": len(rejections),
                "failed_files": dg.MetadataValue.md(failed[["file_path", "error"]].to_markdown(index=False)) if len(failed) else "none",
                "rejected_examples": dg.MetadataValue.md(
                    rejections.head(20)[["file_path", "sheet", "row_number", "column_name", "value", "reason"]].to_markdown(index=False)
                )
                if len(rejections)
                else "none",
            }
        )

    return _ingest


staging_assets = [staging_asset(spec) for spec in SOURCES.values()]
