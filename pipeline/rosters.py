"""Rosters of vulnerable workers (pekerja rentan): participant rows, read in chunks and processed column-wise.

A national roster has millions of rows, so a file is streamed in chunks of CHUNK_ROWS: csv through pandas,
xlsx row by row through python-calamine. Each chunk goes through the same header synonyms, region matcher and
period parser as every other source, applied once per distinct value. The name column is dropped as soon as the
header is read; the NIK becomes a keyed pseudonym (worker_key) and only its masked form reaches quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd

from pipeline import nik
from pipeline.periods import parse_period
from pipeline.readers import (
    FileUnreadable, HeaderSynonyms, Sheet, check_line_lengths, check_readable, csv_dialect, excel_error_cells, is_blank, open_workbook,
    read_csv_head, visible_sheets,
)  # fmt: skip
from pipeline.regions import RegionMatcher

SOURCE = "rentan"
CHUNK_ROWS = 100_000
FUNDING_SOURCES = ("APBD", "DBHCHT", "CSR")
REQUIRED = [["nik"], ["region_code", "region_name"], ["funding"], ["start"], ["end"]]
ROSTER_COLUMNS = [
    "worker_key", "region_code", "nik_region_code", "kecamatan", "desa", "occupation", "funding_source", "funder",
    "program", "start_period", "end_period", "file_path", "sheet", "row_number", "file_sha256",
]  # fmt: skip


@dataclass
class Chunk:
    sheet: str
    headers: dict[str, str]  # field -> header text in the file
    cells: pd.DataFrame  # one column per field (never the name), plus row_number


def read_chunks(path: Path, synonyms: HeaderSynonyms, notes: list[str] | None = None) -> Iterator[Chunk]:
    """The data rows of a roster in chunks; raises FileUnreadable for a file with no usable header.

    What is deliberately left unread (a hidden sheet) is appended to `notes`, for the ledger.
    """
    check_readable(path)
    if path.suffix.lower() in (".csv", ".txt"):
        yield from _csv_chunks(path, synonyms)
    else:
        yield from _xlsx_chunks(path, synonyms, notes if notes is not None else [])


def _fields(header) -> tuple[dict[int, str], dict[str, str]]:
    # The name is personal data the marts never need: it is not even read into a column.
    positions = {c.index: c.field for c in header.columns if c.field != "name"}
    return positions, {c.field: c.text for c in header.columns if c.field != "name"}


def _locate(path: Path, sheet: Sheet, synonyms: HeaderSynonyms):
    header = synonyms.locate(SOURCE, sheet, REQUIRED)
    if header is None:
        missing = synonyms.missing(SOURCE, sheet, REQUIRED)
        raise FileUnreadable(
            f"{path.name}: no header row with the required columns; missing {', '.join(repr(m) for m in missing)} "
            f"(accepted names are in data/reference/header_synonyms.toml, section [{SOURCE}])"
        )
    return header


def _csv_chunks(path: Path, synonyms: HeaderSynonyms) -> Iterator[Chunk]:
    check_line_lengths(path)  # before anything reads a line: one absurdly long line would be held whole
    header = _locate(path, read_csv_head(path), synonyms)
    positions, texts = _fields(header)
    with open(path, "rb") as f:
        encoding, delimiter = csv_dialect(f.read(256 * 1024))
    reader = pd.read_csv(
        path, sep=delimiter, encoding=encoding, header=None, skiprows=header.row_index + 1, dtype=str,
        keep_default_na=False, chunksize=CHUNK_ROWS, usecols=sorted(positions), skip_blank_lines=False,
    )  # fmt: skip
    first_row = header.row_index + 2
    for frame in reader:
        frame = frame.rename(columns=positions)
        frame["row_number"] = range(first_row, first_row + len(frame))
        first_row += len(frame)
        blank = (frame.drop(columns="row_number") == "").all(axis=1)
        yield Chunk("", texts, frame[~blank].replace("", None).reset_index(drop=True))


def _rows_with_errors(sheet, errors: dict[tuple[int, int], str]) -> Iterator[list]:
    """The sheet's rows, each error cell's text ('#REF!') put back where calamine left an empty string."""
    first_row, first_column = sheet.start or (0, 0)
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), text in errors.items():
        by_row.setdefault(row - first_row, {})[column - first_column] = text
    for index, row in enumerate(sheet.iter_rows()):
        if index in by_row:
            row = list(row)
            for column, text in by_row[index].items():
                if 0 <= column < len(row):
                    row[column] = text
        yield row


def _xlsx_chunks(path: Path, synonyms: HeaderSynonyms, notes: list[str]) -> Iterator[Chunk]:
    workbook = open_workbook(path)
    errors = excel_error_cells(path)
    found = False
    visible, hidden = visible_sheets(workbook)
    notes += [f"hidden sheet '{name}' not read" for name in hidden]
    for name in visible:
        sheet = workbook.get_sheet_by_name(name)
        rows = _rows_with_errors(sheet, errors.get(name, {}))
        head = []
        for row in rows:
            head.append(row)
            if len(head) == 40:
                break
        header = synonyms.locate(SOURCE, Sheet(name, head), REQUIRED)
        if header is None:
            continue
        found = True
        positions, texts = _fields(header)
        buffer, numbers = [], []
        row_number = header.row_index + 1

        def flush():
            frame = pd.DataFrame([[r[i] if i < len(r) else None for i in positions] for r in buffer], columns=list(positions.values()))
            frame["row_number"] = numbers
            return Chunk(name, texts, frame)

        for row in (*head[header.row_index + 1 :], *rows):
            row_number += 1
            if is_blank(row):
                continue
            buffer.append(row)
            numbers.append(row_number)
            if len(buffer) == CHUNK_ROWS:
                yield flush()
                buffer, numbers = [], []
        if buffer:
            yield flush()
    if not found:
        if not visible:
            raise FileUnreadable(f"{path.name}: the workbook has no visible sheet (hidden sheets are not read)")
        _locate(path, Sheet(visible[0], workbook.get_sheet_by_name(visible[0]).to_python()[:40]), synonyms)


class RosterRules:
    """Everything a chunk is checked against, built once per run. `process` calls the parsers once per distinct value."""

    def __init__(self, matcher: RegionMatcher, kabkota_codes: set[str], key: str):
        self.matcher, self.kabkota_codes, self.key = matcher, kabkota_codes, key

    def region(self, code, name, province) -> tuple[str | None, str | None]:
        try:
            return self.matcher.match(code=code or None, name=name or None, province=province or None, level="kabkota" if name else None), None
        except ValueError as error:
            return None, str(error)

    def period(self, value) -> tuple[object, str | None]:
        try:
            return pd.Timestamp(parse_period(value)), None
        except ValueError as error:
            return pd.NaT, str(error)


def process(chunk: Chunk, rules: RosterRules, file_path: str, sha256: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(staged rows, rejected rows) of one chunk; a rejected row names its first broken column."""
    cells = chunk.cells
    n = len(cells)
    column = lambda field: cells[field] if field in cells else pd.Series([None] * n, index=cells.index, dtype=object)  # noqa: E731
    problems: list[tuple[pd.Series, str, str, pd.Series]] = []  # (reason or NA, field, check, value shown in quarantine)

    digits, reason = nik.recover(column("nik"))
    reason = reason.fillna(nik.validate(digits, rules.kabkota_codes))
    problems.append((reason, "nik", "nik_valid", column("nik")))  # masked below, for the failing rows only

    # The parsers run once per distinct value (a roster has millions of rows but few regions, funders, months).
    keys = pd.Series(list(zip(column("region_code").fillna(""), column("region_name").fillna(""), column("province").fillna(""))), index=cells.index)
    region_code, region_problem = _per_value(keys, lambda k: rules.region(*k))
    region_field = "region_name" if "region_name" in cells else "region_code"
    problems.append((region_problem, region_field, "region_match", column(region_field)))

    funding_text, funding_source, funder, funding_problem = _per_value(column("funding").fillna(""), _funding)
    problems.append((funding_problem, "funding", "funding_source", funding_text))

    periods = {}
    for field in ("start", "end"):
        parsed, period_problem = _per_value(column(field), rules.period)
        periods[field] = pd.to_datetime(parsed)
        problems.append((period_problem, field, "period_format", column(field)))
    start_period, end_period = periods["start"], periods["end"]
    backwards = (end_period < start_period).map({True: "the last covered month is before the first", False: pd.NA})
    problems.append((backwards, "end", "period_order", column("end")))

    rejected = pd.Series(False, index=cells.index)
    rejections = []
    for reason, field, check, shown in problems:
        failing = reason.notna() & ~rejected
        if failing.any():
            rejections.append(pd.DataFrame({
                "source": SOURCE, "file_path": file_path, "sheet": chunk.sheet, "row_number": cells.loc[failing, "row_number"],
                "column_name": chunk.headers.get(field, field), "check_name": check,
                "value": (shown[failing].map(nik.mask) if field == "nik" else shown[failing]).astype("string"),
                "reason": reason[failing].astype(str),
            }))  # fmt: skip
        rejected |= failing

    good = ~rejected
    staged = pd.DataFrame({
        "worker_key": nik.pseudonymise(digits[good], rules.key),
        "region_code": region_code[good],
        "nik_region_code": digits[good].str[:2] + "." + digits[good].str[2:4],
        "kecamatan": column("kecamatan")[good],
        "desa": column("desa")[good],
        "occupation": _per_value(column("occupation")[good].fillna(""), lambda o: (str(o).strip().title() or "Tidak disebutkan",))[0],
        "funding_source": funding_source[good],
        "funder": funder[good],
        "program": column("program")[good],
        "start_period": start_period[good],
        "end_period": end_period[good],
        "file_path": file_path,
        "sheet": chunk.sheet,
        "row_number": cells.loc[good, "row_number"],
        "file_sha256": sha256,
    })  # fmt: skip
    quarantine = pd.concat(rejections, ignore_index=True) if rejections else pd.DataFrame()
    return staged, quarantine


def _per_value(values: pd.Series, parse) -> tuple[pd.Series, ...]:
    """`parse` (value -> tuple) applied once per distinct value, its fields spread back over the rows as Series."""
    parsed = {value: parse(value) for value in values.unique()}
    width = len(next(iter(parsed.values()))) if parsed else 1
    return tuple(values.map({value: fields[i] for value, fields in parsed.items()}) for i in range(width))


FUNDING_PROBLEM = "Sumber Dana must start with APBD, DBHCHT or CSR (e.g. 'DBHCHT Kota Pasuruan')"


def _funding(cell: object) -> tuple[str, str, str | None, str | None]:
    """'DBHCHT Kota Pasuruan' -> (text, 'DBHCHT', 'Kota Pasuruan', problem or None)."""
    text = str(cell).strip()
    words = text.split(maxsplit=1)
    source = words[0].upper() if words else ""
    return text, source, words[1] if len(words) > 1 else None, None if source in FUNDING_SOURCES else FUNDING_PROBLEM


def kabkota_codes(reference_dir: Path, matcher: RegionMatcher) -> set[str]:
    """Kab/kota codes a NIK may begin with: today's, and the ones the Papua split retired."""
    codes = {r.region_code.replace(".", "") for r in matcher.regions.values() if r.region_level in ("regency", "city")}
    former = pd.read_csv(reference_dir / "former_kabkota_codes.csv", dtype=str)
    return codes | set(former["former_code"].str.replace(".", "", regex=False))


def recorded_key_check(con) -> str | None:
    """The fingerprint of the key the staged worker_keys were made with, if any rows were staged under one."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = 'rentan_key'"
    ).fetchone()[0]
    row = con.execute("SELECT key_check FROM staging.rentan_key").fetchone() if exists else None
    return row[0] if row else None


def record_key_check(con, key_check: str, recorded_at) -> None:
    con.execute("DELETE FROM staging.rentan_key")
    con.execute("INSERT INTO staging.rentan_key VALUES (?, ?)", [key_check, recorded_at])
