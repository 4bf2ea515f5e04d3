"""The sync of one raw folder into its staging tables, file by file.

Files whose content (sha256) and ingest version are unchanged since the last run are not read again; a changed file
replaces exactly its own rows; a deleted file's rows leave the warehouse. A changed file that cannot be read or lost
most of its rows is `kept`: its last good rows stay published until a good version arrives or JAMSOSTEK_ALLOW_SHRINK=1
confirms the loss (pipeline/ingest/engine.kept_reason). Each file is committed with its ledger
row (a roster every COMMIT_ROWS rows as well): a run cut short leaves finished files in place and reads the rest
next time. Nothing here knows Dagster: the staging asset (pipeline/defs/ingest.py) calls `sync_source`.

The ingest version has two parts (`IngestVersion`): what reads the files (the source's code, its synonyms, the
region list) and the region aliases. A new reader reads every file again; a new alias reads again only the files
it can change, those with a region that did not match or that matched through an alias.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import duckdb

from pipeline.ingest import pii_key
from pipeline.ingest.declared_tables import prepare_staging
from pipeline.ingest.engine import (
    ALLOW_SHRINK_VARIABLE,
    Batch,
    FilePlan,
    Source,
    Staged,
    ingest_file,
    kept_reason,
    plan_files,
    shrink_refusal,
)
from pipeline.parse.regions import RegionMatcher
from pipeline.read.folders import FolderUnreadable
from pipeline.read.headers import HeaderSynonyms
from pipeline.warehouse.staging import (
    StagingTables,
    known_files,
    loaded_rows,
    record_key_check,
    recorded_key_check,
    schema_changed,
)

EXAMPLES = 20  # rejected rows kept for the asset's metadata
COMMIT_ROWS = 1_000_000

log = logging.getLogger(__name__)


class SyncRefused(Exception):
    """The sync stopped before changing anything (an unreadable folder, a lost folder, another PII key); the
    message says why and what to do."""


@dataclass(frozen=True)
class IngestVersion:
    reader: str  # the source's code, its header synonyms, the region list: a change reads every file again
    aliases: str  # the region aliases: a change reads again the files a region alias can change

    def __str__(self) -> str:
        return f"{self.reader}/{self.aliases}"

    @classmethod
    def parse(cls, text: str | None) -> IngestVersion:
        reader, _, aliases = (text or "").partition("/")
        return cls(reader, aliases)


@dataclass
class SyncOutcome:
    plan: FilePlan
    ledger: list[dict] = field(default_factory=list)  # the ledger rows of the files read in this run
    rejection_examples: list[dict] = field(default_factory=list)


def sync_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    raw_dir: Path,
    version: IngestVersion,
    matcher: RegionMatcher,
    synonyms: HeaderSynonyms,
    environ: Mapping[str, str],
    log: logging.Logger | logging.LoggerAdapter = log,
) -> SyncOutcome:
    """Bring staging.<source> and its companions up to date with the files under raw_dir/<source>/."""
    known = known_files(con, source.name)
    recorded = {path: IngestVersion.parse(v) for path, (_, v, _) in known.items()}
    # New reader code, or staging tables of another shape (an upgrade that added a column): read everything again.
    full_reload = any(v.reader != version.reader for v in recorded.values()) or schema_changed(con, source)
    sensitive = _alias_sensitive(con, source.name)
    # A file read under other aliases is still current when no alias can change it.
    known = {
        path: (sha, str(version) if path not in sensitive and recorded[path].reader == version.reader else v, status)
        for path, (sha, v, status) in known.items()
    }
    try:
        plan = plan_files(raw_dir, source.name, {} if full_reload else known, str(version))
    except FolderUnreadable as error:
        raise SyncRefused(f"{source.name}: {error}; nothing was changed or published") from None
    # An unmounted share looks like "every file was deleted": refused before anything changes.
    allow_shrink = environ.get(ALLOW_SHRINK_VARIABLE) == "1"
    previous_rows = loaded_rows(con, source.name)
    shrink = shrink_refusal(source.name, plan.hashes, previous_rows, allow_shrink)
    if shrink:
        raise SyncRefused(shrink)
    key, rekey = None, False
    if source.holds_nik and plan.hashes:
        key, rekey = _pii_key(environ, plan.hashes, recorded_key_check(con, source), log)
        if rekey:
            full_reload, plan = True, plan_files(raw_dir, source.name, {}, str(version))
    if plan.unchanged or plan.deleted:
        log.info(
            f"{source.name}: {len(plan.unchanged)} files unchanged since the last run, {len(plan.deleted)} deleted, {len(plan.to_read)} to read"
        )
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    staging = StagingTables(con, source.name)
    outcome = SyncOutcome(plan)
    uncommitted = 0

    def store(batch: Batch | Staged) -> None:
        nonlocal uncommitted
        if isinstance(batch, Staged):  # the source inserted its rows itself, through this connection
            uncommitted += batch.rows + batch.rejections
        else:
            staging.add(batch)
            uncommitted += len(batch.rows) + len(batch.rejections)
        # Commit every COMMIT_ROWS: one transaction over millions of roster rows would hold them all in memory,
        # and a commit per 100k-row chunk cost a sixth of the roster's time.
        if uncommitted >= COMMIT_ROWS:
            con.commit()
            con.begin()
            uncommitted = 0

    # Files read again that had rows: their rows are set aside first (also across a reader change, which drops the
    # tables), so that a version that fails or lost most of its rows gives them back. Not when a person confirmed the
    # loss, nor under a new PII key, whose pseudonyms must never mix with the old ones.
    guarded = (
        set()
        if allow_shrink or rekey
        else {rel for rel in (p.relative_to(raw_dir).as_posix() for p in plan.to_read) if previous_rows.get(rel, 0) > 0}
    )
    con.begin()
    staging.set_aside(sorted(guarded))
    prepare_staging(con, source, full_reload)
    staging.forget(plan.deleted)
    con.commit()
    for number, path in enumerate(plan.to_read, start=1):
        relative = path.relative_to(raw_dir).as_posix()
        con.begin()
        staging.forget([relative])
        file_key = pii_key.key_for(environ, plan.hashes[relative]) if source.holds_nik else None
        result = ingest_file(path, raw_dir, source, synonyms, matcher, pii_key=file_key, sink=store, con=con)
        if result.status == "failed":
            # What a file that broke part-way had stored (a roster commits every COMMIT_ROWS) leaves with it.
            con.rollback()
            con.begin()
            staging.forget([relative])
            uncommitted = 0
        ledger_row = result.ledger_row(loaded_at, str(version))
        reason = kept_reason(result, previous_rows[relative]) if relative in guarded else None
        if reason:
            ledger_row = _keep_last_good(con, staging, relative, ledger_row, reason)
        outcome.ledger.append(ledger_row)
        staging.record(ledger_row)
        con.commit()
        log.info(
            f"{source.name} {number}/{len(plan.to_read)} {result.file_path}: {ledger_row['status']}, {result.rows_read} read, "
            f"{result.rows_loaded} loaded, {result.rows_rejected} rejected, {sum(result.skipped.values())} skipped"
            + (f" ({ledger_row['error']})" if ledger_row["error"] else "")
        )
    outcome.rejection_examples = staging.rejections([row["file_path"] for row in outcome.ledger], EXAMPLES)
    con.begin()
    staging.mark_unchanged(plan.unchanged, str(version))
    if key:
        record_key_check(con, source, pii_key.key_check(key), loaded_at)
    con.commit()
    return outcome


def _keep_last_good(
    con: duckdb.DuckDBPyConnection, staging: StagingTables, relative: str, ledger_row: dict, reason: str
) -> dict:
    """Put a file's last good rows back in place of its new version's, and the ledger row that says so."""
    old = staging.last_good_ledger(relative)
    try:
        staging.restore(relative)
    except duckdb.Error as error:  # new reader code changed the staging table: the old rows no longer fit
        con.rollback()
        con.begin()
        staging.forget([relative])
        return {
            **ledger_row,
            "status": "failed",
            "rows_read": 0,
            "rows_loaded": 0,
            "rows_rejected": 0,
            "rows_skipped": 0,
            "error": f"{reason.split(';')[0]}; its last good rows could not be kept under the new reader code ({error})",
        }
    return {
        **old,
        "sha256": ledger_row["sha256"],
        "status": "kept",
        "error": reason,
        "loaded_at": ledger_row["loaded_at"],
        "ingest_version": ledger_row["ingest_version"],
        "last_good_sha256": old.get("last_good_sha256") or old["sha256"],
    }


def _alias_sensitive(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    """Files a change of the region aliases can change: a region that did not match, or matched through an alias."""
    if not known_files(con, source):
        return set()
    return {
        path
        for (path,) in con.execute(f"""
        SELECT file_path FROM staging.{source}_files WHERE len(coalesce(aliases_used, [])) > 0
        UNION SELECT file_path FROM staging.{source}_quarantine WHERE check_name = 'region_match'
    """).fetchall()
    }


def _pii_key(environ: Mapping[str, str], hashes: dict[str, str], recorded: str | None, log) -> tuple[str | None, bool]:
    """(the key the rosters are pseudonymised with in this run, whether every roster must be read again under it).

    Checked on every run that has rosters, whatever else changed: a new alias or new code never re-keys silently.
    Without JAMSOSTEK_PII_KEY only the shipped demo rosters have a key (the demo key); every other roster fails."""
    keys = {pii_key.key_for(environ, sha) for sha in hashes.values()} - {None}
    if not keys:
        return None, False
    [key] = keys  # the environment's key for every file, or the demo key for demo files only
    try:
        rekey = pii_key.ensure_same_key(recorded, key, environ.get(pii_key.REKEY_VARIABLE) == "1")
    except pii_key.KeyChanged as error:
        raise SyncRefused(str(error)) from None
    if key == pii_key.DEMO_KEY:
        log.warning(
            f"{pii_key.PII_KEY_VARIABLE} is not set: using the documented demo key for the synthetic demo rosters only"
        )
    if rekey:
        log.warning(f"{pii_key.REKEY_VARIABLE}=1 and a new key: every roster is read again under it")
    return key, rekey
