"""The one header-matching mechanism: which row of a sheet is the header, and which field each column fills.

Accepted header names per source are in data/reference/header_synonyms.toml, one section per source; a header
may span two rows (a merged label over one column per year) and may name a value (a segment, a year) instead of a
field: a *wide* layout.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.parse.text import header_key, written
from pipeline.read.sheet import HEADER_SEARCH_ROWS, FileUnreadable, Sheet, is_blank

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
    unused: list[str] = field(default_factory=list)  # header cells that match no field: listed, never dropped silently

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns} | {c.key_field for c in self.columns if c.key_field}


# A header that names a value rather than a field (a segment, a year): given the header text and a lookup of
# field synonyms, returns (field, key_field, key), or (field, None, None) for a plain field, or None.
WideColumn = Callable[[str, Callable[[str], "str | None"]], "tuple[str, str | None, object] | None"]


class HeaderSynonyms:
    """The documented synonyms file (data/reference/header_synonyms.toml): field names per source."""

    def __init__(self, synonyms: dict[str, dict[str, list[str]]]):
        synonyms = dict(synonyms)
        # Headers that never hold a figure (a row-number column): not read, and not worth a note in the ledger.
        self.ignored = {header_key(h) for h in synonyms.pop("ignored", {}).get("headers", [])}
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

    def locate(
        self, source: str, sheet: Sheet, required: list[list[str]], wide: WideColumn | None = None
    ) -> Header | None:
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
            candidates.append((index, [(_cell_text(c), "") if _is_text(c) else ("", "") for c in row]))
            for last_row, texts in candidates:
                columns, unused, direct = [], [], 0
                for i, (joined, lower) in enumerate(texts):
                    # A merged label over cells ("Peserta Aktif" over "Total | PU | BPU") whose joined text matches
                    # nothing is matched on its lower cell alone.
                    column = joined and self.classify(source, joined, wide, i)
                    direct += bool(column)
                    column = column or (lower and self.classify(source, lower, wide, i))
                    if column:
                        columns.append(column)
                    elif joined and header_key(joined) not in self.ignored:
                        unused.append(joined)
                if last_row != index and not direct:
                    continue  # a title row over a one-row header ("Posisi Agt 2024"), not a header of its own
                header = Header(last_row, _first_per_field(columns), "")
                if all(any(f in header.fields for f in group) for group in required):
                    kept = {id(c) for c in header.columns}
                    header.unused = unused + [c.text for c in columns if id(c) not in kept]
                    header.title_text = " ".join(str(c) for r in sheet.rows[:index] for c in r if _is_text(c))
                    return header
        return None

    def missing(
        self, source: str, sheet: Sheet, required: list[list[str]], wide: WideColumn | None = None
    ) -> list[str]:
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
    return fills_gap and all(
        not _filled(c) or _is_year(c) or (_is_text(c) and not re.fullmatch(r"[\d.,\s%()-]+", c)) for c in below
    )


def _join_header_rows(row: list[object], below: list[object]) -> list[tuple[str, str]]:
    """Per column: (the label over it joined with its own cell, its own cell alone)."""
    texts, parent = [], ""
    for i in range(max(len(row), len(below))):
        top = row[i] if i < len(row) else None
        if _filled(top):
            parent = _cell_text(top)
        elif i > 0 and not _filled(below[i] if i < len(below) else None):
            parent = ""  # an empty cell with nothing below ends the merged label
        sub = below[i] if i < len(below) else None
        lower = _cell_text(sub) if _filled(sub) else ""
        texts.append((" ".join(t for t in (parent, lower) if t), lower if parent else ""))
    return texts


def _cell_text(cell: object) -> str:
    return (written(cell) or "").strip()


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


def unused_columns_note(sheet: str, header: Header, source: str) -> list[str]:
    """The ledger note for header cells that fill no field: a column is never dropped without a word."""
    if not header.unused:
        return []
    where = f"sheet '{sheet}': " if sheet else ""
    names = ", ".join(repr(t) for t in header.unused)
    return [f"{where}columns not read: {names} (no such header in data/reference/header_synonyms.toml [{source}])"]
