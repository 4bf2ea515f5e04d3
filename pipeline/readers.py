"""Reading raw files into cell grids, and the one header-matching mechanism.

xlsx goes through python-calamine (every sheet); csv is decoded as UTF-8 (with or without BOM), then cp1252,
and its separator (",", ";" or tab) is sniffed. Both give a list of `Sheet`s of plain Python cell values.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from python_calamine import CalamineWorkbook

READABLE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
HEADER_SEARCH_ROWS = 30  # title and period rows sit above the header; the header is never lower than this


class FileUnreadable(Exception):
    """A raw file that cannot be read at all; the message names the file and the broken thing."""


@dataclass
class Sheet:
    name: str  # the sheet name, or "" for a csv
    rows: list[list[object]]


@dataclass
class Column:
    index: int
    text: str  # the header as the file writes it (both rows of a two-row header, joined)
    field: str  # the field its cells fill
    key_field: str | None = None  # wide layouts: the field named by the header, e.g. "segment" or "year"
    key: object = None  # and its value, e.g. "PU" or 2021


@dataclass
class Header:
    row_index: int  # 0-based index of the last header row in Sheet.rows; data starts below it
    columns: list[Column]
    title_text: str  # the text of the rows above the header (titles such as "Periode: September 2021")

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns} | {c.key_field for c in self.columns if c.key_field}

    @property
    def is_wide(self) -> bool:
        return any(c.key_field for c in self.columns)


# A header that names a value rather than a field (a segment, a year): given the header text and a lookup of
# field synonyms, returns (field, key_field, key), or (field, None, None) for a plain field, or None.
WideColumn = Callable[[str, Callable[[str], "str | None"]], "tuple[str, str | None, object] | None"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sheets(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise FileUnreadable(f"{path.name}: '{suffix}' files are not read; use .xlsx or .csv")
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty (0 bytes)")
    if suffix in (".csv", ".txt"):
        return [Sheet("", _read_csv(path))]
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [Sheet(name, workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names]
    except Exception as error:  # calamine raises several error types for corrupt workbooks
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None


def _read_csv(path: Path, max_rows: int | None = None) -> list[list[object]]:
    raw = path.read_bytes() if max_rows is None else _head_bytes(path, max_rows)
    encoding, delimiter = csv_dialect(raw)
    text = raw.decode(encoding)
    if "\x00" in text:
        raise FileUnreadable(f"{path.name}: binary content in a .csv file (is it a renamed spreadsheet?)")
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [list(row) for _, row in zip(range(max_rows or 10**12), rows)]


def _head_bytes(path: Path, lines: int) -> bytes:
    with open(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


def csv_dialect(raw: bytes) -> tuple[str, str]:
    """(encoding, separator) of csv bytes: UTF-8 (with or without BOM), else cp1252, else latin-1; `,` `;` or tab."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw[: 256 * 1024].decode(encoding)
            break
        except UnicodeDecodeError as error:
            if error.start >= 256 * 1024 - 4:  # a character cut at the sample's end
                text = raw[: error.start].decode(encoding)
                break
            continue
    # The separator is the one that splits the most of the first lines (title lines have none).
    lines = text.splitlines()[:50]
    delimiter = max(",;\t", key=lambda d: (sum(d in line for line in lines), sum(line.count(d) for line in lines)))
    return encoding, delimiter


def read_csv_head(path: Path, max_rows: int = HEADER_SEARCH_ROWS + 10) -> Sheet:
    """The first rows of a csv, for locating its header without reading a large file whole."""
    return Sheet("", _read_csv(path, max_rows))


@functools.lru_cache(maxsize=65_536)  # pure; every segment and header cell goes through it
def header_key(text: object) -> str:
    """Headers compare without case, spacing or punctuation: 'Kab/Kota' == 'KAB. KOTA' == 'kabkota'."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


class HeaderSynonyms:
    """The documented synonyms file (data/reference/header_synonyms.toml): field names per source."""

    def __init__(self, synonyms: dict[str, dict[str, list[str]]]):
        self.by_source = {
            source: {header_key(s): field for field, names in fields.items() for s in [field, *names]}
            for source, fields in synonyms.items()
        }

    @classmethod
    def from_file(cls, path: Path) -> "HeaderSynonyms":
        with open(path, "rb") as f:
            return cls(tomllib.load(f))

    def field_for(self, source: str, header: object) -> str | None:
        return self.by_source[source].get(header_key(header))

    def classify(self, source: str, text: str, wide: WideColumn | None, index: int) -> Column | None:
        field = self.field_for(source, text)
        if field:
            return Column(index, text, field)
        found = wide(text, lambda t: self.field_for(source, t)) if wide else None
        return Column(index, text, found[0], found[1], found[2]) if found else None

    def locate(self, source: str, sheet: Sheet, required: list[list[str]], wide: WideColumn | None = None) -> Header | None:
        """The first header within HEADER_SEARCH_ROWS that names every required field.

        `required` lists alternatives: [["region_code", "region_name", "province"], ["active_participants"]]
        needs one of the region fields and the participants field. A header may span two rows (a merged
        "Penduduk Bekerja" over one column per year); it may name values instead of fields (`wide`).
        """
        rows = sheet.rows[:HEADER_SEARCH_ROWS]
        for index, row in enumerate(rows):
            candidates = []
            if index + 1 < len(sheet.rows) and _continues_header(row, sheet.rows[index + 1]):
                candidates.append((index + 1, _join_header_rows(row, sheet.rows[index + 1])))
            candidates.append((index, [str(c).strip() if _is_text(c) else "" for c in row]))
            for last_row, texts in candidates:
                columns = [c for i, t in enumerate(texts) if t and (c := self.classify(source, t, wide, i))]
                header = Header(last_row, _first_per_field(columns), "")
                if all(any(f in header.fields for f in group) for group in required):
                    header.title_text = " ".join(str(c) for r in sheet.rows[:index] for c in r if _is_text(c))
                    return header
        return None

    def missing(self, source: str, sheet: Sheet, required: list[list[str]], wide: WideColumn | None = None) -> list[str]:
        """For an error message: the required fields that the most promising row near the top lacks."""
        best: set[str] = set()
        for row in sheet.rows[:HEADER_SEARCH_ROWS]:
            columns = [c for i, t in enumerate(row) if _is_text(t) and (c := self.classify(source, str(t), wide, i))]
            found = {c.field for c in columns} | {c.key_field for c in columns if c.key_field}
            if len(found) > len(best):
                best = found
        return [" or ".join(group) for group in required if not any(f in best for f in group)]


def _first_per_field(columns: list[Column]) -> list[Column]:
    """A plain field is taken from its first column; wide columns are all kept (one per segment or year)."""
    seen: set[str] = set()
    kept = []
    for column in columns:
        if column.key_field is None:
            if column.field in seen:
                continue
            seen.add(column.field)
        kept.append(column)
    return kept


def _continues_header(row: list[object], below: list[object]) -> bool:
    """A second header row: it fills cells left empty under a merged label, and holds no data figures."""
    if not any(_is_text(c) for c in row) or is_blank(below):
        return False
    fills_gap = any(
        not _filled(row[i] if i < len(row) else None) and _filled(cell) and any(_is_text(c) for c in row[:i])
        for i, cell in enumerate(below)
    )
    # Years may label columns; any other figure means `below` is already data.
    return fills_gap and all(not _filled(c) or _is_year(c) or (_is_text(c) and not re.fullmatch(r"[\d.,\s%()-]+", c)) for c in below)


def _join_header_rows(row: list[object], below: list[object]) -> list[str]:
    texts, parent = [], ""
    for i in range(max(len(row), len(below))):
        top = row[i] if i < len(row) else None
        if _filled(top):
            parent = _cell_text(top)
        elif i > 0 and not _filled(below[i] if i < len(below) else None):
            parent = ""  # an empty cell with nothing below ends the merged label
        sub = below[i] if i < len(below) else None
        texts.append(" ".join(t for t in (parent, _cell_text(sub) if _filled(sub) else "") if t))
    return texts


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _filled(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and cell.strip() == "")


def _is_year(cell: object) -> bool:
    try:
        return 1990 <= float(str(cell).strip()) <= 2100 and float(str(cell).strip()).is_integer()
    except ValueError:
        return False


def _is_text(cell: object) -> bool:
    return isinstance(cell, str) and cell.strip() != ""


def is_blank(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and cell.strip() == "") for cell in row)
