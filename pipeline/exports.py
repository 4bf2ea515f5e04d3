"""Exports of the published marts for people who do not use SQL: Parquet files and one Excel workbook.

Both are written from the analyst file, read-only, into `<warehouse>/exports/`, each to a temporary name first and
then renamed, so a reader never opens a half-written export.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
from rustpy_xlsxwriter import Format, write_worksheets

from pipeline.segments import SEGMENT_LABELS

# The analyst-facing marts, in the order of the workbook's sheets.
EXPORTED_TABLES = [
    "marts.coverage", "marts.target_progress", "marts.participation_trend", "marts.coverage_potential",
    "marts.vulnerable_workers", "marts.funding_overlaps",
]  # fmt: skip
STATUS_LABELS = {
    "achieved": "Tercapai",
    "missed": "Tidak tercapai",
    "on_track": "Sesuai jalur",
    "at_risk": "Berisiko",
    "off_track": "Tertinggal",
    "no_data": "Tidak ada data",
}


def export_parquet(analyst_file: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        for table in EXPORTED_TABLES:
            target = folder / f"{table.replace('.', '_')}.parquet"
            partial = target.with_name(f".{target.name}.tmp")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{partial}' (FORMAT parquet)")
            os.replace(partial, target)
            written.append(target)
    finally:
        con.close()
    return written


EXCEL_MAX_ROWS = 1_048_576  # rows on one Excel sheet, header included


def export_excel(analyst_file: Path, target: Path) -> Path:
    """One sheet per mart; headers from the column names, number formats by type, Indonesian labels beside codes.

    Written by rust_xlsxwriter (rustpy-xlsxwriter): a national build's marts are over a million rows, which the
    pure-Python xlsxwriter took a minute to write. A mart longer than an Excel sheet goes on as 'name (2)'.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    header = Format().set_bold().set_background_color("#DDEBF7").set_border("thin").set_text_wrap().set_align("top")
    formats = {"count": "#,##0", "decimal": "#,##0.00", "date": "yyyy-mm"}
    labels = {"segment": SEGMENT_LABELS | {"ALL": "Semua segmen"}, "status": STATUS_LABELS}
    sheets, column_formats, column_widths, notes = [], {}, {}, {}
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        for table in EXPORTED_TABLES:
            columns = con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? ORDER BY column_index", [table]
            ).fetchall()  # fmt: skip
            frame = con.execute(f"SELECT * FROM {table}").df()
            # Nullable integers (pd.NA) become floats with NaN, which the writer leaves as empty cells.
            frame = frame.astype({c: "float64" for c, t in frame.dtypes.items() if isinstance(t, pd.api.extensions.ExtensionDtype) and t.kind in "iu"})
            for c in frame.select_dtypes("datetime").columns[frame.select_dtypes("datetime").isna().any()]:
                frame[c] = frame[c].astype(object).where(frame[c].notna(), None)  # NaT would be written as year 1
            shown, kinds, comments = {}, {}, {}
            for name, data_type, comment in columns:
                shown[name], kinds[name], comments[name] = _heading(name), _kind(data_type), comment
                if name in labels:
                    label = f"{name}_label"
                    frame.insert(frame.columns.get_loc(name) + 1, label, frame[name].map(lambda v, m=labels[name]: m.get(v, v)))
                    shown[label], kinds[label] = _heading(label), "text"
            frame = frame.rename(columns=shown)
            base = table.split(".")[1][:27]
            for part, first in enumerate(range(0, max(len(frame), 1), EXCEL_MAX_ROWS - 1), start=1):
                name = base if part == 1 else f"{base} ({part})"
                sheets.append((name, frame.iloc[first : first + EXCEL_MAX_ROWS - 1]))
                column_formats[name] = {shown[c]: Format().set_num_format(formats[k]) for c, k in kinds.items() if k in formats}
                column_widths[name] = {shown[c]: 22 if k == "text" else 14 for c, k in kinds.items()}
                notes[name] = {shown[c]: {"text": text, "author": "jamsostek-coverage"} for c, text in comments.items() if text}
    finally:
        con.close()
    write_worksheets(
        sheets, str(partial), header_format={"general": header}, column_formats=column_formats, column_widths=column_widths, notes=notes,
        freeze_panes={"general": {"row": 1, "col": 0}}, autofilter={"general": True}, datetime_format="yyyy-mm",
    )  # fmt: skip
    os.replace(partial, target)
    return target


def _heading(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _kind(data_type: str) -> str:
    if data_type == "DATE" or data_type.startswith("TIMESTAMP"):
        return "date"
    if data_type in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT"):
        return "count"
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return "decimal"
    return "text"
