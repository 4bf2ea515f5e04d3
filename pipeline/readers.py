"""Reading raw files into cell grids, and the one header-matching mechanism.

xlsx goes through python-calamine (every sheet); csv is decoded as UTF-8 (with or without BOM), then cp1252,
and its separator (",", ";" or tab) is sniffed. Both give a list of `Sheet`s of plain Python cell values.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

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
class Header:
    row_index: int  # 0-based index of the header row in Sheet.rows
    columns: dict[str, int]  # field -> column index
    title_text: str  # the text of the rows above the header (titles such as "Periode: September 2021")


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


def _read_csv(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise FileUnreadable(f"{path.name}: binary content in a .csv file (is it a renamed spreadsheet?)")
    sample = "\n".join(text.splitlines()[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


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

    def locate(self, source: str, sheet: Sheet, required: list[list[str]]) -> Header | None:
        """The first row within HEADER_SEARCH_ROWS whose cells name every required field.

        `required` lists alternatives: [["region_code", "region_name", "province"], ["active_participants"]]
        needs one of the region fields and the participants field.
        """
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            columns: dict[str, int] = {}
            for position, cell in enumerate(row):
                field = self.field_for(source, cell) if _is_text(cell) else None
                if field and field not in columns:
                    columns[field] = position
            if all(any(f in columns for f in group) for group in required):
                title = " ".join(str(c) for r in sheet.rows[:index] for c in r if _is_text(c))
                return Header(index, columns, title)
        return None

    def missing(self, source: str, sheet: Sheet, required: list[list[str]]) -> list[str]:
        """For an error message: the required fields that no row near the top names (best row)."""
        best: set[str] = set()
        for row in sheet.rows[:HEADER_SEARCH_ROWS]:
            found = {self.field_for(source, c) for c in row if _is_text(c)} - {None}
            if len(found) > len(best):
                best = found
        return [" or ".join(group) for group in required if not any(f in best for f in group)]


def _is_text(cell: object) -> bool:
    return isinstance(cell, str) and cell.strip() != ""


def is_blank(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and cell.strip() == "") for cell in row)
