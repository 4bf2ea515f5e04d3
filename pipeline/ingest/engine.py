"""The one ingest engine: a raw file -> batches of typed rows with provenance, quarantined rows with reasons, totals
rows kept as cross-checks, and one ledger row per file.

Every file is ingested on its own: a file that cannot be read is recorded as failed and the others still load. A
source reads its files in one of two modes (pipeline/ingest/tables.py, pipeline/ingest/chunked.py); both report to
the same `FileResult`, so status, counts, notes and aliases mean the same for every source.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd
import pandera.pandas as pa
import pyarrow

from pipeline.ingest.columns import REJECTION_COLUMNS
from pipeline.parse.nik import mask_nik_shaped
from pipeline.parse.regions import RegionMatcher
from pipeline.read.folders import file_hash, outside_raw_dir, raw_files, relative_path
from pipeline.read.headers import HeaderSynonyms
from pipeline.read.sheet import FileUnreadable


@dataclass
class Batch:
    """Part of one file's outcome, ready for the staging tables: all of a table, or one chunk of a roster."""

    rows: pd.DataFrame | pyarrow.Table
    rejections: pd.DataFrame | pyarrow.Table
    totals: pd.DataFrame


@dataclass
class Staged:
    """Part of one file the source checked and inserted into its staging tables itself, in the caller's transaction
    (a roster's chunk, checked in SQL inside the warehouse): only its counts come back."""

    rows: int
    rejections: int


@dataclass
class ReadContext:
    """What reading one file needs besides the file (the matcher and synonyms are built once per run and shared)."""

    matcher: RegionMatcher
    synonyms: HeaderSynonyms
    pii_key: str | None = None  # the key NIKs are pseudonymised with; only a source holding NIKs needs one
    # Answers of the parsers within this file (a region name comes back on thousands of rows); per file, so that
    # the matcher still records every alias each file uses.
    memo: dict = field(default_factory=dict)
    # The warehouse connection whose staging tables a source that stages its own rows (`Staged`) writes to, inside
    # the sync's transaction; None outside a sync (tests, benchmarks), where such a source stages into a scratch one.
    con: duckdb.DuckDBPyConnection | None = None


@dataclass
class FileResult:
    source: str
    file_path: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    skipped: Counter = field(default_factory=Counter)  # kind of non-data row -> count
    error: str | None = None
    modified_at: dt.datetime | None = None  # the file's modification time (UTC) when it was read
    aliases_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was deliberately left unread, e.g. a hidden sheet
    # Kept only when no sink takes the batches (tests, benchmarks); a national roster never sits here.
    rows: pd.DataFrame | None = None
    rejections: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.error is not None:
            return "failed"
        return "partial" if self.rows_rejected else "loaded"

    def ledger_row(self, loaded_at: dt.datetime, ingest_version: str = "") -> dict:
        return {
            "file_path": self.file_path,
            "sha256": self.sha256,
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": sum(self.skipped.values()),
            "skipped_detail": ", ".join(f"{n} {kind}" for kind, n in sorted(self.skipped.items()) if n) or None,
            "status": self.status,
            "error": self.error,
            "loaded_at": loaded_at,
            "modified_at": self.modified_at,
            "ingest_version": ingest_version,
            "aliases_used": self.aliases_used,
            "notes": "; ".join(self.notes) or None,
            "last_good_sha256": None,
        }

    def _keep(self, batch: Batch) -> None:
        rows = as_pandas(batch.rows)
        if not rows.empty:
            self.rows = rows if self.rows is None else pd.concat([self.rows, rows], ignore_index=True)
        self.rejections += as_pandas(batch.rejections).to_dict("records")
        self.totals += as_pandas(batch.totals).to_dict("records")


def as_pandas(frame) -> pd.DataFrame:
    """A batch's frame as pandas: the table mode makes pandas, the chunked mode Arrow tables."""
    return frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()


@dataclass
class Source:
    """One raw folder: its name (folder, staging table, synonyms section), required header fields, and how to read it.

    A subclass reads a file as a stream of batches, counting rows read and skipped on `result`; the engine counts
    what was loaded and rejected.
    """

    name: str
    required: list[list[str]]  # header fields: each inner list is alternatives, one of which must be present
    description: str  # what the folder holds, for the asset, the docs and the data dictionary
    # Its staged columns, each with its type and description: the pandera contract every row passes (table mode),
    # or the declaration of the columns the roster checks make (chunked mode). The staging DDL, the dbt sources and
    # the dictionary are made from it (pipeline/ingest/columns.py).
    schema: type[pa.DataFrameModel]
    # Its rows carry NIKs, so reading it needs JAMSOSTEK_PII_KEY (keyword-only: a subclass's own fields follow these four).
    holds_nik: bool = field(default=False, kw_only=True)

    def read(self, path: Path, context: ReadContext, result: FileResult) -> Iterator[Batch]:
        raise NotImplementedError


def ingest_file(
    path: Path,
    raw_dir: Path,
    source: Source,
    synonyms: HeaderSynonyms,
    matcher: RegionMatcher,
    *,
    pii_key: str | None = None,
    sink: Callable[[Batch | Staged], None] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileResult:
    """Read one file of `source`. Its batches go to `sink` as they come, or are kept on the result when there is none;
    a source that stages its own rows writes them through `con` (the sink then only hears their counts)."""
    raw_dir = Path(raw_dir)
    result = FileResult(source.name, relative_path(path, raw_dir), file_hash(path, raw_dir))
    result.modified_at = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
    context = ReadContext(matcher, synonyms, pii_key, con=con)
    matcher.aliases_used.clear()
    try:
        if reason := outside_raw_dir(path, raw_dir):
            raise FileUnreadable(reason)
        batches = source.read(path, context, result)
        while (batch := _next_batch(batches, path)) is not None:
            # What the sink raises (the warehouse itself: a full disk, a lock) is not this file's fault and stops the run.
            staged = isinstance(batch, Staged)
            result.rows_loaded += batch.rows if staged else len(batch.rows)
            result.rows_rejected += batch.rejections if staged else len(batch.rejections)
            if sink is None:
                result._keep(batch)
            else:
                sink(batch)
    except FileUnreadable as error:
        # A library's message may quote a cell (calamine: "Unrecognized boolean cell value: 3575011203850001").
        result.error = mask_nik_shaped(str(error))
        # A failed file loads nothing, even when it broke part-way (a roster's later chunk): its counts say so.
        result.rows_read = result.rows_loaded = result.rows_rejected = 0
        result.skipped.clear()
        result.rows, result.rejections, result.totals = None, [], []
    result.aliases_used = sorted(matcher.aliases_used)
    return result


def _next_batch(batches: Iterator[Batch | Staged], path: Path) -> Batch | Staged | None:
    """The next batch of a file, or None at its end. Whatever breaks while reading or converting the file's content
    makes the file `failed` with the reason: one hostile file never stops the other files or the run."""
    try:
        return next(batches)
    except StopIteration:
        return None
    except (FileUnreadable, MemoryError, duckdb.IOException):  # a full disk is the warehouse's, not the file's
        raise
    except Exception as error:  # a reader or a check that broke on this file's content
        raise FileUnreadable(f"{path.name}: could not be read ({type(error).__name__}: {_first_line(error)})") from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else "no message"


@dataclass
class FilePlan:
    hashes: dict[str, str]  # file -> sha256 of every file present
    unchanged: list[str]  # same content and ingest version as last run: keep its rows
    deleted: list[str]  # gone since last run: remove its rows
    to_read: list[Path]


def plan_files(raw_dir: Path, source: str, known: dict[str, tuple[str, str, str]], ingest_version: str) -> FilePlan:
    """Which files of a source to read again, given the last run's ledger (file -> sha256, version, status)."""
    present = {relative_path(p, raw_dir): p for p in raw_files(raw_dir, source)}
    hashes = {rel: file_hash(p, raw_dir) for rel, p in present.items()}
    unchanged = sorted(
        rel
        for rel in present
        if rel in known
        and known[rel][0] == hashes[rel]
        and known[rel][1] == ingest_version
        and known[rel][2] != "failed"
    )
    return FilePlan(
        hashes, unchanged, sorted(set(known) - set(present)), [p for rel, p in present.items() if rel not in unchanged]
    )


ALLOW_SHRINK_VARIABLE = "JAMSOSTEK_ALLOW_SHRINK"


def shrink_refusal(source: str, present: dict[str, str], loaded: dict[str, int], allowed: bool) -> str | None:
    """Why this run must not go on, when a source lost all its files or most of its rows since the last run: an
    unmounted share or a wrong JAMSOSTEK_RAW_DIR looks exactly like "every file was deleted", and publishing that would
    replace the analysts' last good data with nothing. `present` is the files there now, `loaded` the rows each file of
    the last run loaded. None when nothing was lost, or when the loss is confirmed."""
    deleted = sorted(set(loaded) - set(present))
    if not deleted or allowed:
        return None
    before = sum(loaded.values())
    lost = sum(loaded[f] for f in deleted)
    if present and lost <= before / 2:
        return None
    what = "all its files" if not present else f"{lost:,} of its {before:,} loaded rows"
    return (
        f"raw folder '{source}/' lost {what} since the last run: {len(deleted)} of its {len(loaded)} files are gone "
        f"({', '.join(deleted[:5])}{', ...' if len(deleted) > 5 else ''}). Nothing was changed or published. "
        f"If the folder is not mounted or JAMSOSTEK_RAW_DIR is wrong, fix that; if the files were removed on purpose, run once "
        f"with {ALLOW_SHRINK_VARIABLE}=1"
    )


def kept_reason(result: FileResult, last_good_rows: int) -> str | None:
    """Why a file's last good rows stay published instead of its new version's, or None to take the new version.

    Rows leave the warehouse only when a person meant it: a re-sent file that cannot be read (cut short, 0 bytes, a
    cloud placeholder) or that lost most of its rows (an export stopped after the header) is far more often an accident
    than a correction, so its last good version is served until a good one arrives or the loss is confirmed."""
    if result.status == "failed":
        what = f"this version could not be read ({result.error})"
    elif result.rows_loaded * 2 < last_good_rows:
        what = (
            f"this version has {result.rows_loaded:,} loadable rows ({result.rows_read:,} read, "
            f"{result.rows_rejected:,} rejected) where the last good version had {last_good_rows:,}"
        )
    else:
        return None
    return (
        f"{what}; the last good version's {last_good_rows:,} rows are still published until a good version arrives, "
        f"or until a run with {ALLOW_SHRINK_VARIABLE}=1 confirms the change"
    )


def rejection_frame(rejections: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rejections, columns=REJECTION_COLUMNS)
