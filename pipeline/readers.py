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
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

import numpy as np
from python_calamine import CalamineWorkbook, SheetVisibleEnum

READABLE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
HEADER_SEARCH_ROWS = 30  # title and period rows sit above the header; the header is never lower than this

# Limits that keep a hostile or broken file from exhausting memory; a file beyond them is refused with a message.
MAX_TABLE_CSV_BYTES = 100 * 1024**2  # a report, BPS table, target or statement csv is read whole; a national one is < 1 MB
MAX_LINE_BYTES = 1024**2  # no row of a table or roster is anywhere near a megabyte; one such line is not a table
MAX_UNZIPPED_BYTES = 2 * 1024**3  # what a workbook may expand to, all parts together
MAX_ZIP_RATIO = 200  # real sheets compress about 10:1; a part over 20 MB compressing beyond this is a zip bomb
ZIP_RATIO_FLOOR = 20 * 1024**2
ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".ods"}


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


@dataclass
class Workbook:
    """The visible sheets of a workbook, read; hidden sheets are named, never read."""

    sheets: list[Sheet]
    hidden: list[str]


def read_sheets(path: Path) -> list[Sheet]:
    return read_workbook(path).sheets


def read_workbook(path: Path) -> Workbook:
    check_readable(path)
    if path.suffix.lower() in (".csv", ".txt"):
        if path.stat().st_size > MAX_TABLE_CSV_BYTES:
            raise FileUnreadable(
                f"{path.name}: {path.stat().st_size / 1024**2:,.0f} MB is too large for this kind of table (the limit is "
                f"{MAX_TABLE_CSV_BYTES / 1024**2:,.0f} MB); is it the right file?"
            )
        check_line_lengths(path)
        return Workbook([Sheet("", _read_csv(path))], [])
    workbook = open_workbook(path)
    errors = excel_error_cells(path)
    try:
        visible, hidden = visible_sheets(workbook)
        sheets = []
        for name in visible:
            sheet = workbook.get_sheet_by_name(name)
            sheets.append(Sheet(name, with_error_values(sheet.to_python(), sheet.start, errors.get(name, {}))))
    except Exception as error:  # calamine raises several error types for corrupt workbooks
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None
    return Workbook(sheets, hidden)


def check_readable(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise FileUnreadable(f"{path.name}: '{suffix}' files are not read; use .xlsx or .csv")
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty (0 bytes)")


def open_workbook(path: Path) -> CalamineWorkbook:
    """Open a workbook with calamine after checking that it does not expand beyond what memory allows."""
    if path.suffix.lower() in ZIPPED_SUFFIXES:
        _check_expansion(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several error types for corrupt workbooks
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None


def visible_sheets(workbook: CalamineWorkbook) -> tuple[list[str], list[str]]:
    """(visible sheet names, hidden sheet names): a hidden sheet holds lookups or superseded figures, not the report."""
    visible = [m.name for m in workbook.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
    return visible, [m.name for m in workbook.sheets_metadata if m.visible != SheetVisibleEnum.Visible]


def _check_expansion(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None
    total = sum(p.file_size for p in parts)
    if total > MAX_UNZIPPED_BYTES:
        raise FileUnreadable(
            f"{path.name}: the workbook expands to {total / 1024**3:,.1f} GB, more than the {MAX_UNZIPPED_BYTES / 1024**3:,.0f} GB "
            "allowed; split it or send it as csv"
        )
    for part in parts:
        if part.file_size > ZIP_RATIO_FLOOR and part.file_size > MAX_ZIP_RATIO * max(part.compress_size, 1):
            raise FileUnreadable(
                f"{path.name}: part {part.filename} expands {part.file_size // max(part.compress_size, 1):,} times "
                f"(to {part.file_size / 1024**2:,.0f} MB); real spreadsheets expand about 10 times, so it is refused as a zip bomb"
            )


_ERROR_MARK = b't="e"'


def excel_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells whose formula ended in an error (#REF!, #DIV/0!, #N/A ...), per sheet name: (row, column) -> error text.

    calamine reads such a cell as an empty string, which would make a broken formula look like a blank; the
    sheet XML is scanned for error cells (cheaply: most sheets have none) so that they reach the row checks.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name, part in _sheet_parts(archive).items():
                if not _contains(archive, part, _ERROR_MARK):
                    continue
                with archive.open(part) as xml:
                    found[name] = _error_cells(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return {}  # calamine reports a broken workbook in its own words
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from xl/workbook.xml and its relationships."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}  # fmt: skip
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return parts


def _contains(archive: zipfile.ZipFile, part: str, needle: bytes) -> bool:
    with archive.open(part) as stream:
        tail = b""
        while block := stream.read(1 << 20):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def _error_cells(xml) -> dict[tuple[int, int], str]:
    cells = {}
    for _, element in ElementTree.iterparse(xml):
        if element.tag.endswith("}c"):
            if element.get("t") == "e":
                value = next((child.text for child in element if child.tag.endswith("}v")), None)
                cells[_cell_index(element.get("r"))] = value or "#ERROR"
            element.clear()
    return cells


def _cell_index(reference: str) -> tuple[int, int]:
    """'C12' -> (11, 2), 0-based."""
    letters = re.match(r"[A-Z]+", reference).group(0)
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(reference[len(letters) :]) - 1, column - 1


def with_error_values(rows: list[list[object]], start: tuple[int, int] | None, errors: dict[tuple[int, int], str]) -> list[list[object]]:
    """Put each error cell's text ('#REF!') back where calamine left an empty string."""
    first_row, first_column = start or (0, 0)
    for (row, column), text in errors.items():
        r, c = row - first_row, column - first_column
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
            rows[r][c] = text
    return rows


def check_line_lengths(path: Path, limit: int = MAX_LINE_BYTES) -> None:
    """Refuse a text file with a line longer than `limit` bytes before anything reads it line by line."""
    line, since_newline = 1, 0
    with open(path, "rb") as f:
        while block := f.read(8 << 20):
            newlines = np.flatnonzero(np.frombuffer(block, np.uint8) == 10)
            if len(newlines):
                gaps = np.diff(newlines, prepend=-1 - since_newline) - 1
                worst = int(gaps.argmax())
                if gaps[worst] > limit:
                    raise FileUnreadable(_long_line(path, line + worst, int(gaps[worst]), limit))
                since_newline = len(block) - 1 - int(newlines[-1])
                line += len(newlines)
            else:
                since_newline += len(block)
            if since_newline > limit:
                raise FileUnreadable(_long_line(path, line, since_newline, limit))


def _long_line(path: Path, line: int, length: int, limit: int) -> str:
    return (
        f"{path.name}: line {line:,} is longer than {limit / 1024**2:,.0f} MB ({length:,} bytes or more) and no table row is; "
        "the file is refused unread (is it a data file at all?)"
    )


def _read_csv(path: Path, max_rows: int | None = None) -> list[list[object]]:
    raw = path.read_bytes() if max_rows is None else _head_bytes(path, max_rows)
    encoding, delimiter = csv_dialect(raw)
    text = raw.decode(encoding)
    if "\x00" in text:
        raise FileUnreadable(f"{path.name}: binary content in a .csv file (is it a renamed spreadsheet?)")
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [list(row) for _, row in zip(range(max_rows or 10**12), rows)]
    except csv.Error as error:
        raise FileUnreadable(f"{path.name}: line {rows.line_num:,} cannot be read as csv ({error})") from None


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
