"""staging.<source>: one ingest asset per raw folder, all made by one factory over the source registry.

Files whose content (sha256) and ingest code are unchanged since the last run are not read again; a changed file
replaces exactly its own rows; a deleted file's rows leave the warehouse. Each file is committed with its ledger
row (and a roster chunk by chunk): a run cut short leaves finished files in place and reads the rest next time.
"""

import datetime as dt
import os

import dagster as dg
import pandas as pd

from pipeline.defs.metadata import code_version, python_closure, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.sources import raw_sources
from pipeline.ingest.engine import ALLOW_SHRINK_VARIABLE, REJECTION_COLUMNS, Batch, Source, as_pandas, ingest_file, plan_files, shrink_refusal
from pipeline.parse import nik
from pipeline.parse.regions import RegionMatcher
from pipeline.read.folders import FolderUnreadable, version_of
from pipeline.read.headers import HeaderSynonyms
from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
from pipeline.sources import SOURCES
from pipeline.warehouse.staging import (
    StagingTables, known_files, loaded_rows, prepare_staging, record_key_check, recorded_key_check, staging_sql_files,
)  # fmt: skip

EXAMPLES = 20  # failed files and rejected rows shown in the asset's metadata
COMMIT_ROWS = 1_000_000


def _markdown(frame: pd.DataFrame, columns: list[str]) -> dg.MetadataValue | str:
    return dg.MetadataValue.md(frame.head(EXAMPLES)[columns].to_markdown(index=False)) if len(frame) else "none"


def _pii_key(context: dg.AssetExecutionContext, hashes: dict[str, str], recorded: str | None) -> tuple[str | None, bool]:
    """(the key the rosters are pseudonymised with in this run, whether every roster must be read again under it).

    Checked on every run that has rosters, whatever else changed: a new alias or new code never re-keys silently.
    Without JAMSOSTEK_PII_KEY only the shipped demo rosters have a key (the demo key); every other roster fails."""
    keys = {nik.key_for(os.environ, sha) for sha in hashes.values()} - {None}
    if not keys:
        return None, False
    [key] = keys  # the environment's key for every file, or the demo key for demo files only
    try:
        rekey = nik.ensure_same_key(recorded, key, os.environ.get(nik.REKEY_VARIABLE) == "1")
    except nik.KeyChanged as error:
        raise dg.Failure(description=str(error), allow_retries=False) from None
    if key == nik.DEMO_KEY:
        context.log.warning(f"{nik.PII_KEY_VARIABLE} is not set: using the documented demo key for the synthetic demo rosters only")
    if rekey:
        context.log.warning(f"{nik.REKEY_VARIABLE}=1 and a new key: every roster is read again under it")
    return key, rekey


def staging_asset(source: Source) -> dg.AssetsDefinition:
    version = code_version(
        *(f"sql/{f}" for f in staging_sql_files(source.name)), "data/reference", *python_closure(f"pipeline.sources.{source.name}")
    )

    @dg.asset(
        key=["staging", source.name],
        deps=[raw_sources[source.name]],
        group_name="staging",
        # A file still being copied in or briefly unreadable (a network share) is worth another try.
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
        kinds={"duckdb", "pandas"},
        code_version=version,
        description=f"{source.description} Rows of every file in the raw '{source.name}/' folder that pass its contract, with "
        f"staging.{source.name}_files (ledger), _quarantine (rejected rows) and _totals (totals rows as cross-checks).",
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        raw_dir = warehouse.raw_path()
        matcher = RegionMatcher.from_reference(REFERENCE_DIR)
        synonyms = HeaderSynonyms.from_file(HEADER_SYNONYMS)
        with warehouse.connect() as con:
            known = known_files(con, source.name)
            full_reload = any(v != version for _, v, _ in known.values())
            try:
                plan = plan_files(raw_dir, source.name, {} if full_reload else known, version)
            except FolderUnreadable as error:
                raise dg.Failure(description=f"{source.name}: {error}; nothing was changed or published", allow_retries=False) from None
            # An unmounted share looks like "every file was deleted": refused before anything changes.
            shrink = shrink_refusal(source.name, plan.hashes, loaded_rows(con, source.name), os.environ.get(ALLOW_SHRINK_VARIABLE) == "1")
            if shrink:
                raise dg.Failure(description=shrink, allow_retries=False)
            key = None
            if source.holds_nik and plan.hashes:
                key, rekey = _pii_key(context, plan.hashes, recorded_key_check(con))
                if rekey:
                    full_reload, plan = True, plan_files(raw_dir, source.name, {}, version)
            if plan.unchanged or plan.deleted:
                context.log.info(f"{source.name}: {len(plan.unchanged)} files unchanged since the last run, "
                                 f"{len(plan.deleted)} deleted, {len(plan.to_read)} to read")  # fmt: skip
            loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            staging = StagingTables(con, source.name)
            ledger, rejection_examples = [], []

            uncommitted = 0

            def store(batch: Batch) -> None:
                nonlocal uncommitted
                staging.add(batch)
                if len(rejection_examples) < EXAMPLES:
                    rejection_examples.extend(as_pandas(batch.rejections).head(EXAMPLES).to_dict("records"))
                # Commit every COMMIT_ROWS: one transaction over millions of roster rows would hold them all in
                # memory, and a commit per 100k-row chunk cost a sixth of the roster's time.
                uncommitted += len(batch.rows) + len(batch.rejections)
                if uncommitted >= COMMIT_ROWS:
                    con.commit()
                    con.begin()
                    uncommitted = 0

            con.begin()
            prepare_staging(con, source.name, full_reload)
            staging.forget(plan.deleted)
            con.commit()
            for number, path in enumerate(plan.to_read, start=1):
                relative = path.relative_to(raw_dir).as_posix()
                con.begin()
                staging.forget([relative])
                file_key = nik.key_for(os.environ, plan.hashes[relative]) if source.holds_nik else None
                result = ingest_file(path, raw_dir, source, synonyms, matcher, pii_key=file_key, sink=store)
                if result.status == "failed":
                    # What a file that broke part-way had stored (a roster commits every COMMIT_ROWS) leaves with it.
                    con.rollback()
                    con.begin()
                    staging.forget([relative])
                    uncommitted = 0
                ledger.append(result.ledger_row(loaded_at, version))
                staging.record(ledger[-1])
                con.commit()
                context.log.info(
                    f"{source.name} {number}/{len(plan.to_read)} {result.file_path}: {result.status}, {result.rows_read} read, "
                    f"{result.rows_loaded} loaded, {result.rows_rejected} rejected, {sum(result.skipped.values())} skipped"
                    + (f" ({result.error})" if result.error else "")
                )
            con.begin()
            staging.mark_unchanged(plan.unchanged)
            if key:
                record_key_check(con, nik.key_check(key), loaded_at)
            con.commit()
            metadata = table_metadata(con, f"staging.{source.name}")
        files = pd.DataFrame(ledger, columns=["file_path", "status", "error", "rows_rejected"])
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
                    pd.DataFrame(rejection_examples, columns=REJECTION_COLUMNS), ["file_path", "sheet", "row_number", "column_name", "value", "reason"]
                ),
            }
        )

    return _ingest


staging_assets = {name: staging_asset(source) for name, source in SOURCES.items()}
