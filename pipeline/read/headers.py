"""The one header-matching mechanism: which row of a sheet is the header, and which field each column fills.

Accepted header names per source are in data/reference/header_synonyms.toml, one section per source; a header
may span two rows (a merged label over one column per year) and may name a value (a segment, a year) instead of a
field: a *wide* layout.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline.parse.text import header_key
from pipeline.read.files import HEADER_SEARCH_ROWS, FileUnreadable, Sheet, is_blank

# The fields that name a region in a regional table (one of them is required), and with them "region": the one
# column of targets and statements that holds either a code or a name.
REGION_FIELDS = ("region_code", "region_name", "province")
ANY_REGION_FIELD = (*REGION_FIELDS, "region")


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




def missing_header(path: Path, source: str, missing: list[str]) -> FileUnreadable:
    """The error for a file whose header lacks required fields: which ones, and where accepted names are listed."""
    return FileUnreadable(
        f"{path.name}: no header row with the required columns; missing {', '.join(repr(m) for m in missing)} "
        f"(accepted names are in data/reference/header_synonyms.toml, section [{source}])"
    )
