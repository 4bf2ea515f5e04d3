"""What a row below the header is (data, a totals row, a section row, a footnote) and how a wide row becomes records.

Offices put "KABUPATEN" / "KOTA" section rows between regions, "Jumlah" / "Total" / the province's own name as
totals rows, and "Sumber: BPS" footnotes under the table. Sections give context to the rows below them (which
of Kabupaten and Kota Pasuruan is meant); totals are kept as cross-checks; footnotes are skipped. All three are
counted, never silently dropped.

A sheet is classified whole, with masks over its cells: the few rows that can be a section or a footnote (one or
two filled cells) and the distinct label texts are the only things looked at one by one.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipeline.parse.periods import find_period
from pipeline.parse.regions import RegionMatcher, normalise
from pipeline.parse.text import cell_text
from pipeline.read.headers import ANY_REGION_FIELD, Header

SECTION_WORDS = {"KABUPATEN": "regency", "KAB": "regency", "KOTA": "city", "KOTAMADYA": "city"}
TOTAL_WORDS = ("JUMLAH", "TOTAL", "GRAND TOTAL", "SUB TOTAL", "SUBTOTAL", "TOTAL PROVINSI")
FOOTNOTE_MARKERS = ("SUMBER", "KETERANGAN", "KET", "CATATAN", "NOTE", "NOTES", "DATA DIOLAH", "DIOLAH")
LABEL_FIELDS = ("region_name", "region", "province", "region_code")  # where a totals row writes its label, in order
# Variable-width text: a fixed-width str array is as wide as its longest cell, which a hostile file sets.
TEXT = np.dtypes.StringDType()
SECTION_NUMBERING = r"^([A-Z]|[IVX]+|\d+)\s+(?=\w)"  # "A. KABUPATEN", "II KOTA", "1 KABUPATEN"


def body_of(rows: list[list[object]], header: Header) -> pd.DataFrame:
    """The rows below the header as one frame of the cells as read, indexed by row position in the sheet; short
    rows are padded with None so that every header column exists."""
    width = max([len(r) for r in rows[header.row_index + 1 :]] + [c.index + 1 for c in header.columns])
    body = pd.DataFrame(rows[header.row_index + 1 :], dtype=object, index=range(header.row_index + 1, len(rows)))
    return body.reindex(columns=range(width))


def classify_rows(body: pd.DataFrame, header: Header, matcher: RegionMatcher) -> pd.DataFrame:
    """For each non-blank row of `body`: kind (data | section | total | footnote), the section level in force
    (regency | city, from the last "KABUPATEN"/"KOTA" row above), and for totals the label and its scope (all |
    regency | city: a subtotal of kabupaten or of kota)."""
    cells = body.to_numpy()
    texts = np.strings.strip(cells.astype(TEXT))
    filled = pd.notna(cells) & (texts != "")
    count = filled.sum(axis=1)
    kept = count > 0
    cells, texts, filled, count, index = cells[kept], texts[kept], filled[kept], count[kept], body.index[kept]
    kind = np.full(len(index), "data", dtype=object)
    level = np.full(len(index), None, dtype=object)
    label = np.full(len(index), None, dtype=object)

    # Sections: "A. KABUPATEN", "KOTA", "Kabupaten:" alone (one or two filled cells).
    few = np.flatnonzero(count <= 2)
    joined = pd.Series([" ".join(row) for row in np.where(filled[few], texts[few], "")], dtype=object)
    words = joined.map(normalise).str.replace(SECTION_NUMBERING, "", regex=True).to_numpy()
    section = np.isin(words, list(SECTION_WORDS))
    kind[few[section]] = "section"
    level[few[section]] = [SECTION_WORDS[w] for w in words[section]]

    # Footnotes: one filled cell, not a number, that reads as a note or sits outside the region columns.
    single = np.flatnonzero((count == 1) & (kind == "data"))
    position = filled[single].argmax(axis=1)
    value, text = cells[single, position], texts[single, position]
    plain = pd.Series(text, dtype=object).map(normalise)
    region_columns = [c.index for c in header.columns if c.field in ANY_REGION_FIELD]
    footnote = np.array([not isinstance(v, (int, float)) for v in value], dtype=bool) & (
        plain.str.startswith(FOOTNOTE_MARKERS).to_numpy(dtype=bool)
        | pd.Series(text, dtype=object).str.startswith("*").to_numpy(dtype=bool)
        | ~np.isin(position, region_columns)
        | (plain.str.len() > 40).to_numpy(dtype=bool)
    )
    kind[single[footnote]] = "footnote"

    # Totals: "Jumlah", "Total Kabupaten", or a province's own name where the kab/kota name goes.
    candidates = _label(cells, header)
    candidates[kind != "data"] = None
    plain = pd.Series(candidates, dtype=object).map(normalise, na_action="ignore")
    total = plain.str.startswith(TOTAL_WORDS, na=False).to_numpy(dtype=bool)
    total |= _province_totals(cells, texts, candidates, header, matcher)
    label[total] = candidates[total]
    scope = np.full(len(index), None, dtype=object)
    scope[total] = [_scope(text) for text in plain[total]]
    kind[total] = "total"

    rows = pd.DataFrame({"kind": kind, "level": level, "label": label, "scope": scope}, index=index)
    rows["level"] = rows["level"].astype("string").ffill()  # a section row's level holds until the next section row
    return rows


def _label(cells: np.ndarray, header: Header) -> np.ndarray:
    """The text of each row's label cell: its region name, else region, province or code; None for none."""
    label = np.full(len(cells), None, dtype=object)
    for field in LABEL_FIELDS:
        column = next((c for c in header.columns if c.field == field), None)
        if column is not None:
            take = pd.isna(label) & pd.notna(cells[:, column.index]) & (cells[:, column.index] != "")
            label[take] = cells[take, column.index]
    found = pd.notna(label)
    label[found] = np.strings.strip(label[found].astype(TEXT)).astype(object)
    return label


def _province_totals(
    cells: np.ndarray, texts: np.ndarray, label: np.ndarray, header: Header, matcher: RegionMatcher
) -> np.ndarray:
    """A province's own name in the kab/kota column (with no code of its own) is that province's total."""
    name = next((c for c in header.columns if c.field == "region_name"), None)
    code = next((c for c in header.columns if c.field == "region_code"), None)
    found = np.zeros(len(label), dtype=bool)
    if name is None:
        return found
    province = pd.Series(label, dtype=object).map(matcher.is_province_name, na_action="ignore").eq(True).to_numpy()
    for row in np.flatnonzero(province & (texts[:, name.index] == label)):  # a handful per sheet
        found[row] = code is None or not cells[row, code.index] or cell_text(cells[row, code.index]) is None
    return found


def _scope(label: str) -> str:
    """Which rows a totals row sums, from its normalised label: all, or the kabupaten or the kota only."""
    return "regency" if re.search(r"\bKAB(UPATEN)?\b", label) else "city" if re.search(r"\bKOTA\b", label) else "all"


def expand_rows(body: pd.DataFrame, header: Header) -> list[tuple[int, dict[str, object], dict[str, str]]]:
    """The records of these rows, in row order: (row position, record, the header text of every field it holds,
    for rejection messages).

    A long row is one record. A wide row gives one record per segment or year column; columns that share a key
    (Formal 2021 and Informal 2021) fill the same record.
    """
    plain = {c.field: c for c in header.columns if c.key_field is None}
    texts = {field: c.text for field, c in plain.items()}
    groups: dict[object, list] = {}  # key -> the wide columns of one record
    for column in header.columns:
        if column.key_field is not None:
            groups.setdefault(column.key, []).append(column)
    if not groups:
        records = _records(body, {field: c.index for field, c in plain.items()}, {})
        return [(row, record, texts) for row, record in zip(body.index, records)]
    per_key = []
    for key, columns in groups.items():
        record_texts = {**texts, **{c.field: c.text for c in columns}, columns[0].key_field: columns[-1].text}
        fields = {field: c.index for field, c in plain.items()} | {c.field: c.index for c in columns}
        per_key.append([(record, record_texts) for record in _records(body, fields, {columns[0].key_field: key})])
    return [
        (row, record, record_texts)
        for row, records in zip(body.index, zip(*per_key))
        for record, record_texts in records
    ]


def _records(body: pd.DataFrame, fields: dict[str, int], constants: dict[str, object]) -> list[dict[str, object]]:
    # zip over column lists: several times faster than DataFrame.to_dict("records"), same Python values
    names, columns = [*fields, *constants], [body[i].tolist() for i in fields.values()]
    columns += [[value] * len(body) for value in constants.values()]
    return [dict(zip(names, values)) for values in zip(*columns)]


def period_from_title(title_text: str, file_stem: str):
    """The month a whole table reports, from a title row ("Posisi Agustus 2024") or the file name."""
    return find_period(title_text) or find_period(file_stem)
