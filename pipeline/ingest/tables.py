"""Table mode: a report, BPS table, target list or statement list, read whole and row by row.

Rows below the header are classified (data, totals, section, footnote, pipeline/read/layouts.py); a wide row (one
column per segment or year) becomes one record per value cell. Each record is converted by the source's own
function, then the whole file goes through the source's pandera contract. For every file, rows read = rows loaded
+ rows rejected + rows skipped (totals, sections, footnotes, empty value cells).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pandera.errors

from pipeline.ingest.columns import PROVENANCE_COLUMNS, TOTAL_COLUMNS, total_dimensions
from pipeline.ingest.engine import Batch, FileResult, ReadContext, Source, rejection_frame
from pipeline.parse.numbers import parse_number
from pipeline.parse.periods import parse_period, parse_year
from pipeline.parse.regions import RegionMatcher
from pipeline.parse.segments import SegmentError, parse_segment
from pipeline.parse.text import cell_text
from pipeline.read.files import read_workbook
from pipeline.read.headers import Header, HeaderSynonyms, WideColumn, missing_header, unused_columns_note
from pipeline.read.layouts import body_of, classify_rows, expand_rows, period_from_title
from pipeline.read.sheet import FileUnreadable, Sheet, is_blank


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
    memo: dict = field(default_factory=dict)  # the file's ReadContext.memo


@dataclass
class TableSource(Source):
    convert: Callable[[dict[str, object], RowContext], dict[str, object]]  # raw cells -> typed fields, or RowRejected
    needs_period: bool = False  # the file must say which month it reports
    wide: WideColumn | None = None  # headers that name a segment or a year instead of a field
    total_value: str | None = None  # the field a totals row states (kept as a cross-check)

    def read(self, path: Path, context: ReadContext, result: FileResult) -> Iterator[Batch]:
        workbook = read_workbook(path)
        result.notes += [f"hidden sheet '{name}' not read" for name in workbook.hidden]
        tables = _locate_tables(path, workbook.sheets, self, context.synonyms)
        converted: list[dict] = []
        rejections: list[dict] = []
        totals: list[dict] = []
        headers: dict[tuple[str, str], str] = {}  # (sheet, field) -> header text in the file
        for sheet, header in tables:
            result.notes += unused_columns_note(sheet.name, header, self.name)
            row_context = RowContext(
                context.matcher, period_from_title(header.title_text, path.stem), memo=context.memo
            )
            if self.needs_period and "period" not in header.fields and row_context.period is None:
                raise FileUnreadable(
                    f"{path.name}{_sheet_label(sheet)}: no period found; add a 'Periode' column, a title such as "
                    "'Periode: September 2021', or YYYY-MM in the file name"
                )
            body = body_of(sheet.rows, header)
            kinds = classify_rows(body, header, context.matcher)
            skipped = kinds[kinds["kind"] != "data"]
            result.rows_read += len(skipped)
            result.skipped.update(skipped["kind"].value_counts().to_dict())
            for row, records in _by_row(expand_rows(body.loc[skipped.index[skipped["kind"] == "total"]], header)):
                provenance = {"file_path": result.file_path, "sheet": sheet.name, "row_number": row + 1}
                totals += _stated_totals(
                    self, records, sheet.rows[row], header, row_context, kinds.loc[row], provenance
                )
            levels = kinds["level"].to_dict()
            wide_fields = [c.field for c in header.columns if c.key_field]
            for row, records in _by_row(expand_rows(body.loc[kinds.index[kinds["kind"] == "data"]], header)):
                provenance = {
                    "file_path": result.file_path,
                    "sheet": sheet.name,
                    "row_number": row + 1,
                    "file_sha256": result.sha256,
                }
                row_context.level = levels[row] if isinstance(levels[row], str) else None
                result.rows_read += len(records)
                if wide_fields:
                    # "-" or an empty cell under a year or segment column is no figure, not a broken one (BPS
                    # published no kab/kota figures for 2016, for example): counted as skipped, not quarantined.
                    # A 0 is a figure: no participants in that segment.
                    blank = [r for r in records if all(cell_text(r[0].get(f)) is None for f in wide_fields)]
                    result.skipped["empty cell"] += len(blank)
                    records = [r for r in records if r not in blank]
                failure = _row_total_mismatch(records, self)
                for record, texts in records:
                    headers.update({(sheet.name, f): t for f, t in texts.items()})
                    try:
                        if failure is not None:
                            raise failure
                        converted.append({**self.convert(record, row_context), **provenance})
                    except RowRejected as rejected:
                        column = texts.get(rejected.field_name, rejected.field_name)
                        rejections.append(
                            _rejection(self.name, provenance, column, rejected.value, rejected.check, rejected.reason)
                        )
        rows = _validate(self, converted, rejections, headers, result.file_path)
        yield Batch(rows, rejection_frame(rejections), pd.DataFrame(totals, columns=TOTAL_COLUMNS))


def _locate_tables(
    path: Path, sheets: list[Sheet], spec: TableSource, synonyms: HeaderSynonyms
) -> list[tuple[Sheet, Header]]:
    tables = [
        (sheet, header) for sheet in sheets if (header := synonyms.locate(spec.name, sheet, spec.required, spec.wide))
    ]
    if tables:
        return tables
    if not sheets:
        raise FileUnreadable(f"{path.name}: the workbook has no visible sheet (hidden sheets are not read)")
    if all(not any(not is_blank(r) for r in sheet.rows) for sheet in sheets):
        raise FileUnreadable(f"{path.name}: the file has no rows")
    missing = synonyms.missing(spec.name, max(sheets, key=lambda s: len(s.rows)), spec.required, spec.wide)
    raise missing_header(path, spec.name, missing)


def _sheet_label(sheet: Sheet) -> str:
    return f", sheet '{sheet.name}'" if sheet.name else ""


def _by_row(records: list[tuple[int, dict, dict]]) -> Iterator[tuple[int, list[tuple[dict, dict]]]]:
    """expand_rows' records grouped by the row they come from."""
    for row, group in itertools.groupby(records, key=lambda record: record[0]):
        yield row, [(record, texts) for _, record, texts in group]


def _row_total_mismatch(records: list[tuple[dict, dict]], spec: TableSource) -> RowRejected | None:
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
        "row_total",
        records[0][0]["row_total"],
        "row_total_matches",
        f"the segment columns add up to {sum(parts):,.0f} but the Total column says {stated:,.0f}; one of them is wrong",
    )


def _stated_totals(
    spec: TableSource, records: list, row: list, header: Header, context: RowContext, kind: pd.Series, provenance: dict
) -> list[dict]:
    """A totals row becomes cross-check figures: what the file says the sum is, per period/segment or year."""
    if spec.total_value is None:
        return []
    dimensions = total_dimensions(spec.schema)
    totals = []
    for record, _ in records:
        try:
            value = parse_number(record.get(spec.total_value), whole=True)
            period = parse_period(record["period"], record.get("year")) if record.get("period") else context.period
            year = (
                parse_year(record["year"]) if record.get("year") not in (None, "") and "period" not in record else None
            )
            segment = parse_segment(record["segment"]) if record.get("segment") not in (None, "") else "ALL"
        except (ValueError, SegmentError):
            continue  # an unreadable total cannot cross-check anything; the row is still counted as skipped
        if value is None:
            continue
        totals.append(
            {
                "source": spec.name,
                "file_path": provenance["file_path"],
                "sheet": provenance["sheet"],
                "row_number": provenance["row_number"],
                "label": kind["label"],
                "scope": kind["scope"],
                "period": pd.Timestamp(period) if period and "period" in dimensions else pd.NaT,
                "year": year if "year" in dimensions else None,
                "segment": segment if "segment" in dimensions else None,
                "stated_value": value,
            }
        )
    if "row_total" in header.fields and "segment" in dimensions and totals:
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


def _validate(
    spec: TableSource, converted: list[dict], rejections: list[dict], headers: dict, file_path: str
) -> pd.DataFrame:
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
        # One quarantine entry per row: a dataframe-wide check reports every column of a failing row. Read as plain
        # records, not a pandas row at a time: a file whose every row fails (a wrong year) is common, and per-row
        # pandas access made refusing a row six times dearer than loading it.
        failing: dict[int, list[dict]] = {}
        for case in bad.to_dict("records"):
            failing.setdefault(int(case["index"]), []).append(case)
        indices = sorted(failing)
        rows = frame.loc[indices, PROVENANCE_COLUMNS].to_dict("index")
        for index in indices:
            row, row_cases = rows[index], failing[index]
            reasons = list(dict.fromkeys(_check_reason(spec, case) for case in row_cases))
            first = row_cases[0]
            field_name = (
                first["column"] if isinstance(first["column"], str) and first["column"] in frame.columns else None
            )
            column = headers.get((row["sheet"], field_name), field_name)
            value = first["failure_case"] if field_name else None
            check = _check_name(spec, first["check"])
            rejections.append(_rejection(spec.name, row, column, value, check, "; ".join(reasons)))
        if len(bad) < len(cases):
            unexplained = cases[cases["index"].isna()].iloc[0]
            raise RuntimeError(
                f"{file_path}: contract {spec.schema.__name__} failed as a whole: {unexplained['check']}"
            ) from None
        frame = frame.drop(index=sorted({int(i) for i in bad["index"]}))
        valid = spec.schema.validate(frame, lazy=True)
    provenance = frame.loc[valid.index, PROVENANCE_COLUMNS]
    return pd.concat([valid, provenance], axis=1).reset_index(drop=True)


def _custom_checks(spec: TableSource) -> dict[str, str]:
    """error text -> check name for the contract's own checks (pandera reports a check by its error text)."""
    return _custom_checks_of(spec.schema)


@functools.cache
def _custom_checks_of(model) -> dict[str, str]:
    schema = model.to_schema()
    checks = [*schema.checks, *(c for column in schema.columns.values() for c in column.checks)]
    return {c.error: c.name for c in checks if c.error}


def _check_name(spec: TableSource, check: object) -> str:
    text = str(check)
    return _custom_checks(spec).get(text) or re.sub(r"\(.*\)$", "", text) or text


def _check_reason(spec: TableSource, case: dict) -> str:
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
            return f"{column} = {value!r} {words} {check[len(name) + 1 : -1]}"
    if check == "coerce_dtype" or check.startswith("coerce_dtype"):
        return f"{column} = {value!r} cannot be read as {check.split('(')[-1].rstrip(')')}"
    if check in _custom_checks(spec):
        return check  # the contract's own error text is already written for a person
    return f"{column} = {value!r} fails {check}"
