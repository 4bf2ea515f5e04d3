"""staging.<source>: one ingest asset per raw folder, all made by one factory over the source registry.

Each is a thin wrapper of the sync (pipeline/warehouse/sync.py): which files are read again, what a deleted file
takes with it and how the PII key is checked all live there.
"""

import os
import tomllib

import dagster as dg
import pandas as pd

from pipeline.defs.metadata import code_version, python_closure, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.sources import raw_sources, working_database
from pipeline.ingest.columns import REJECTION_COLUMNS
from pipeline.ingest.engine import Source
from pipeline.parse.regions import RegionMatcher
from pipeline.read.folders import version_of
from pipeline.read.headers import HeaderSynonyms
from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
from pipeline.sources import SOURCE_MODULES, SOURCES
from pipeline.warehouse.sync import EXAMPLES, IngestVersion, SyncRefused, sync_source


def _markdown(frame: pd.DataFrame, columns: list[str]) -> dg.MetadataValue | str:
    return dg.MetadataValue.md(frame.head(EXAMPLES)[columns].to_markdown(index=False)) if len(frame) else "none"


def ingest_version(source: Source) -> IngestVersion:
    """What reads the source's files (its code, its section of the header synonyms, the region list), and the region
    aliases apart: a new alias reads again only the files it can change (pipeline/warehouse/sync.py)."""
    with open(HEADER_SYNONYMS, "rb") as f:
        synonyms = tomllib.load(f)
    section = repr(sorted({name: synonyms.get(name) for name in ("ignored", source.name)}.items()))
    reader = code_version(
        *python_closure(SOURCE_MODULES[source.name]),
        REFERENCE_DIR / "regions.csv",
        REFERENCE_DIR / "former_kabkota_codes.csv",
        text=section,
    )
    return IngestVersion(reader, code_version(*sorted(REFERENCE_DIR.glob("region_aliases*.csv"))))


def staging_asset(source: Source) -> dg.AssetsDefinition:
    version = ingest_version(source)

    @dg.asset(
        key=["staging", source.name],
        deps=[raw_sources[source.name], working_database],
        group_name="staging",
        # A file still being copied in or briefly unreadable (a network share) is worth another try.
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
        kinds={"duckdb", "pandas"},
        code_version=str(version),
        description=f"{source.description} Rows of every file in the raw '{source.name}/' folder that pass its contract, with "
        f"staging.{source.name}_files (ledger), _quarantine (rejected rows) and _totals (totals rows as cross-checks).",
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        matcher = RegionMatcher.from_reference(REFERENCE_DIR)
        synonyms = HeaderSynonyms.from_file(HEADER_SYNONYMS)
        with warehouse.connect() as con:
            try:
                outcome = sync_source(
                    con, source, warehouse.raw_path(), version, matcher, synonyms, os.environ, context.log
                )
            except SyncRefused as refused:
                raise dg.Failure(description=str(refused), allow_retries=False) from None
            metadata = table_metadata(con, f"staging.{source.name}")
        plan = outcome.plan
        files = pd.DataFrame(outcome.ledger, columns=["file_path", "status", "error", "rows_rejected"])
        statuses = files["status"].value_counts().to_dict()
        return dg.MaterializeResult(
            metadata={
                **metadata,
                "raw_data_version": version_of(plan.hashes),
                "files_read": len(plan.to_read),
                "files_unchanged": len(plan.unchanged),
                "files_deleted": len(plan.deleted),
                "files_loaded": statuses.get("loaded", 0),
                "files_partial": statuses.get("partial", 0),
                "files_failed": statuses.get("failed", 0),
                "rows_rejected": int(files["rows_rejected"].sum()),
                "failed_files": _markdown(files[files["status"] == "failed"], ["file_path", "error"]),
                "rejected_examples": _markdown(
                    pd.DataFrame(outcome.rejection_examples, columns=REJECTION_COLUMNS),
                    ["file_path", "sheet", "row_number", "column_name", "value", "reason"],
                ),
            }
        )

    return _ingest


staging_assets = {name: staging_asset(source) for name, source in SOURCES.items()}
