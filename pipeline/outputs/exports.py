"""Exports of the published marts for people who do not use SQL: Parquet files, one Excel workbook, and one csv of
double payments per funding source.

- The Parquet files keep every mart whole.
- The workbook is for people: what an analyst opens it for (targets and the plan, statement checks, coverage and
  trend for the latest LATEST_MONTHS months at every level, vulnerable workers by region and funding source), never
  worker-level rows: nobody reads two million rows in Excel.
- `funding_overlaps/<source>.csv`: the double payments one funding source must resolve.

Everything is written from the analyst file, read-only, into `<warehouse>/exports/`, each to a temporary name first
and then renamed, so a reader never opens a half-written export. An output whose tables did not change since it
was last written (same content fingerprint, same export code) is not written again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
from rustpy_xlsxwriter import Format, write_worksheets

from pipeline.outputs import formats
from pipeline.outputs import labels as display
from pipeline.outputs import notes as column_notes
from pipeline.outputs.filenames import output_file
from pipeline.outputs.labels import CODE_LABELS
from pipeline.parse.funding import FUNDING_SOURCES
from pipeline.warehouse.connection import read_only

# The analyst-facing marts: one Parquet file each, whole.
EXPORTED_TABLES = [
    "marts.coverage",
    "marts.target_progress",
    "marts.target_plan",
    "marts.statement_checks",
    "marts.participation_trend",
    "marts.coverage_potential",
    "marts.vulnerable_workers",
    "marts.funding_overlaps",
    "marts.projection_backtest",
]
LATEST_MONTHS = 25  # two years and the month a year before the first: month-on-month and year-on-year on every row


def _latest(table: str) -> str:
    return (
        f"SELECT * FROM {table} WHERE period >= (SELECT max(period) FROM {table}) - INTERVAL {LATEST_MONTHS - 1} MONTH"
    )


@dataclass(frozen=True)
class Sheet:
    table: str  # the mart the rows come from: its column descriptions become the header notes
    query: str  # what of it goes on the sheet


# The workbook's sheets, in order.
WORKBOOK_SHEETS = [
    Sheet("marts.target_progress", "SELECT * FROM marts.target_progress"),
    Sheet("marts.target_plan", "SELECT * FROM marts.target_plan"),
    Sheet("marts.statement_checks", "SELECT * FROM marts.statement_checks"),
    Sheet("marts.coverage", _latest("marts.coverage")),
    Sheet("marts.participation_trend", _latest("marts.participation_trend")),
    Sheet("marts.coverage_potential", "SELECT * FROM marts.coverage_potential"),
    # By region and funding source, the latest months: the mart's all-occupations rows, as they are (summing the
    # occupations would count the ALL row twice, and a person in two occupations twice).
    Sheet(
        "marts.vulnerable_workers",
        f"""
        SELECT period, region_code, region_name, region_level, province_code, funding_source,
               insured_workers, new_workers, ended_workers, contribution_idr
        FROM ({_latest("marts.vulnerable_workers")}) WHERE occupation = 'ALL'
        ORDER BY period, region_code, funding_source""",
    ),
]
OVERLAPS = "marts.funding_overlaps"
# A text cell starting with one of these runs as a formula when a csv is opened in Excel or LibreOffice.
FORMULA_START = r"^[=+\-@\t\r]"
# The workbook is for people, who read Indonesian: sheet names and one heading per column name (a column means the
# same on every sheet). A column missing here fails tests/test_exports.py, so no English heading slips through.
SHEET_NAMES = {
    "marts.target_progress": "Target",
    "marts.target_plan": "Rencana target",
    "marts.statement_checks": "Pemeriksaan pernyataan",
    "marts.coverage": "Cakupan",
    "marts.participation_trend": "Tren kepesertaan",
    "marts.coverage_potential": "Cakupan UCJ",
    "marts.vulnerable_workers": "Pekerja rentan",
}
# The same column name that means something else in one mart: that mart's heading.
TABLE_HEADINGS = {
    ("marts.coverage_potential", "coverage_pct"): "Cakupan UCJ thd pekerja potensial (%)",
    ("marts.coverage_potential", "workforce"): "Pekerja potensial (penyebut UCJ)",
    ("marts.statement_checks", "bps_employed"): "Angka BPS pembanding (menurut dasar BPS)",
}
# Columns in the unit of the row's metric (a coverage in %, or people): written as text in that unit, id-ID, because
# one number format cannot show 31,2% and 28.000 in one column.
METRIC_UNIT_COLUMNS = {
    "target_value",
    "baseline_value",
    "current_value",
    "gap",
    "required_monthly_change",
    "recent_monthly_change",
    "projected_at_deadline",
    "trend_at_deadline",
    "trend_low_80",
    "trend_high_80",
}
HEADINGS = {
    "target_id": "ID target",
    "region_code": "Kode wilayah",
    "region_name": "Wilayah",
    "segment": "Segmen",
    "segment_label": "Nama segmen",
    "status_label": "Keterangan status",
    "region_level_label": "Tingkat wilayah (nama)",
    "metric_label": "Ukuran (nama)",
    "target_metric_label": "Ukuran target (nama)",
    "denominator_label": "Penyebut (nama)",
    "workforce_basis_label": "Dasar penyebut (nama)",
    "bps_basis_label": "Dasar BPS (nama)",
    "denominator_kind_label": "Jenis penyebut (nama)",
    "participants_source_label": "Asal angka peserta (nama)",
    "period_grain_label": "Bulan atau tahun (nama)",
    "metric": "Ukuran",
    "funding_source": "Sumber dana",
    "target_value": "Nilai target",
    "deadline": "Tenggat",
    "baseline_period": "Bulan awal",
    "baseline_value": "Nilai awal",
    "as_of": "Bulan data terakhir",
    "current_value": "Nilai terkini",
    "gap": "Selisih ke target",
    "months_remaining": "Sisa bulan",
    "required_monthly_change": "Perubahan per bulan yang dibutuhkan",
    "recent_monthly_change": "Perubahan per bulan (3 bulan terakhir)",
    "projected_at_deadline": "Proyeksi pada tenggat (tren 12 bulan)",
    "status": "Status",
    "trend_at_deadline": "Tren pada tenggat",
    "error_horizon": "Cakrawala galat terukur (bulan)",
    "costed_participants": "Peserta yang dihitung biayanya",
    "cost_basis": "Dasar perhitungan iuran",
    "measure": "Yang diukur",
    "trend_low_80": "Rentang 80% bawah",
    "trend_high_80": "Rentang 80% atas",
    "probability_reaching": "Peluang tercapai",
    "workforce_at_as_of": "Penyebut pada bulan terakhir",
    "current_participants": "Peserta terkini",
    "participants_needed": "Peserta yang masih dibutuhkan",
    "below_target_participants": "Peserta di bawah tingkat target (target tertutup)",
    "required_monthly_participants": "Tambahan peserta per bulan yang dibutuhkan",
    "recent_monthly_participants": "Tambahan peserta per bulan (3 bulan terakhir)",
    "monthly_rate_idr": "Iuran per pekerja per bulan (Rp)",
    "cost_to_deadline_idr": "Iuran sampai tenggat (Rp)",
    "cost_year_after_deadline_idr": "Iuran setahun setelah tenggat (Rp)",
    "committed_idr": "Iuran terutang sejauh ini (Rp)",
    "budget_idr": "Anggaran (Rp)",
    "budget_remaining_idr": "Sisa anggaran (Rp)",
    "reached_period": "Bulan tercapai",
    "denominator": "Penyebut",
    "source": "Sumber",
    "period": "Bulan",
    "months_to_deadline": "Sisa bulan sampai tenggat",
    "required_participants": "Peserta yang dibutuhkan",
    "required_coverage_pct": "Cakupan yang dibutuhkan (%)",
    "participants_at_run_rate": "Peserta menurut laju sekarang",
    "behind_run_rate": "Kekurangan terhadap laju sekarang",
    "funded_workers": "Pekerja rentan yang didaftarkan rencana",
    "plan_contribution_idr": "Iuran JKK+JKM bulan ini (Rp)",
    "plan_cumulative_idr": "Iuran kumulatif (Rp)",
    "statement_id": "ID pernyataan",
    "period_grain": "Bulan atau tahun",
    "stated_on": "Tanggal pernyataan",
    "stated_as_of": "Per (seperti ditulis)",
    "url": "Tautan",
    "stated_participants": "Peserta disebut",
    "stated_participants_precision": "Ketelitian peserta (±)",
    "stated_denominator": "Penyebut disebut",
    "stated_denominator_precision": "Ketelitian penyebut (±)",
    "denominator_kind": "Jenis penyebut",
    "denominator_words": "Penyebut menurut pernyataan",
    "stated_coverage_pct": "Cakupan disebut (%)",
    "stated_coverage_pct_precision": "Ketelitian cakupan (± poin)",
    "recomputed_pct": "Cakupan dihitung ulang (%)",
    "arithmetic_ok": "Aritmetika benar",
    "stated_pu": "PU disebut",
    "stated_bpu": "BPU disebut",
    "stated_jakon": "Jakon disebut",
    "stated_pmi": "PMI disebut",
    "stated_formal": "Formal disebut",
    "stated_informal": "Informal disebut",
    "stated_segments_sum": "Jumlah segmen disebut",
    "derived_parts": "Bagian yang dihitung dari sisanya",
    "segments_add_up": "Segmen sesuai total",
    "warehouse_period": "Bulan gudang data",
    "warehouse_participants": "Peserta (gudang data)",
    "warehouse_segments": "Segmen (gudang data)",
    "participants_difference": "Selisih peserta",
    "participants_difference_pct": "Selisih peserta (%)",
    "warehouse_coverage_pct": "Cakupan BPS (gudang data, %)",
    "coverage_difference_pp": "Selisih cakupan (poin)",
    "bps_employed": "Penduduk bekerja BPS",
    "bps_year": "Tahun BPS",
    "bps_survey_month": "Bulan survei BPS",
    "bps_published_on": "Terbit BPS",
    "bps_precision": "Ketelitian BPS (±)",
    "denominator_vs_bps_pct": "Penyebut thd BPS (%)",
    "denominator_matches_bps": "Penyebut sama dengan",
    "potential_workers": "Pekerja potensial",
    "target_metric": "Ukuran target",
    "target_deadline": "Tenggat target",
    "stated_gap": "Kekurangan disebut",
    "expected_gap": "Kekurangan menurut angkanya sendiri",
    "problem_count": "Jumlah masalah",
    "verdict": "Temuan",
    "not_checked": "Tidak diperiksa",
    "not_parsed": "Sel tidak terbaca",
    "region_level": "Tingkat wilayah",
    "province_code": "Kode provinsi",
    "active_participants": "Peserta aktif",
    "workforce": "Penyebut (penduduk bekerja)",
    "workforce_basis": "Dasar penyebut",
    "workforce_year": "Tahun penyebut",
    "coverage_pct": "Cakupan thd penduduk bekerja BPS (%)",
    "segments_reported": "Segmen yang dilaporkan",
    "participants_source": "Asal angka peserta",
    "regions_reporting": "Wilayah yang melapor",
    "regions_expected": "Wilayah seharusnya",
    "is_complete": "Lengkap",
    "mom_change": "Perubahan bulanan",
    "yoy_change": "Perubahan tahunan",
    "yoy_pct": "Perubahan tahunan (%)",
    "denominator_source": "Sumber penyebut",
    "exceeds_bps_employed": "Melebihi penduduk bekerja BPS",
    "bps_coverage_pct": "Cakupan thd penduduk bekerja BPS (%)",
    "bps_basis": "Dasar BPS",
    "insured_workers": "Pekerja dijamin",
    "new_workers": "Pekerja baru",
    "ended_workers": "Pekerja berakhir",
    "contribution_idr": "Iuran (Rp)",
}


class Fingerprints:
    """What each output was last written from, kept in `<exports>/.fingerprints.json`: per output, the content
    fingerprints of its tables and the code that writes it (the exports asset's code version: this module and every
    module it imports, such as the segment labels). An output whose entry matches and whose files exist is current."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, code_version: str):
        self.con, self.path, self.code_version = con, folder / ".fingerprints.json", code_version
        self.written = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.tables: dict[str, str] = {}

    def of(self, tables: list[str]) -> str:
        for table in tables:
            if table not in self.tables:
                # The row count and two order-independent sums of row hashes (xor alone cancels a repeated row).
                [row] = self.con.execute(
                    f"SELECT count(*), bit_xor(hash(t)), sum(hash(t)::HUGEINT) FROM {table} t"
                ).fetchall()
                self.tables[table] = "/".join(str(v) for v in row)
        return hashlib.sha256("|".join([self.code_version, *(self.tables[t] for t in tables)]).encode()).hexdigest()[
            :16
        ]

    def current(self, output: str, files: list[Path], tables: list[str]) -> bool:
        return self.written.get(output) == self.of(tables) and all(f.exists() for f in files)

    def record(self, output: str, tables: list[str]) -> None:
        self.written[output] = self.of(tables)
        partial = self.path.with_name(f".{self.path.name}.tmp")
        partial.write_text(json.dumps(self.written, indent=1, sort_keys=True))
        os.replace(partial, self.path)


@dataclass
class Exported:
    written: list[Path]  # rewritten in this run
    unchanged: list[Path]  # already current: their tables did not change


def export_all(analyst_file: Path, folder: Path, code_version: str) -> Exported:
    """Parquet files, the workbook and the per-funder overlap csvs in `folder`, each only if its tables or
    `code_version` (of the code that writes them) changed."""
    folder.mkdir(parents=True, exist_ok=True)
    result = Exported([], [])
    con = read_only(analyst_file)
    try:
        fingerprints = Fingerprints(con, folder, code_version)

        def refresh(output: str, files: list[Path], tables: list[str], write) -> None:
            if fingerprints.current(output, files, tables):
                result.unchanged.extend(files)
                return
            write()
            fingerprints.record(output, tables)
            result.written.extend(files)

        for table in EXPORTED_TABLES:
            target = folder / "parquet" / f"{table.replace('.', '_')}.parquet"
            refresh(
                f"parquet {table}",
                [target],
                [table],
                lambda table=table, target=target: export_parquet(con, table, target),
            )
        workbook = folder / "jamsostek_marts.xlsx"
        refresh("workbook", [workbook], sorted({s.table for s in WORKBOOK_SHEETS}), lambda: export_excel(con, workbook))
        overlaps = folder / "funding_overlaps"
        files = [output_file(overlaps, source, ".csv") for source in FUNDING_SOURCES]
        refresh("funding_overlaps csv", files, [OVERLAPS], lambda: export_overlaps(con, overlaps))
    finally:
        con.close()
    return result


def export_parquet(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_text(partial)}' (FORMAT parquet)")
    os.replace(partial, target)
    return target


def export_overlaps(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """One csv per funding source: the months its workers were also paid for by another, what it must resolve.

    Every file is written with its header, even when empty ("no double payment" is an answer too). Text that a
    spreadsheet would run as a formula is written with a leading apostrophe.
    """
    folder.mkdir(parents=True, exist_ok=True)
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? ORDER BY column_index",
        [OVERLAPS],
    ).fetchall()
    cells = ", ".join(
        f"CASE WHEN regexp_matches({name}, '{FORMULA_START}') THEN chr(39) || {name} ELSE {name} END AS {name}"
        if kind == "VARCHAR"
        else name
        for name, kind in columns
    )
    written = []
    for source in FUNDING_SOURCES:
        target = output_file(folder, source, ".csv")
        partial = target.with_name(f".{target.name}.tmp")
        con.execute(
            f"COPY (SELECT {cells} FROM {OVERLAPS} WHERE list_contains(string_split(funding_sources, ','), ?) "
            f"ORDER BY period, region_code, worker_key) TO '{_sql_text(partial)}' (HEADER, DELIMITER ',')",
            [source],
        )
        os.replace(partial, target)
        written.append(target)
    return written


EXCEL_MAX_ROWS = 1_048_576  # rows on one Excel sheet, header included


def export_excel(con: duckdb.DuckDBPyConnection, target: Path, sheets_wanted: list[Sheet] = WORKBOOK_SHEETS) -> Path:
    """One sheet per entry of `sheets_wanted`: headers from the column names, number formats by type, Indonesian
    labels beside codes, each column's Indonesian note (pipeline/outputs/notes.py) on its header.

    Written by rust_xlsxwriter (rustpy-xlsxwriter), rows streamed from DuckDB in batches so that memory stays flat;
    a sheet longer than Excel allows goes on as 'name (2)'.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    header = Format().set_bold().set_background_color("#DDEBF7").set_border("thin").set_text_wrap().set_align("top")
    # Excel shows separators in the reader's locale; [$-421] makes month names Indonesian whatever Excel's language.
    formats = {"count": "#,##0", "decimal": "#,##0.00", "date": "[$-421]mmm yyyy", "year": "0", "share": "0%"}
    labels = CODE_LABELS
    sheets, column_formats, column_widths, notes = [], {}, {}, {}
    for sheet in sheets_wanted:
        table, query = sheet.table, sheet.query
        columns = [(name, data_type) for name, data_type, *_ in con.execute(f"DESCRIBE {query}").fetchall()]
        names = [name for name, _ in columns]
        layout = []  # (heading, column index, how the cell is written: None as it is, a label mapping, or a formatter)
        for index, name in enumerate(names):
            if name in METRIC_UNIT_COLUMNS and "metric" in names:
                metric = names.index("metric")
                layout.append((_heading(table, name), index, _in_unit_of(metric)))
            else:
                layout.append((_heading(table, name), index, None))
            if name in labels:
                layout.append((_heading(table, f"{name}_label"), index, labels[name]))
            if name == "metric" and {"segment", "funding_source", "region_name"} <= set(names):
                layout.append((_heading(table, "measure"), index, _measure(names)))
        kinds = {_heading(table, name): _kind(name, data_type) for name, data_type in columns} | {
            h: "text" for h, _, m in layout if m
        }
        [(rows,)] = con.execute(f"SELECT count(*) FROM ({query})").fetchall()
        base = SHEET_NAMES.get(table, table.split(".")[1])[:27]
        for part, first in enumerate(range(0, max(rows, 1), EXCEL_MAX_ROWS - 1), start=1):
            name = base if part == 1 else f"{base} ({part})"
            part_query = f"SELECT * FROM ({query}) LIMIT {EXCEL_MAX_ROWS - 1} OFFSET {first}"
            # An empty sheet still gets its header row: a DataFrame with the columns and no rows.
            records = (
                _records(con.cursor(), part_query, layout) if rows else pd.DataFrame(columns=[h for h, _, _ in layout])
            )
            sheets.append((name, records))
            column_formats[name] = {h: Format().set_num_format(formats[k]) for h, k in kinds.items() if k in formats}
            column_widths[name] = {h: 22 if k == "text" else 14 for h, k in kinds.items()}
            # The notes people read are Indonesian (pipeline/outputs/notes.py), not the warehouse's English descriptions.
            notes[name] = {
                _heading(table, c): {"text": text, "author": "jamsostek-coverage"}
                for c, _ in columns
                if (text := column_notes.note(table, c))
            }
    write_worksheets(
        sheets,
        str(partial),
        header_format={"general": header},
        column_formats=column_formats,
        column_widths=column_widths,
        notes=notes,
        freeze_panes={"general": {"row": 1, "col": 0}},
        autofilter={"general": True},
        datetime_format="[$-421]mmm yyyy",
    )
    os.replace(partial, target)
    return target


def _in_unit_of(metric_index: int):
    """A figure written in its row's unit: '31,18%' for a coverage, '28.000' for people (2 decimals for a coverage)."""
    return lambda row, value: None if not formats.known(value) else formats.number(value, row[metric_index], 2)


def _measure(names: list[str]):
    """What a target row's figure is (pipeline/outputs/labels.measure), from the row's own columns."""
    segment, metric, funder, region = (names.index(c) for c in ("segment", "metric", "funding_source", "region_name"))
    return lambda row, _: display.measure(row[segment], row[metric], row[funder], row[region])


def _records(cursor: duckdb.DuckDBPyConnection, query: str, layout: list[tuple[str, int, object]]) -> Iterator[dict]:
    """The rows of `query` as {heading: value}, with label columns; the query runs when the writer reaches the sheet."""
    cursor.execute(query)
    while batch := cursor.fetchmany(50_000):
        for row in batch:
            yield {heading: _cell(row, i, how) for heading, i, how in layout}
    cursor.close()


def _cell(row: tuple, index: int, how):
    if how is None:
        return row[index]
    if isinstance(how, dict):
        return how.get(row[index], row[index])
    return how(row, row[index])


def _sql_text(path: Path) -> str:
    """A path inside a SQL string literal (the warehouse folder may hold a quote)."""
    return str(path).replace("'", "''")


def _heading(table: str, column: str) -> str:
    return TABLE_HEADINGS.get((table, column)) or HEADINGS.get(column) or column.replace("_", " ").capitalize()


def _kind(name: str, data_type: str) -> str:
    if name.endswith("_year") or name == "bps_survey_month":
        return "year"  # 2022, not 2,022
    if name.startswith("probability_"):
        return "share"  # a chance as 100%, not 1,00
    if data_type == "DATE" or data_type.startswith("TIMESTAMP"):
        return "date"
    if data_type in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT"):
        return "count"
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return "decimal"
    return "text"
