"""What a row below the header is (data, a totals row, a section row, a footnote) and how a wide row becomes records.

Offices put "KABUPATEN" / "KOTA" section rows between regions, "Jumlah" / "Total" / the province's own name as
totals rows, and "Sumber: BPS" footnotes under the table. Sections give context to the rows below them (which
of Kabupaten and Kota Pasuruan is meant); totals are kept as cross-checks; footnotes are skipped. All three are
counted, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parse.periods import find_period
from pipeline.parse.regions import RegionMatcher, normalise
from pipeline.read.headers import ANY_REGION_FIELD, Column, Header

SECTION_WORDS = {"KABUPATEN": "regency", "KAB": "regency", "KOTA": "city", "KOTAMADYA": "city"}
TOTAL_WORDS = ("JUMLAH", "TOTAL", "GRAND TOTAL", "SUB TOTAL", "SUBTOTAL", "TOTAL PROVINSI")
FOOTNOTE_MARKERS = ("SUMBER", "KETERANGAN", "KET", "CATATAN", "NOTE", "NOTES", "DATA DIOLAH", "DIOLAH")


@dataclass
class RowKind:
    kind: str  # data | section | total | footnote
    level: str | None = None  # section: regency | city
    label: str | None = None  # total: the text of the label cell
    scope: str | None = None  # total: all | regency | city (a subtotal of kabupaten or of kota)


def classify_row(row: list[object], header: Header, matcher: RegionMatcher) -> RowKind:
    filled = [(i, c) for i, c in enumerate(row) if c is not None and str(c).strip() != ""]
    texts = [str(c).strip() for _, c in filled]
    # "A. KABUPATEN", "KOTA", "Kabupaten:" alone on a row
    joined = normalise(" ".join(texts))
    words = re.sub(r"^([A-Z]|[IVX]+|\d+)\s+(?=\w)", "", joined)
    if len(filled) <= 2 and words in SECTION_WORDS:
        return RowKind("section", level=SECTION_WORDS[words])
    if len(filled) == 1 and not isinstance(filled[0][1], (int, float)):
        text = normalise(texts[0])
        region_columns = {c.index for c in header.columns if c.field in ANY_REGION_FIELD}
        if text.startswith(FOOTNOTE_MARKERS) or texts[0].startswith("*") or filled[0][0] not in region_columns or len(text) > 40:
            return RowKind("footnote")
    label = _label_cell(row, header)
    if label is not None:
        text = normalise(label)
        if text.startswith(TOTAL_WORDS) or _is_province_total(label, row, header, matcher):
            scope = "regency" if re.search(r"\bKAB(UPATEN)?\b", text) else "city" if re.search(r"\bKOTA\b", text) else "all"
            return RowKind("total", label=label, scope=scope)
    return RowKind("data")


def _label_cell(row: list[object], header: Header) -> str | None:
    for field in ("region_name", "region", "province", "region_code"):
        column = next((c for c in header.columns if c.field == field), None)
        if column is not None and column.index < len(row) and row[column.index] not in (None, ""):
            return str(row[column.index]).strip()
    return None


def _is_province_total(label: str, row: list[object], header: Header, matcher: RegionMatcher) -> bool:
    """A province's own name in the kab/kota column (with no code of its own) is that province's total."""
    name_column = next((c for c in header.columns if c.field == "region_name"), None)
    code_column = next((c for c in header.columns if c.field == "region_code"), None)
    if name_column is None or name_column.index >= len(row) or str(row[name_column.index]).strip() != label:
        return False
    if code_column is not None and code_column.index < len(row) and str(row[code_column.index] or "").strip() not in ("", "-"):
        return False
    return matcher.is_province_name(label)


def expand(row: list[object], header: Header) -> list[tuple[dict[str, object], dict[str, str]]]:
    """The records of one row, each with the header text of every field it holds (for rejection messages).

    A long row is one record. A wide row gives one record per segment or year column; columns that share a
    key (Formal 2021 and Informal 2021) fill the same record.
    """

    def cell(column: Column) -> object:
        return row[column.index] if column.index < len(row) else None

    plain = [c for c in header.columns if c.key_field is None]
    base = {c.field: cell(c) for c in plain}
    texts = {c.field: c.text for c in plain}
    wide = [c for c in header.columns if c.key_field is not None]
    if not wide:
        return [(base, texts)]
    records: dict[object, tuple[dict, dict]] = {}
    for column in wide:
        record, record_texts = records.setdefault(column.key, ({**base, column.key_field: column.key}, dict(texts)))
        record[column.field] = cell(column)
        record_texts[column.field] = column.text
        record_texts[column.key_field] = column.text
    return list(records.values())


def period_from_title(title_text: str, file_stem: str):
    """The month a whole table reports, from a title row ("Posisi Agustus 2024") or the file name."""
    return find_period(title_text) or find_period(file_stem)
