"""Raw file -> typed rows with provenance, quarantined rows with reasons, and one ledger row per file.

Every file is ingested on its own: a file that cannot be read is recorded as failed and the others still load.
For every file, rows read = rows loaded + rows rejected + rows skipped (totals, sections, footnotes). In a wide
layout each value cell (one segment or one year of a region) counts as one row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from pipeline import schemas
from pipeline.denominators import parse_denominator_kind
from pipeline.layouts import classify_row, expand, period_from_title
from pipeline.numbers import parse_number
from pipeline.periods import parse_period, parse_year
from pipeline.readers import FileUnreadable, Header, HeaderSynonyms, Sheet, WideColumn, is_blank, read_workbook, sha256_of
from pipeline.regions import RegionMatcher
from pipeline.segments import SEGMENTS, SegmentError, parse_segment

log = logging.getLogger(__name__)

PROVENANCE_COLUMNS = ["file_path", "sheet", "row_number", "file_sha256"]
LEDGER_COLUMNS = [
    "file_path", "sha256", "source", "rows_read", "rows_loaded", "rows_rejected", "rows_skipped", "skipped_detail",
    "status", "error", "loaded_at", "ingest_version", "aliases_used", "notes",
]  # fmt: skip
REJECTION_COLUMNS = ["source", "file_path", "sheet", "row_number", "column_name", "value", "check_name", "reason"]
TOTAL_COLUMNS = ["source", "file_path", "sheet", "row_number", "label", "scope", "period", "year", "segment", "stated_value"]


class RowRejected(Exception):
    """One row that breaks the contract: which field, what value, which check, and why in plain words."""

    def __init__(self, field_name: str, value: object, check: str, reason: str):
        super().__init__(reason)
        self.field_name, self.value, self.check, self.reason = field_name, value, check, reason


@dataclass
class RowContext:
    """What a row's conversion may need beyond its own cells."""

    matcher: RegionMatcher
    period: dt.date | None  # from a title cell or the file name, when the table has no period column
    level: str | None = None  # regency | city, from the section row ("KABUPATEN", "KOTA") above the row


@dataclass
class SourceSpec:
    name: str  # the folder under the raw directory, and the staging table
    required: list[list[str]]  # header fields: each inner list is alternatives, one of which must be present
    schema: type[pa.DataFrameModel]
    convert: Callable[[dict[str, object], RowContext], dict[str, object]]
    needs_period: bool = False  # the file must say which month it reports
    wide: WideColumn | None = None  # headers that name a segment or a year instead of a field
    total_value: str | None = None  # the field a totals row states (kept as a cross-check)


@dataclass
class FileResult:
    source: str
    file_path: str
    sha256: str
    rows: pd.DataFrame | None = None
    rejections: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # kind of non-data row -> count
    rows_read: int = 0
    error: str | None = None
    aliases_used: list[str] = field(default_factory=list)
    headers: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, field) -> header text in the file
    notes: list[str] = field(default_factory=list)  # what was deliberately left unread, e.g. a hidden sheet

    @property
    def rows_loaded(self) -> int:
        return 0 if self.rows is None else len(self.rows)

    @property
    def status(self) -> str:
        if self.error is not None:
            return "failed"
        return "partial" if self.rejections else "loaded"

    def ledger_row(self, loaded_at: dt.datetime, ingest_version: str = "") -> dict:
        return {
            "file_path": self.file_path,
            "sha256": self.sha256,
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": len(self.rejections),
            "rows_skipped": sum(self.skipped.values()),
            "skipped_detail": ", ".join(f"{n} {kind}" for kind, n in sorted(self.skipped.items()) if n) or None,
            "status": self.status,
            "error": self.error,
            "loaded_at": loaded_at,
            "ingest_version": ingest_version,
            "aliases_used": self.aliases_used,
            "notes": "; ".join(self.notes) or None,
        }


def raw_files(raw_dir: Path, source: str) -> list[Path]:
    folder = Path(raw_dir) / source
    if not folder.is_dir():
        return []
    # Office lock files (~$x.xlsx) and hidden files are never data.
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("~$", ".")) and p.name != "README.md")


def relative_path(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else str(path)


def outside_raw_dir(path: Path, raw_dir: Path) -> str | None:
    """Why a path is not read, when it is a link (or lies in a linked folder) leading outside the raw folder."""
    target = path.resolve()
    if target.is_relative_to(Path(raw_dir).resolve()):
        return None
    return f"{path.name}: a link to {target}, outside the raw folder; links are not followed there (copy the file in instead)"


def file_hash(path: Path, raw_dir: Path) -> str:
    """The content hash of a raw file; a link leading outside the raw folder is named by its target, never read."""
    if outside_raw_dir(path, raw_dir):
        return "link:" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    return sha256_of(path)


def ingest_file(path: Path, raw_dir: Path, spec: SourceSpec, synonyms: HeaderSynonyms, matcher: RegionMatcher) -> FileResult:
    relative = relative_path(path, Path(raw_dir))
    result = FileResult(spec.name, relative, file_hash(path, raw_dir))
    matcher.aliases_used.clear()
    try:
        if reason := outside_raw_dir(path, raw_dir):
            raise FileUnreadable(reason)
        workbook = read_workbook(path)
        result.notes += [f"hidden sheet '{name}' not read" for name in workbook.hidden]
        tables = _locate_tables(path, workbook.sheets, spec, synonyms)
    except FileUnreadable as error:
        result.error = str(error)
        return result

    converted: list[dict] = []
    for sheet, header in tables:
        context = RowContext(matcher, period_from_title(header.title_text, path.stem))
        if spec.needs_period and "period" not in header.fields and context.period is None:
            result.error = (
                f"{path.name}{_sheet_label(sheet)}: no period found; add a 'Periode' column, a title such as "
                "'Periode: September 2021', or YYYY-MM in the file name"
            )
            return result
        for index in range(header.row_index + 1, len(sheet.rows)):
            row = sheet.rows[index]
            if is_blank(row):
                continue
            provenance = {"file_path": relative, "sheet": sheet.name, "row_number": index + 1, "file_sha256": result.sha256}
            kind = classify_row(row, header, matcher)
            if kind.kind != "data":
                result.rows_read += 1
                result.skipped[kind.kind] += 1
                if kind.kind == "section":
                    context.level = kind.level
                elif kind.kind == "total":
                    result.totals += _stated_totals(spec, row, header, context, kind, provenance)
                continue
            records = expand(row, header)
            result.rows_read += len(records)
            if header.is_wide:
                # "-" or an empty cell under a year or segment column is no figure, not a broken one (BPS
                # published no kab/kota figures for 2016, for example): counted as skipped, not quarantined.
                wide_fields = {c.field for c in header.columns if c.key_field}
                blank = [r for r in records if all(str(r[0].get(f) or "").strip() in ("", "-") for f in wide_fields)]
                result.skipped["empty cell"] += len(blank)
                records = [r for r in records if r not in blank]
            failure = _row_total_mismatch(records, spec)
            for record, texts in records:
                result.headers.update({(sheet.name, f): t for f, t in texts.items()})
                try:
                    if failure is not None:
                        raise failure
                    converted.append({**spec.convert(record, context), **provenance})
                except RowRejected as rejected:
                    column = texts.get(rejected.field_name, rejected.field_name)
                    result.rejections.append(_rejection(spec.name, provenance, column, rejected.value, rejected.check, rejected.reason))

    result.rows = _validate(spec, converted, result)
    result.aliases_used = sorted(matcher.aliases_used)
    return result


def _locate_tables(path: Path, sheets: list[Sheet], spec: SourceSpec, synonyms: HeaderSynonyms) -> list[tuple[Sheet, Header]]:
    tables = [(sheet, header) for sheet in sheets if (header := synonyms.locate(spec.name, sheet, spec.required, spec.wide))]
    if tables:
        return tables
    if not sheets:
        raise FileUnreadable(f"{path.name}: the workbook has no visible sheet (hidden sheets are not read)")
    if all(not any(not is_blank(r) for r in sheet.rows) for sheet in sheets):
        raise FileUnreadable(f"{path.name}: the file has no rows")
    missing = synonyms.missing(spec.name, max(sheets, key=lambda s: len(s.rows)), spec.required, spec.wide)
    raise FileUnreadable(
        f"{path.name}: no header row with the required columns; missing {', '.join(repr(m) for m in missing)} "
        f"(accepted names are in data/reference/header_synonyms.toml, section [{spec.name}])"
    )


def _sheet_label(sheet: Sheet) -> str:
    return f", sheet '{sheet.name}'" if sheet.name else ""


def _row_total_mismatch(records: list[tuple[dict, dict]], spec: SourceSpec) -> RowRejected | None:
    """In a wide row, a Total column must equal the sum of the segment columns; it is never loaded itself."""
    if len(records) < 2 or "row_total" not in records[0][0] or spec.total_value is None:
        return None
    try:
        stated = parse_number(records[0][0]["row_total"], whole=True)
        parts = [parse_number(r[spec.total_value], whole=True) for r, _ in records]
    except ValueError:
        return None  # the unreadable cell itself is reported by the conversion
    if stated is None or any(p is None for p in parts) or sum(parts) == stated:
        return None
    return RowRejected(
        "row_total", records[0][0]["row_total"], "row_total_matches",
        f"the segment columns add up to {sum(parts):,.0f} but the Total column says {stated:,.0f}; one of them is wrong",
    )  # fmt: skip


def _stated_totals(spec: SourceSpec, row: list, header: Header, context: RowContext, kind, provenance: dict) -> list[dict]:
    """A totals row becomes cross-check figures: what the file says the sum is, per period/segment or year."""
    if spec.total_value is None:
        return []
    totals = []
    for record, _ in expand(row, header):
        try:
            value = parse_number(record.get(spec.total_value), whole=True)
            period = parse_period(record["period"], record.get("year")) if record.get("period") else context.period
            year = parse_year(record["year"]) if record.get("year") not in (None, "") and "period" not in record else None
            segment = parse_segment(record["segment"]) if record.get("segment") not in (None, "") else "ALL"
        except (ValueError, SegmentError):
            continue  # an unreadable total cannot cross-check anything; the row is still counted as skipped
        if value is None:
            continue
        totals.append({
            "source": spec.name, "file_path": provenance["file_path"], "sheet": provenance["sheet"],
            "row_number": provenance["row_number"], "label": kind.label, "scope": kind.scope,
            "period": pd.Timestamp(period) if period and spec.needs_period else pd.NaT, "year": year,
            "segment": segment if spec.needs_period else None, "stated_value": value,
        })  # fmt: skip
    if "row_total" in header.fields and spec.needs_period and totals:
        try:
            grand = parse_number(row[next(c.index for c in header.columns if c.field == "row_total")], whole=True)
        except ValueError:
            grand = None
        if grand is not None:
            totals.append({**totals[0], "segment": "ALL", "stated_value": grand})
    return totals


def _rejection(source: str, provenance: dict, column: str | None, value: object, check: str, reason: str) -> dict:
    return {
        "source": source,
        "file_path": provenance["file_path"],
        "sheet": provenance["sheet"],
        "row_number": provenance["row_number"],
        "column_name": column,
        "value": None if value is None else str(value),
        "check_name": check,
        "reason": reason,
    }


def _validate(spec: SourceSpec, converted: list[dict], result: FileResult) -> pd.DataFrame:
    """Run the source's pandera contract; failing rows move to quarantine, the rest are returned typed."""
    frame = pd.DataFrame(converted)
    if frame.empty:
        return frame
    frame = frame.reset_index(drop=True)
    try:
        valid = spec.schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        bad = cases[cases["index"].notna()]
        # One quarantine entry per row: a dataframe-wide check reports every column of a failing row.
        for index, row_cases in bad.groupby(bad["index"].astype(int), sort=True):
            row = frame.loc[index]
            reasons = list(dict.fromkeys(_check_reason(spec, case) for _, case in row_cases.iterrows()))
            first = row_cases.iloc[0]
            field_name = first["column"] if isinstance(first["column"], str) and first["column"] in frame.columns else None
            column = result.headers.get((row["sheet"], field_name), field_name)
            value = first["failure_case"] if field_name else None
            check = _check_name(spec, first["check"])
            result.rejections.append(_rejection(spec.name, row, column, value, check, "; ".join(reasons)))
        if len(bad) < len(cases):
            unexplained = cases[cases["index"].isna()].iloc[0]
            raise RuntimeError(f"{result.file_path}: contract {spec.schema.__name__} failed as a whole: {unexplained['check']}")
        frame = frame.drop(index=sorted({int(i) for i in bad["index"]}))
        valid = spec.schema.validate(frame, lazy=True)
    provenance = frame.loc[valid.index, PROVENANCE_COLUMNS]
    return pd.concat([valid, provenance], axis=1).reset_index(drop=True)


def _custom_checks(spec: SourceSpec) -> dict[str, str]:
    """error text -> check name for the contract's own checks (pandera reports a check by its error text)."""
    schema = spec.schema.to_schema()
    checks = [*schema.checks, *(c for column in schema.columns.values() for c in column.checks)]
    return {c.error: c.name for c in checks if c.error}


def _check_name(spec: SourceSpec, check: object) -> str:
    text = str(check)
    return _custom_checks(spec).get(text) or re.sub(r"\(.*\)$", "", text) or text


def _check_reason(spec: SourceSpec, case: pd.Series) -> str:
    check, value, column = str(case["check"]), case["failure_case"], case["column"]
    readable = {
        "greater_than_or_equal_to": "must be at least",
        "greater_than": "must be more than",
        "less_than_or_equal_to": "must be at most",
        "isin": "must be one of",
        "str_matches": "must look like",
    }
    for name, words in readable.items():
        if check.startswith(name + "("):
            return f"{column} = {value!r} {words} {check[len(name) + 1:-1]}"
    if check == "coerce_dtype" or check.startswith("coerce_dtype"):
        return f"{column} = {value!r} cannot be read as {check.split('(')[-1].rstrip(')')}"
    if check in _custom_checks(spec):
        return check  # the contract's own error text is already written for a person
    return f"{column} = {value!r} fails {check}"


# --- conversions: raw cells -> typed fields, one function per source -------------------------------------------


def _parsed(record: dict, name: str, parser: Callable[[object], object], check: str) -> object:
    try:
        return parser(record.get(name))
    except ValueError as error:
        raise RowRejected(name, record.get(name), check, str(error)) from None


def _required(record: dict, name: str, value: object, what: str) -> object:
    if value is None:
        raise RowRejected(name, record.get(name), "required_value", f"{what} is empty")
    return value


def _count(record: dict, name: str) -> float | None:
    return _parsed(record, name, lambda v: parse_number(v, whole=True), "number_format")


def _region(record: dict, context: RowContext, level: str | None) -> str:
    """The one way every source turns its region cells into a Kemendagri code."""
    column = next((f for f in ("region_code", "region_name", "province", "region") if record.get(f) not in (None, "")), "region_name")
    code, name = record.get("region_code"), record.get("region_name")
    if "region" in record:  # one column holding either a code or a name (targets)
        text = str(record["region"] or "").strip()
        code, name = (text, None) if re.fullmatch(r"[\d.]+", text) else (None, text)
    level = context.level or level  # a "KOTA" section row above says which Pasuruan is meant
    try:
        return context.matcher.match(code=code, name=name, province=record.get("province"), level=level if name else None)
    except ValueError as error:
        raise RowRejected(column, record.get(column), "region_match", str(error)) from None


def convert_participation(record: dict, context: RowContext) -> dict:
    if "period" in record:
        period = _parsed(record, "period", lambda v: parse_period(v, record.get("year")), "period_format")
    else:
        period = context.period
    active = _required(record, "active_participants", _count(record, "active_participants"), "active participants")
    return {
        "period": pd.Timestamp(period),
        "region_code": _region(record, context, "kabkota"),
        "segment": _parsed(record, "segment", parse_segment, "segment_value"),
        "active_participants": int(active),
        "new_participants": _count(record, "new_participants"),
        "inactive_participants": _count(record, "inactive_participants"),
    }


def convert_workforce(record: dict, context: RowContext) -> dict:
    employed = _required(record, "employed", _count(record, "employed"), "employed persons")
    return {
        "year": _parsed(record, "year", parse_year, "year_format"),
        "region_code": _region(record, context, "kabkota"),
        "employed": int(employed),
        "formal": _count(record, "formal"),
        "informal": _count(record, "informal"),
    }


def convert_target(record: dict, context: RowContext) -> dict:
    def text(name: str) -> str | None:
        value = record.get(name)
        return None if value is None or str(value).strip() in ("", "-") else str(value).strip()

    baseline = text("baseline_period")
    metric = (text("metric") or "").lower()
    # A count target reads "28.000" as twenty-eight thousand; a percentage target never guesses.
    whole = metric == "active_participants"
    value = _required(record, "target_value", _parsed(record, "target_value", lambda v: parse_number(v, whole=whole), "number_format"), "target_value")
    funding = text("funding_source")
    return {
        "target_id": _required(record, "target_id", text("target_id"), "target_id"),
        "region_code": _region(record, context, None),
        "segment": _parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value"),
        "metric": metric,
        "target_value": float(value),
        "deadline": pd.Timestamp(_parsed(record, "deadline", parse_period, "period_format")),
        "baseline_period": pd.Timestamp(_parsed(record, "baseline_period", parse_period, "period_format")) if baseline else pd.NaT,
        "funding_source": funding.upper() if funding else None,
        "denominator": text("denominator"),
        "budget_idr": _parsed(record, "budget_idr", lambda v: parse_number(v, whole=True), "number_format"),
        "source": _required(record, "source", text("source"), "source (who set the target, where and when)"),
    }


def segment_column(text: str, field_for: Callable[[str], str | None]) -> tuple[str, str | None, object] | None:
    """Wide participation headers: 'PU', 'Bukan Penerima Upah', 'Peserta Aktif BPU'; 'Total' is a cross-check."""
    words = text.split()
    for split in range(len(words)):
        prefix, rest = " ".join(words[:split]), " ".join(words[split:])
        if prefix and field_for(prefix) != "active_participants":
            continue
        if field_for(rest) == "row_total":
            return ("row_total", None, None)
        try:
            return ("active_participants", "segment", parse_segment(rest))
        except SegmentError:
            continue
    return None


def year_column(text: str, field_for: Callable[[str], str | None]) -> tuple[str, str | None, object] | None:
    """Wide BPS headers: '2021', 'Penduduk Bekerja 2021', 'Formal (2021)'; a bare year holds employed persons."""
    match = re.fullmatch(r"(.*?)[\s(]*\b((?:19|20)\d{2})\b[\s)]*(.*)", text)
    if not match:
        return None
    rest = f"{match.group(1)} {match.group(3)}".strip()
    field_name = field_for(rest) if rest else "employed"
    return (field_name, "year", int(match.group(2))) if field_name in ("employed", "formal", "informal") else None


def convert_potential(record: dict, context: RowContext) -> dict:
    potential = _required(record, "potential_workers", _count(record, "potential_workers"), "potential workers")
    source = record.get("source")
    return {
        "year": _parsed(record, "year", parse_year, "year_format"),
        "region_code": _region(record, context, None),
        "segment": _parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value"),
        "potential_workers": int(potential),
        "source": _required(record, "source", None if source in (None, "") else str(source).strip(), "source (who published the figure)"),
    }


def convert_statement(record: dict, context: RowContext) -> dict:
    """A published statement, as said: the figures are checked in marts.statement_checks, not corrected here."""

    def text(name: str) -> str | None:
        value = record.get(name)
        return None if value is None or str(value).strip() in ("", "-") else str(value).strip()

    participants = _count(record, "stated_participants")
    pct = _parsed(record, "stated_coverage_pct", parse_number, "number_format")
    if participants is None and pct is None:
        raise RowRejected("stated_participants", None, "required_value", "a statement needs its participants, its coverage %, or both")
    deadline = text("target_deadline")
    segment = text("segment")
    return {
        "statement_id": text("statement_id"),
        "region_code": _region(record, context, None),
        "period": pd.Timestamp(_parsed(record, "as_of", parse_period, "period_format")),
        "stated_as_of": text("as_of") if not isinstance(record.get("as_of"), (dt.date, dt.datetime)) else f"{record['as_of']:%Y-%m-%d}",
        "segment": _parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value") if segment else "ALL",
        "stated_participants": participants,
        "stated_denominator": _count(record, "stated_denominator"),
        "denominator_kind": _parsed(record, "denominator_kind", parse_denominator_kind, "denominator_kind"),
        "stated_coverage_pct": pct,
        **{f"stated_{s.lower()}": _count(record, f"stated_{s.lower()}") for s in SEGMENTS},
        "target_value": _parsed(record, "target_value", parse_number, "number_format"),
        "target_deadline": pd.Timestamp(_parsed(record, "target_deadline", parse_period, "period_format")) if deadline else pd.NaT,
        "source": _required(record, "source", text("source"), "source (who said it, where and when)"),
        "url": text("url"),
    }


REGION_FIELDS = ["region_code", "region_name", "province"]
PARTICIPATION = SourceSpec(
    "participation", [REGION_FIELDS, ["segment"], ["active_participants"]], schemas.ParticipationRows, convert_participation,
    needs_period=True, wide=segment_column, total_value="active_participants",
)  # fmt: skip
WORKFORCE = SourceSpec(
    "workforce", [REGION_FIELDS, ["year"], ["employed"]], schemas.WorkforceRows, convert_workforce,
    wide=year_column, total_value="employed",
)  # fmt: skip
TARGETS = SourceSpec(
    "targets", [["target_id"], ["region"], ["segment"], ["metric"], ["target_value"], ["deadline"], ["source"]], schemas.TargetRows, convert_target
)
POTENTIAL = SourceSpec(
    "potential", [REGION_FIELDS, ["year"], ["segment"], ["potential_workers"], ["source"]], schemas.PotentialRows, convert_potential
)
STATEMENTS = SourceSpec(
    "statements", [["region"], ["as_of"], ["stated_participants", "stated_coverage_pct"], ["source"]], schemas.StatementRows,
    convert_statement,
)  # fmt: skip
SOURCES = {spec.name: spec for spec in (PARTICIPATION, WORKFORCE, TARGETS, POTENTIAL, STATEMENTS)}
# Every raw folder: the five above, read row by row, and the rosters, streamed in chunks (pipeline/rosters.py).
RAW_FOLDERS = (*SOURCES, "rentan")


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
        rel for rel in present
        if rel in known and known[rel][0] == hashes[rel] and known[rel][1] == ingest_version and known[rel][2] != "failed"
    )  # fmt: skip
    return FilePlan(hashes, unchanged, sorted(set(known) - set(present)), [p for rel, p in present.items() if rel not in unchanged])


@dataclass
class SourceIngest:
    results: list[FileResult]  # files read in this run
    unchanged: list[str]  # files with the same content and ingest version as last run: their rows are kept
    deleted: list[str]  # files of the last run that are gone: their rows leave the warehouse
    raw_data_version: str  # content version of the folder as read (see content_version)


def ingest_source(
    raw_dir: Path,
    spec: SourceSpec,
    synonyms: HeaderSynonyms,
    matcher: RegionMatcher,
    known: dict[str, tuple[str, str, str]] | None = None,
    ingest_version: str = "",
    progress: logging.Logger | logging.LoggerAdapter = log,
) -> SourceIngest:
    """Ingest the files of one source that are new or changed since `known` (file -> sha256, version, status)."""
    known = known or {}
    raw_dir = Path(raw_dir)
    plan = plan_files(raw_dir, spec.name, known, ingest_version)
    unchanged, deleted, to_read, hashes = plan.unchanged, plan.deleted, plan.to_read, plan.hashes
    if unchanged or deleted:
        progress.info("%s: %d files unchanged since the last run, %d deleted, %d to read", spec.name, len(unchanged), len(deleted), len(to_read))
    results = []
    for number, path in enumerate(to_read, start=1):
        result = ingest_file(path, raw_dir, spec, synonyms, matcher)
        progress.info(
            "%s %d/%d %s: %s, %d read, %d loaded, %d rejected, %d skipped%s",
            spec.name, number, len(to_read), result.file_path, result.status, result.rows_read, result.rows_loaded,
            len(result.rejections), sum(result.skipped.values()), f" ({result.error})" if result.error else "",
        )  # fmt: skip
        results.append(result)
    return SourceIngest(results, unchanged, deleted, version_of(hashes))


def folder_state(raw_dir: Path, source: str) -> str:
    """A cheap fingerprint of a source folder (names, sizes, modification times): changes when any file does."""
    digest = hashlib.sha256()
    for path in raw_files(raw_dir, source):
        stat = path.stat()
        digest.update(f"{relative_path(path, Path(raw_dir))}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def content_version(raw_dir: Path, source: str) -> str:
    """The data version of a source folder: its file names and their content hashes (touching a file changes nothing)."""
    return version_of({relative_path(p, Path(raw_dir)): file_hash(p, raw_dir) for p in raw_files(raw_dir, source)})


def version_of(hashes: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for relative, sha in sorted(hashes.items()):
        digest.update(f"{relative}\0{sha}\n".encode())
    return digest.hexdigest()[:16]
