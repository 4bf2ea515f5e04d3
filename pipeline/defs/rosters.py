"""staging.rentan: vulnerable-worker rosters, streamed in chunks, NIKs pseudonymised, names dropped."""

import datetime as dt
import os

import dagster as dg
import pandas as pd

from pipeline import nik
from pipeline.defs.metadata import code_version, python_closure, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.sources import raw_sources
from pipeline.ingest import LEDGER_COLUMNS, FileResult, outside_raw_dir, plan_files, version_of
from pipeline.readers import FileUnreadable, HeaderSynonyms
from pipeline.regions import RegionMatcher
from pipeline.rosters import SOURCE, RosterRules, kabkota_codes, process, read_chunks, record_key_check, recorded_key_check
from pipeline.settings import HEADER_SYNONYMS, PROJECT_ROOT, REFERENCE_DIR
from pipeline.warehouse import insert_frame, known_files, prepare_staging, staging_sql_files, store_ingest

VERSION = code_version(*(f"sql/{f}" for f in staging_sql_files(SOURCE)), "data/reference", *python_closure("pipeline.rosters", "pipeline.ingest"))
DEMO_RAW = PROJECT_ROOT / "data" / "raw"


@dg.asset(
    key=["staging", SOURCE],
    deps=[raw_sources[SOURCE]],
    group_name="staging",
    kinds={"duckdb", "pandas"},
    code_version=VERSION,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    description="Roster rows of every file in the raw 'rentan/' folder: NIK checked and replaced by a keyed pseudonym "
    "(JAMSOSTEK_PII_KEY), name dropped; invalid rows quarantined with the NIK masked.",
)
def rentan(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    raw_dir = warehouse.raw_path()
    matcher = RegionMatcher.from_reference(REFERENCE_DIR)
    synonyms = HeaderSynonyms.from_file(HEADER_SYNONYMS)
    with warehouse.connect() as con:
        known = known_files(con, SOURCE)
        full_reload = any(v != VERSION for _, v, _ in known.values())
        plan = plan_files(raw_dir, SOURCE, {} if full_reload else known, VERSION)
        key = ""
        if plan.to_read:
            try:
                key = nik.pii_key(os.environ, allow_demo=raw_dir == DEMO_RAW.resolve())
            except nik.MissingKey as error:
                raise dg.Failure(description=str(error), allow_retries=False) from None
            if key == nik.DEMO_KEY:
                context.log.warning(f"{nik.PII_KEY_VARIABLE} is not set: using the documented demo key for the synthetic demo rosters")
            try:
                rekey = nik.ensure_same_key(None if full_reload else recorded_key_check(con), key, os.environ.get(nik.REKEY_VARIABLE) == "1")
            except nik.KeyChanged as error:
                raise dg.Failure(description=str(error), allow_retries=False) from None
            if rekey:
                context.log.warning(f"{nik.REKEY_VARIABLE}=1 and a new key: every roster is read again under it")
                full_reload = True
                plan = plan_files(raw_dir, SOURCE, {}, VERSION)
        rules = RosterRules(matcher, kabkota_codes(REFERENCE_DIR, matcher), key)
        loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        con.begin()
        prepare_staging(con, SOURCE, full_reload)
        empty = pd.DataFrame()
        store_ingest(con, SOURCE, [str(p) for p in plan.deleted], empty, empty, empty, empty, plan.unchanged)
        for number, path in enumerate(plan.to_read, start=1):
            relative = path.relative_to(raw_dir).as_posix()
            result = FileResult(SOURCE, relative, plan.hashes[relative])
            store_ingest(con, SOURCE, [relative], empty, empty, empty, empty, [])
            loaded = rejected = 0
            try:
                if reason := outside_raw_dir(path, raw_dir):
                    raise FileUnreadable(reason)
                for chunk in read_chunks(path, synonyms, result.notes):
                    staged, quarantine = process(chunk, rules, relative, result.sha256)
                    insert_frame(con, f"staging.{SOURCE}", staged)
                    insert_frame(con, f"staging.{SOURCE}_quarantine", quarantine)
                    loaded, rejected = loaded + len(staged), rejected + len(quarantine)
                    # Commit chunk by chunk: one transaction over millions of rows holds them all in memory. A
                    # file cut short has no ledger row yet, so the next run reads it again and replaces its rows.
                    con.commit()
                    con.begin()
            except FileUnreadable as error:
                result.error = str(error)
            ledger = result.ledger_row(loaded_at, VERSION) | {
                "rows_read": loaded + rejected, "rows_loaded": loaded, "rows_rejected": rejected,
                "status": "failed" if result.error else "partial" if rejected else "loaded",
            }  # fmt: skip
            insert_frame(con, f"staging.{SOURCE}_files", pd.DataFrame([ledger], columns=LEDGER_COLUMNS))
            context.log.info(f"{SOURCE} {number}/{len(plan.to_read)} {relative}: {ledger['status']}, {loaded} loaded, {rejected} rejected"
                             + (f" ({result.error})" if result.error else ""))  # fmt: skip
        if key:
            record_key_check(con, nik.key_check(key), loaded_at)
        con.commit()
        metadata = table_metadata(con, f"staging.{SOURCE}")
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "raw_data_version": version_of(plan.hashes),
            "files_read": len(plan.to_read),
            "files_unchanged": len(plan.unchanged),
            "files_deleted": len(plan.deleted),
        }
    )
