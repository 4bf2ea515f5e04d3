"""The corpus of messy and bad raw files: how each one is written, and what ingest must make of it.

`python tests/corpus/cases.py` (re)writes the files under tests/corpus/<source>/; they are committed, and
tests/test_corpus.py ingests every one and checks its expected outcome. Figures are synthetic; names and codes
are the official ones, from several provinces.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import xlsxwriter

CORPUS = Path(__file__).resolve().parent


@dataclass
class Case:
    path: str  # <source>/<file name>
    write: Callable[[Path], None]
    status: str  # loaded | partial | failed
    loaded: int = 0
    rejected: int = 0
    skipped: int = 0
    rows: list[dict] = field(default_factory=list)  # staged values that must be there (subset of columns)
    rejections: list[dict] = field(default_factory=list)  # row_number / check_name / reason substring
    error: str | None = None  # substring of a failed file's message
    totals: int = 0  # totals rows kept as cross-checks (one per stated figure)
    notes: str | None = None  # substring of what the ledger says was left unread (a hidden sheet)


@dataclass
class Formula:
    """A formula cell and the value Excel cached for it (what a reader sees), e.g. an error such as '#REF!'."""

    formula: str
    cached: object


@dataclass
class Styled:
    """A number cell with a number format, e.g. 0.2546 shown as 25,46% under '0.00%'."""

    value: float
    num_format: str


def csv_file(rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8") -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "w", newline="", encoding=encoding) as f:
            csv.writer(f, delimiter=delimiter).writerows(rows)

    return write


def raw_bytes(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def workbook(
    sheets: dict[str, list[list[object]]],
    merges: dict[str, list[tuple]] | None = None,
    hidden: tuple[str, ...] = (),
    cells: dict[str, dict[tuple[int, int], object]] | None = None,
) -> Callable[[Path], None]:
    """Sheets as rows; `merges` lists (first_row, first_col, last_row, last_col, text) merged ranges per sheet;
    `hidden` names hidden sheets; `cells` places single cells far down a sheet (row 1,048,575 and the like)."""

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(path)
        book.set_properties({"created": dt.datetime(2025, 1, 1)})  # byte-identical when regenerated
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            if name in hidden:
                sheet.hide()
            placed = [((r, c), v) for r, row in enumerate(rows) for c, v in enumerate(row)] + list(
                (cells or {}).get(name, {}).items()
            )
            for (r, c), value in placed:
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.formula, None, value.cached)
                elif isinstance(value, Styled):
                    sheet.write_number(r, c, value.value, book.add_format({"num_format": value.num_format}))
                elif value is not None:
                    sheet.write(r, c, value)
            for first_row, first_col, last_row, last_col, text in (merges or {}).get(name, []):
                sheet.merge_range(first_row, first_col, last_row, last_col, text)
        book.close()

    return write


LONG_HEADER = ["Kode Wilayah", "Kabupaten/Kota", "Segmen", "Peserta Aktif"]

CASES = [
    # --- participation: layouts that load -------------------------------------------------------------------
    Case(
        "participation/2024-05_jatim_long.csv",
        csv_file(
            [LONG_HEADER, ["35.75", "Kota Pasuruan", "PU", "16.833"], ["35.74", "Kota Probolinggo", "BPU", "9.081"]]
        ),
        "loaded",
        loaded=2,
        rows=[{"region_code": "35.75", "segment": "PU", "active_participants": 16833, "period": "2024-05-01"}],
    ),
    Case(
        "participation/2024-05_sumsel_kode_bps.csv",
        csv_file(
            [
                ["Kode", "Kab/Kota", "Segmen", "TK Aktif"],
                ["1672", "PRABUMULIH", "PU", "21.004"],
                ["1608", "OKU SELATAN", "BPU", "3.120"],
                ["1674", "LUBUKLINGGAU", "PU", "18.220"],
            ]
        ),
        "loaded",
        loaded=3,
        rows=[
            {"region_code": "16.74", "active_participants": 21004},
            {"region_code": "16.09", "active_participants": 3120},
            {"region_code": "16.73", "active_participants": 18220},
        ],
    ),
    Case(
        "participation/rekap_jabar_wide.xlsx",
        workbook(
            {
                "Agustus": [
                    ["REKAP TENAGA KERJA AKTIF KANWIL JAWA BARAT"],
                    ["Posisi Agustus 2024"],
                    [],
                    [None, None, None, None, None, None, None],
                    [None, None, "PU", "BPU", "Jakon", "PMI", "Total"],
                    ["KABUPATEN"],
                    [1, "Bogor", "410.221", "120.118", "30.402", "8.100", "568.841"],
                    [2, "Bandung", "380.005", "99.871", "21.300", "5.010", "506.186"],
                    ["KOTA"],
                    [1, "Bogor", "150.330", "40.112", "9.876", "1.200", "201.518"],
                    [None, "JUMLAH", "940.556", "260.101", "61.578", "14.310", "1.276.545"],
                    [],
                    ["Sumber: BPJS Ketenagakerjaan Kanwil Jawa Barat (sintetis)"],
                ]
            },
            {"Agustus": [(3, 0, 4, 0, "No"), (3, 1, 4, 1, "Kabupaten/Kota"), (3, 2, 3, 6, "Peserta Aktif")]},
        ),
        "loaded",
        loaded=12,
        skipped=4,
        totals=5,
        rows=[
            {"region_code": "32.01", "segment": "PU", "active_participants": 410221, "period": "2024-08-01"},
            {"region_code": "32.71", "segment": "PMI", "active_participants": 1200},
        ],
    ),
    Case(
        "participation/2024-07_total_tidak_cocok.xlsx",
        workbook(
            {
                "Data": [
                    ["Kab/Kota", "PU", "BPU", "Jakon", "PMI", "Total"],
                    ["Kota Surabaya", 900000, 250000, 60000, 12000, 1222000],
                    ["Kota Malang", 200000, 60000, 10000, 2000, 999999],
                ]
            }
        ),
        "partial",
        loaded=4,
        rejected=4,
        rejections=[{"row_number": 3, "check_name": "row_total_matches", "reason": "add up to 272,000"}],
    ),
    Case(
        "participation/laporan_posisi_agt.xlsx",
        workbook(
            {
                "Sheet1": [
                    ["Laporan Kepesertaan"],
                    ["Posisi Agt 2024"],
                    ["Kabupaten/Kota", "Segmen Peserta", "Jumlah Peserta Aktif"],
                    ["Kab. Badung", "Bukan Penerima Upah", 41234],
                ]
            }
        ),
        "loaded",
        loaded=1,
        rows=[{"region_code": "51.03", "segment": "BPU", "period": "2024-08-01"}],
    ),
    Case(
        "participation/bulan_tahun.csv",
        csv_file(
            [
                ["Bulan", "Tahun", "Wilayah", "Kategori", "Kepesertaan Aktif"],
                ["Des", "2023", "Kota Denpasar", "Penerima Upah", "120.500"],
                ["Desember", "2023", "Kab. Gianyar", "Jasa Konstruksi", "2.310"],
            ]
        ),
        "loaded",
        loaded=2,
        rows=[{"region_code": "51.71", "period": "2023-12-01"}, {"region_code": "51.04", "segment": "JAKON"}],
    ),
    Case(
        "participation/2023-11_cp1252_titikkoma.csv",
        csv_file(
            [
                ["Kab/Kota", "Segmen", "Peserta Aktif", "Catatan"],
                ["Kab. Bandung", "PU", "380.005", "data sementara \u2013 revisi"],
                ["Kota Cimahi", "BPU", "12.044", ""],
            ],
            ";",
            "cp1252",
        ),
        "loaded",
        loaded=2,
        notes="columns not read: 'Catatan'",
        rows=[{"region_code": "32.04"}, {"region_code": "32.77", "active_participants": 12044}],
    ),
    Case(
        "participation/2023-10_bom_tab.csv",
        csv_file([["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Yogyakarta", "PU", "88.100"]], "\t", "utf-8-sig"),
        "loaded",
        loaded=1,
        rows=[{"region_code": "34.71", "active_participants": 88100}],
    ),
    Case(
        "participation/2023-09_latin1.csv",
        csv_file([["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kab. Sleman", "BPU", "31.870"]], ",", "latin-1"),
        "loaded",
        loaded=1,
        rows=[{"region_code": "34.04"}],
    ),
    Case(
        "participation/2023-08_spasi_ribuan.csv",
        csv_file(
            [
                ["Kab/Kota", "Segmen", "Peserta Aktif"],
                ["Kota Kupang", "PU", "99 229"],
                ["Kab. Kupang", "PU", "1 204 118"],
            ]
        ),
        "loaded",
        loaded=2,
        rows=[
            {"region_code": "53.71", "active_participants": 99229},
            {"region_code": "53.01", "active_participants": 1204118},
        ],
    ),
    Case(
        "participation/2023-07_akhiran_kota.csv",
        csv_file(
            [
                ["Kab/Kota", "Segmen", "Peserta Aktif"],
                ["PASURUAN KOTA", "PU", "16000"],
                ["MALANG KAB", "PU", "250000"],
                ["Kota  Adm.  Jakarta Pusat", "PU", "800000"],
            ]
        ),
        "loaded",
        loaded=3,
        rows=[{"region_code": "35.75"}, {"region_code": "35.07"}, {"region_code": "31.71"}],
    ),
    Case(
        "participation/kode_angka_excel.xlsx",
        workbook(
            {
                "Maret 2024": [
                    ["Periode: Maret 2024"],
                    ["Kode", "Kab/Kota", "Segmen", "TK Aktif"],
                    [35.75, "Kota Pasuruan", "PU", 16833],
                    [11.1, "Kab. Aceh Singkil", "PU", 20111],
                ]
            }
        ),
        "loaded",
        loaded=2,
        rows=[{"region_code": "35.75"}, {"region_code": "11.10", "period": "2024-03-01"}],
    ),
    Case(
        "participation/2024-01_dua_sheet.xlsx",
        workbook(
            {
                "Jan": [["Posisi Januari 2024"], LONG_HEADER, ["16.71", "Kota Palembang", "PU", 301200]],
                "Feb": [["Posisi Februari 2024"], LONG_HEADER, ["16.71", "Kota Palembang", "PU", 302900]],
                "Catatan": [["Data bersifat sementara."]],
            }
        ),
        "loaded",
        loaded=2,
        rows=[
            {"region_code": "16.71", "period": "2024-01-01", "sheet": "Jan"},
            {"region_code": "16.71", "period": "2024-02-01", "sheet": "Feb", "active_participants": 302900},
        ],
    ),
    Case(
        "participation/provinsi_bali.csv",
        csv_file(
            [
                ["Periode", "Provinsi", "Segmen", "Peserta Aktif"],
                ["2025-03", "Bali", "PU", "700.100"],
                ["2025-03", "Bali", "BPU", "235.079"],
            ]
        ),
        "loaded",
        loaded=2,
        rows=[{"region_code": "51", "active_participants": 235079}],
    ),
    Case(
        "participation/2024-02_subtotal.xlsx",
        workbook(
            {
                "Data": [
                    ["Kabupaten/Kota", "Segmen", "Peserta Aktif"],
                    ["KABUPATEN", None, None],
                    ["Tuban", "PU", 90000],
                    ["Gresik", "PU", 210000],
                    ["Jumlah Kabupaten", "PU", 300000],
                    ["KOTA", None, None],
                    ["Batu", "PU", 40000],
                    ["Jumlah Kota", "PU", 40000],
                    ["Total", "PU", 340000],
                ]
            }
        ),
        "loaded",
        loaded=3,
        skipped=5,
        totals=3,
        rows=[{"region_code": "35.23"}, {"region_code": "35.79"}],
    ),
    # NTT: BPS 5303 is Kemendagri 53.01 (Kupang); BPS 5301 is Sumba Barat, so "5301 KUPANG" (digits copied
    # from a Kemendagri code) is caught by the name check instead of loading Kupang's figures for Sumba Barat.
    Case(
        "participation/2024-02_ntt_campur.csv",
        csv_file(
            [
                ["Kode Wilayah", "Kab/Kota", "Segmen", "Peserta Aktif"],
                ["", "Kota Kupang", "PU", "70.000"],
                ["5303", "KUPANG", "BPU", "15.000"],
                ["", "Kab. Sumba Timur", "PMI", "312"],
                ["5301", "KUPANG", "PU", "30.000"],
            ]
        ),
        "partial",
        loaded=3,
        rejected=1,
        rows=[{"region_code": "53.71"}, {"region_code": "53.01", "segment": "BPU"}, {"region_code": "53.11"}],
        rejections=[{"row_number": 5, "check_name": "region_match", "reason": "is Kabupaten Sumba Barat (53.12)"}],
    ),
    Case(
        "participation/2024-03_catatan_kaki.csv",
        csv_file(
            [
                ["Kab/Kota", "Segmen", "Peserta Aktif"],
                ["Kota Madiun", "PU", "41.000"],
                [],
                ["Keterangan: angka sementara"],
                ["*) termasuk peserta pindahan"],
            ]
        ),
        "loaded",
        loaded=1,
        skipped=2,
    ),
    # --- participation: rows that are quarantined -----------------------------------------------------------
    Case(
        "participation/2024-04_nama_ganda.csv",
        csv_file(
            [["Kab/Kota", "Segmen", "Peserta Aktif"], ["Pasuruan", "PU", "100"], ["Kota Pasuruan", "PU", "16.000"]]
        ),
        "partial",
        loaded=1,
        rejected=1,
        rejections=[
            {
                "row_number": 2,
                "check_name": "region_match",
                "reason": "'Kabupaten Pasuruan' (35.14) or 'Kota Pasuruan' (35.75)",
            }
        ],
    ),
    Case(
        "participation/2024-04_salah_ketik.csv",
        csv_file(
            [["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kab. Lumajangg", "PU", "100"], ["Kab. Banyuwangi", "PU", "300"]]
        ),
        "partial",
        loaded=1,
        rejected=1,
        rejections=[{"row_number": 2, "check_name": "region_match", "reason": "did you mean 'Kabupaten Lumajang'"}],
    ),
    Case(
        "participation/2024-04_strip_kosong.csv",
        csv_file(
            [["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Blitar", "PU", "-"], ["Kota Kediri", "PU", "40.000"]]
        ),
        "partial",
        loaded=1,
        rejected=1,
        rejections=[{"row_number": 2, "check_name": "required_value", "reason": "active participants is empty"}],
    ),
    Case(
        "participation/2024-04_angka_ragu.csv",
        csv_file(
            [["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Kediri", "PU", "1,234"], ["Kota Blitar", "BPU", "12,5"]]
        ),
        "partial",
        loaded=0,
        rejected=2,
        rejections=[
            {"row_number": 2, "check_name": "number_format", "reason": "ambiguous"},
            {"row_number": 3, "check_name": "number_format", "reason": "not a whole number"},
        ],
    ),
    Case(
        "participation/2024-04_kode_nama_beda.csv",
        csv_file([["Kode Wilayah", "Kab/Kota", "Segmen", "Peserta Aktif"], ["16.74", "Lubuklinggau", "PU", "100"]]),
        "partial",
        rejected=1,
        rejections=[{"row_number": 2, "check_name": "region_match", "reason": "is Kota Prabumulih"}],
    ),
    Case(
        "participation/2024-04_baris_ganda.csv",
        csv_file(
            [["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Batu", "PU", "100"], ["Kota Batu", "Penerima Upah", "105"]]
        ),
        "partial",
        loaded=1,
        rejected=1,
        rejections=[{"row_number": 3, "check_name": "duplicate_key", "reason": "first one is kept"}],
    ),
    Case(
        "participation/periode_masa_depan.csv",
        csv_file(
            [
                ["Periode", "Kab/Kota", "Segmen", "Peserta Aktif"],
                ["2099-01", "Kota Batu", "PU", "100"],
                ["2024-01", "Kota Batu", "Honorer", "100"],
            ]
        ),
        "partial",
        rejected=2,
        rejections=[
            {"row_number": 2, "check_name": "period_not_in_future"},
            {"row_number": 3, "check_name": "segment_value"},
        ],
    ),
    # --- participation: files that fail ----------------------------------------------------------------------
    Case(
        "participation/2024-06_tanpa_peserta.xlsx",
        workbook({"Data": [["Kabupaten/Kota", "Segmen", "Jumlah Iuran"], ["Kota Batu", "PU", 100]]}),
        "failed",
        error="missing 'active_participants'",
    ),
    Case("participation/2024-06_kosong.csv", raw_bytes(b""), "failed", error="empty"),
    Case(
        "participation/2024-06_rusak.xlsx",
        raw_bytes(b"PK\x03\x04 truncated download"),
        "failed",
        error="not a readable spreadsheet",
    ),
    Case(
        "participation/laporan_tanpa_periode.csv",
        csv_file([["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Batu", "PU", "100"]]),
        "failed",
        error="no period found",
    ),
    # --- workforce ---------------------------------------------------------------------------------------------
    Case(
        "workforce/bps_sumsel_lebar.xlsx",
        workbook(
            {
                "Tabel": [
                    ["Penduduk Bekerja menurut Kabupaten/Kota, Sumatera Selatan"],
                    ["Kabupaten/Kota", "2021", "2022", "2023"],
                    ["Ogan Komering Ulu Selatan", "190.112", "192.004", "-"],
                    ["Prabumulih", "88.301", "90.114", "91.870"],
                    ["Lubuk Linggau", "110.020", "111.200", "112.905"],
                    ["Sumatera Selatan", "4.301.000", "4.350.200", "4.400.000"],
                    ["Sumber: BPS, Sakernas Agustus (sintetis)"],
                ]
            }
        ),
        "loaded",
        loaded=8,
        skipped=3,
        totals=3,
        rows=[
            {"region_code": "16.09", "year": 2022, "employed": 192004},
            {"region_code": "16.74", "year": 2023, "employed": 91870},
        ],
    ),
    Case(
        "workforce/bps_jateng_dua_baris.xlsx",
        workbook(
            {
                "Data": [
                    [None, None, None, None, None],
                    [None, "2022", "2023", "2022", "2023"],
                    ["KABUPATEN"],
                    ["Semarang", 560000, 571000, 210000, 216000],
                    ["KOTA"],
                    ["Semarang", 910000, 925000, 600000, 611000],
                ]
            },
            {"Data": [(0, 0, 1, 0, "Kabupaten/Kota"), (0, 1, 0, 2, "Penduduk Bekerja"), (0, 3, 0, 4, "Formal")]},
        ),
        "loaded",
        loaded=4,
        skipped=2,
        rows=[
            {"region_code": "33.22", "year": 2023, "employed": 571000, "formal": 216000},
            {"region_code": "33.74", "year": 2022, "formal": 600000},
        ],
    ),
    Case(
        "workforce/bps_probolinggo_panjang.csv",
        csv_file(
            [
                ["Tahun", "Kode", "Kabupaten/Kota", "Penduduk Bekerja", "Formal", "Informal"],
                ["2021", "3574", "PROBOLINGGO", "119.345", "55.354", "63.991"],
            ],
            ";",
        ),
        "loaded",
        loaded=1,
        rows=[{"region_code": "35.74", "year": 2021, "employed": 119345, "informal": 63991}],
    ),
    Case(
        "workforce/bps_formal_informal_salah.csv",
        csv_file(
            [
                ["Tahun", "Kab/Kota", "Penduduk Bekerja", "Formal", "Informal"],
                ["2022", "Kota Pasuruan", "104.812", "40.000", "40.000"],
            ]
        ),
        "partial",
        rejected=1,
        rejections=[{"row_number": 2, "check_name": "formal_plus_informal_is_employed"}],
    ),
    # --- targets ----------------------------------------------------------------------------------------------
    Case(
        "targets/target_campur.csv",
        csv_file(
            [
                ["target_id", "region", "segment", "metric", "target_value", "deadline", "baseline_period", "source"],
                ["BALI-2025", "Bali", "ALL", "coverage_pct", "55", "2025-12-31", "2025-03", "Gubernur Bali (sintetis)"],
                [
                    "PBL-28K",
                    "3574",
                    "BPU",
                    "active_participants",
                    "28.000",
                    "2025-12",
                    "",
                    "Pemkot Probolinggo (sintetis)",
                ],
                ["BAD-170", "Kota Batu", "ALL", "coverage_pct", "170", "2025-12", "", "x"],
                ["NO-SOURCE", "Kota Batu", "ALL", "coverage_pct", "70", "2025-12", "", ""],
            ]
        ),
        "partial",
        loaded=2,
        rejected=2,
        rows=[
            {"target_id": "BALI-2025", "region_code": "51", "deadline": "2025-12-01"},
            {"target_id": "PBL-28K", "target_value": 28000.0},
        ],
        rejections=[
            {"row_number": 4, "check_name": "coverage_target_at_most_100"},
            {"row_number": 5, "check_name": "required_value"},
        ],
    ),
    # --- statements -------------------------------------------------------------------------------------------
    Case(
        "statements/pernyataan_campur.csv",
        csv_file(
            [
                [
                    "ID Pernyataan",
                    "Wilayah",
                    "Per Tanggal",
                    "Segmen",
                    "Peserta",
                    "Penyebut",
                    "Jenis Penyebut",
                    "Cakupan (%)",
                    "Sumber",
                ],
                [
                    "BALI-2025",
                    "Bali",
                    "31 Maret 2025",
                    "",
                    "935.079",
                    "1.873.899",
                    "BPS penduduk bekerja",
                    "50,88%",
                    "Siaran pers (sintetis)",
                ],
                [
                    "SUMSEL-2024",
                    "Sumatera Selatan",
                    "Maret 2024",
                    "BPU",
                    "2,97 juta",
                    "30,2 juta",
                    "Potensi",
                    "9,83",
                    "Pemprov Sumsel (sintetis)",
                ],
                ["BATU-X", "35.79", "Juni 2024", "Semua", "50.000", "125.000", "Bappenas", "40", "x"],
                ["BATU-Y", "Kota Batu", "Juni 2024", "Semua", "", "", "", "", "Wali Kota Batu (sintetis)"],
                ["BATU-Z", "Kota Batu", "Juni 2024", "Semua", "50.000", "", "", "", ""],
            ],
            ";",
            "cp1252",
        ),
        "partial",
        loaded=3,
        rejected=2,
        rows=[
            {
                "statement_id": "BALI-2025",
                "region_code": "51",
                "period": "2025-03-01",
                "stated_participants": 935079,
                "stated_coverage_pct": 50.88,
                "denominator_kind": "bps_employed",
                "segment": "ALL",
                "stated_as_of": "31 Maret 2025",
            },
            {
                "statement_id": "SUMSEL-2024",
                "region_code": "16",
                "stated_participants": 2970000,
                "stated_denominator": 30200000,
                "denominator_kind": "potential",
                "segment": "BPU",
            },
        ],
        rejections=[
            {"row_number": 5, "check_name": "required_value", "reason": "participants, its coverage %, or both"},
            {"row_number": 6, "check_name": "required_value", "reason": "who said it"},
        ],
    ),
    # Statements as offices really write them: a percentage cell (0.2546 shown as 25,46%), "Peserta Aktif" merged over
    # Total | PU | BPU | Jakon (matched on the lower cells), a column no synonym knows (named in the ledger), a year
    # instead of a month, a deadline as a year, Formal / Informal, a denominator in words, a gap in people, and one
    # optional cell that does not parse (the statement is kept, the figure named in not_parsed).
    Case(
        "statements/pernyataan_format_nyata.xlsx",
        workbook(
            {
                "Rilis": [
                    ["Capaian Universal Coverage Jamsostek (sintetis)"],
                    [],
                    [
                        "Wilayah",
                        "Per",
                        "Peserta Aktif",
                        None,
                        None,
                        None,
                        "Formal",
                        "Informal",
                        "Penyebut",
                        "Keterangan Penyebut",
                        "Cakupan",
                        "Target",
                        "Tenggat Target",
                        "Kekurangan",
                        "Catatan Redaksi",
                        "Sumber",
                    ],
                    [None, None, "Total", "PU", "BPU", "Jakon"],
                    [
                        "Kota Batu",
                        "Juni 2024",
                        "50.000",
                        "28.000",
                        "20.000",
                        "2.000",
                        None,
                        None,
                        "196.386",
                        "angkatan kerja di luar ASN, TNI, Polri",
                        Styled(0.2546, "0.00%"),
                        Styled(0.7, "0%"),
                        "2025",
                        "masih 87.470 peserta lagi",
                        "dimuat ulang",
                        "Dinas Tenaga Kerja Kota Batu (sintetis)",
                    ],
                    [
                        "Kota Batu",
                        "Tahun 2023",
                        "48.000",
                        None,
                        None,
                        None,
                        "30.000",
                        "18.000",
                        None,
                        None,
                        "40,0%",
                        None,
                        "segera",
                        None,
                        None,
                        "Wali Kota Batu (sintetis)",
                    ],
                    [
                        "Kota Batu",
                        "Juni 2024",
                        Styled(0.5, "0%"),
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        "Salah kolom (sintetis)",
                    ],
                ]
            },
            {"Rilis": [(2, 2, 2, 5, "Peserta Aktif")]},
        ),
        "partial",
        loaded=2,
        rejected=1,
        notes="columns not read: 'Catatan Redaksi'",
        rows=[
            {
                "region_code": "35.79",
                "period": "2024-06-01",
                "period_grain": "month",
                "stated_participants": 50000,
                "stated_pu": 28000,
                "stated_bpu": 20000,
                "stated_jakon": 2000,
                "stated_coverage_pct": 25.46,
                "stated_coverage_pct_precision": 0.005,
                "denominator_kind": "potential",
                "denominator_words": "angkatan kerja di luar ASN, TNI, Polri",
                "target_value": 70.0,
                "target_metric": "coverage_pct",
                "target_deadline": "2025-12-01",
                "stated_gap": 87470,
            },
            {
                "region_code": "35.79",
                "period": "2023-01-01",
                "period_grain": "year",
                "stated_on": "2023-12-31",
                "stated_formal": 30000,
                "stated_informal": 18000,
                "stated_coverage_pct": 40.0,
                "stated_coverage_pct_precision": 0.05,
            },
        ],
        rejections=[
            {
                "row_number": 7,
                "check_name": "required_value",
                "reason": "percentage cell, but this column counts people",
            }
        ],
    ),
    Case(
        "statements/tanpa_sumber.xlsx",
        workbook({"Data": [["Wilayah", "Per Tanggal", "Cakupan"], ["Bali", "2025-03", "50,88"]]}),
        "failed",
        error="missing 'source'",
    ),
    # --- hostile and odd input, one or more per source (see also tests/test_hostile_input.py) ------------------
    # Formulas whose cached value is an error: calamine reads them as empty cells; the pipeline puts the error back.
    Case(
        "participation/2024-09_rumus_rusak.xlsx",
        workbook(
            {
                "Data": [
                    ["Periode: September 2024"],
                    ["Kab/Kota", "Segmen", "Peserta Aktif", "Peserta Baru"],
                    ["Kota Batu", "PU", Formula("=1/0", "#DIV/0!"), 10],
                    [Formula("=#REF!", "#REF!"), "PU", 500, 5],
                    ["Kota Malang", "PU", 200000, Formula("=NA()", "#N/A")],
                    ["Kota Kediri", "PU", 50000, 20],
                ]
            }
        ),
        "partial",
        loaded=1,
        rejected=3,
        rows=[{"region_code": "35.71", "active_participants": 50000}],
        rejections=[
            {"row_number": 3, "check_name": "number_format", "reason": "'#DIV/0!' is an Excel error"},
            {"row_number": 4, "check_name": "region_match", "reason": "#REF!"},
            {"row_number": 5, "check_name": "number_format", "reason": "'#N/A' is an Excel error"},
        ],
    ),
    # A hidden sheet (superseded figures) is not read, and the ledger says so; a title merged across the header's width.
    Case(
        "participation/2024-09_sheet_tersembunyi.xlsx",
        workbook(
            {
                "Laporan": [
                    ["Rekap Kepesertaan Aktif"],
                    [],
                    ["Periode: September 2024"],
                    LONG_HEADER,
                    ["35.79", "Kota Batu", "PU", "40.000"],
                ],
                "Lama": [["Periode: September 2024"], LONG_HEADER, ["35.79", "Kota Batu", "PU", "39.000"]],
            },
            {"Laporan": [(0, 0, 1, 3, "Rekap Kepesertaan Aktif")]},
            hidden=("Lama",),
        ),
        "loaded",
        loaded=1,
        rows=[{"region_code": "35.79", "active_participants": 40000, "sheet": "Laporan"}],
        notes="hidden sheet 'Lama' not read",
    ),
    # One hundred sheets: one report per kab/kota of Jawa Timur and notes; every sheet with a header is read.
    Case(
        "participation/2024-10_seratus_sheet.xlsx",
        workbook(
            {
                **{
                    f"S{i:03d}": [["Posisi Oktober 2024"], LONG_HEADER, ["35.79", "Kota Batu", "PU", 40000 + i]]
                    if i == 0
                    else [["Posisi Oktober 2024"], LONG_HEADER, [f"35.{i:02d}", None, "BPU", 1000 + i]]
                    if 1 <= i <= 29
                    else [[f"Catatan {i}"]]
                    for i in range(100)
                }
            }
        ),
        "loaded",
        loaded=30,
        rows=[
            {"region_code": "35.79", "active_participants": 40000},
            {"region_code": "35.29", "active_participants": 1029},
        ],
    ),
    # A sheet used to its last row (1,048,576): the stray cell there is read as a row and rejected, the rest loads.
    Case(
        "participation/2024-11_sampai_baris_terakhir.xlsx",
        workbook(
            {"Data": [["Periode: November 2024"], ["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Batu", "PU", 41000]]},
            cells={"Data": {(1_048_575, 0): "xx"}},
        ),
        "partial",
        loaded=1,
        rejected=1,
        rejections=[{"row_number": 1_048_576, "check_name": "required_value"}],
    ),
    # File names with spaces, Indonesian and Arabic script.
    Case(
        "participation/2024-12 laporan Kota Batu (revisi).csv",
        csv_file([["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Batu", "PU", "41.500"]]),
        "loaded",
        loaded=1,
        rows=[{"region_code": "35.79", "period": "2024-12-01"}],
    ),
    Case(
        "participation/2024-12_تقرير_Kota_Malang_ringkasan.csv",
        csv_file([["Kab/Kota", "Segmen", "Peserta Aktif"], ["Kota Malang", "PU", "201.000"]]),
        "loaded",
        loaded=1,
        rows=[{"region_code": "35.73", "file_path": "participation/2024-12_تقرير_Kota_Malang_ringkasan.csv"}],
    ),
    Case(
        "workforce/bps_rumus_dan_sheet_tersembunyi.xlsx",
        workbook(
            {
                "Bekerja": [
                    ["Tahun", "Kab/Kota", "Penduduk Bekerja"],
                    [2024, "Kota Batu", Formula("=B9*2", "#VALUE!")],
                    [2024, "Kota Malang", 480000],
                ],
                "Kerja": [["Tahun", "Kab/Kota", "Penduduk Bekerja"], [2024, "Kota Batu", 1]],
            },
            hidden=("Kerja",),
        ),
        "partial",
        loaded=1,
        rejected=1,
        notes="hidden sheet 'Kerja' not read",
        rejections=[{"row_number": 2, "check_name": "number_format", "reason": "'#VALUE!' is an Excel error"}],
    ),
    # A target_id names the chart file: a path or markup in it is quarantined; a formula in any text is kept as text.
    Case(
        "targets/target_berbahaya.csv",
        csv_file(
            [
                ["target_id", "region", "segment", "metric", "target_value", "deadline", "denominator", "source"],
                ["../../pwned", "Kota Batu", "ALL", "coverage_pct", "50", "2025-12", "", "x"],
                ["<b>x</b>", "Kota Batu", "ALL", "coverage_pct", "50", "2025-12", "", "x"],
                ["=1+1", "Kota Batu", "ALL", "coverage_pct", "50", "2025-12", "", "x"],
                [
                    "BATU-50",
                    "Kota Batu",
                    "ALL",
                    "coverage_pct",
                    "50",
                    "2025-12",
                    "@SUM(A1)",
                    '=HYPERLINK("http://x","klik")',
                ],
                ["BATU-51", "Kota Batu", "ALL", "coverage_pct", "51", "2025-12", "+1", "<script>alert(1)</script>"],
            ]
        ),
        "partial",
        loaded=2,
        rejected=3,
        rows=[
            {"target_id": "BATU-50", "source": '=HYPERLINK("http://x","klik")', "denominator": "@SUM(A1)"},
            {"target_id": "BATU-51", "source": "<script>alert(1)</script>"},
        ],
        rejections=[
            {"row_number": r, "check_name": "target_id_characters", "reason": "letters, digits"} for r in (2, 3, 4)
        ],
    ),
    Case(
        "potential/potensi_rumus.xlsx",
        workbook(
            {
                "Data": [
                    ["Kab/Kota", "Tahun", "Segmen", "Potensi Pekerja", "Sumber"],
                    ["Kota Batu", 2024, "ALL", Formula("=A1/0", "#DIV/0!"), "x"],
                    ["Kota Malang", 2024, "ALL", 400000, "-2+3 =cmd|' /C calc'!A0"],
                ]
            }
        ),
        "partial",
        loaded=1,
        rejected=1,
        rows=[{"region_code": "35.73", "source": "-2+3 =cmd|' /C calc'!A0"}],
        rejections=[{"row_number": 2, "check_name": "number_format", "reason": "Excel error"}],
    ),
    Case(
        "statements/pernyataan_berbahaya.xlsx",
        workbook(
            {
                "Data": [
                    ["Wilayah", "Per Tanggal", "Peserta", "Cakupan (%)", "Sumber", "Tautan"],
                    ["Kota Batu", "Juni 2024", 50000, Formula("=1/0", "#DIV/0!"), "x", ""],
                    ["Kota Batu", "Juni 2024", 50000, 40, "<img src=x onerror=alert(1)>", "javascript:alert(1)"],
                ]
            }
        ),
        # The broken coverage cell leaves that one figure NULL, named in not_parsed; the statement is kept.
        "loaded",
        loaded=2,
        rows=[
            {"source": "<img src=x onerror=alert(1)>", "url": "javascript:alert(1)"},
            {
                "row_number": 2,
                "stated_participants": 50000,
                "not_parsed": "stated_coverage_pct = '#DIV/0!': '#DIV/0!' is an Excel error: the formula behind this cell failed; fix it in the workbook",
            },
        ],
    ),
    # --- potential --------------------------------------------------------------------------------------------
    # A target typed as a percentage cell (70% is 0.7 in the cell) is 70, not 0.7.
    Case(
        "targets/target_persen.xlsx",
        workbook(
            {
                "Target": [
                    ["target_id", "region", "segment", "metric", "target_value", "deadline", "source"],
                    [
                        "BATU-70",
                        "Kota Batu",
                        "ALL",
                        "coverage_pct",
                        Styled(0.7, "0%"),
                        "2025",
                        "Wali Kota Batu (sintetis)",
                    ],
                ]
            }
        ),
        "loaded",
        loaded=1,
        rows=[{"target_id": "BATU-70", "target_value": 70.0, "deadline": "2025-12-01"}],
    ),
    Case(
        "potential/potensi_sumsel.csv",
        csv_file(
            [
                ["Provinsi", "Tahun", "Segmen", "Potensi Pekerja", "Sumber"],
                ["Sumatera Selatan", "2024", "BPU", "30.200.000", "Pemprov Sumsel, Maret 2024"],
            ]
        ),
        "loaded",
        loaded=1,
        rows=[{"region_code": "16", "potential_workers": 30200000}],
    ),
    # --- rentan: rosters, read in chunked mode; names never read, NIKs keyed, masked in quarantine --------------
    Case(
        "rentan/daftar_campur.csv",
        csv_file(
            [
                ["Daftar Peserta Rentan DBHCHT 2024"],
                ["NIK", "Nama", "Pekerjaan", "Kab/Kota", "Sumber Dana", "Program", "Mulai", "Selesai"],
                [
                    "3575011203850001",
                    "Siti Contoh",
                    "buruh tani",
                    "Kota Pasuruan",
                    "DBHCHT Kota Pasuruan",
                    "JKK+JKM",
                    "2024-01",
                    "2024-12",
                ],
                [
                    "357501120385001",
                    "Budi Contoh",
                    "nelayan",
                    "Kota Pasuruan",
                    "DBHCHT Kota Pasuruan",
                    "JKK+JKM",
                    "2024-01",
                    "2024-12",
                ],
                [
                    "3575015203850002",
                    "Ani Contoh",
                    "pedagang",
                    "Kota Pasuruan",
                    "Swasta",
                    "JKK+JKM",
                    "2024-01",
                    "2024-12",
                ],
                ["", "", "", "", "", "", "", ""],
                [
                    "3575010101900003",
                    "Joko Contoh",
                    "ojek",
                    "Kota Pasuruan",
                    "APBD Kota Pasuruan",
                    "JKK+JKM",
                    "2024-06",
                    "2024-01",
                ],
            ],
            delimiter=";",
        ),
        "partial",
        loaded=1,
        rejected=3,
        rows=[{"region_code": "35.75", "funding_source": "DBHCHT", "occupation": "Buruh Tani"}],
        rejections=[
            {"row_number": 4, "check_name": "nik_valid"},
            {"row_number": 5, "check_name": "funding_source"},
            {"row_number": 7, "check_name": "period_order"},
        ],
    ),
    Case(
        "rentan/daftar_rumus_dan_sheet_tersembunyi.xlsx",
        workbook(
            {
                "Peserta": [
                    ["NIK", "Nama", "Kabupaten/Kota", "Sumber Dana", "Mulai", "Selesai"],
                    [
                        "3575011203850001",
                        "Siti Contoh",
                        "Kota Pasuruan",
                        "APBD Kota Pasuruan",
                        "Januari 2024",
                        "Desember 2024",
                    ],
                    [
                        Formula("=A9", "#REF!"),
                        "Budi Contoh",
                        "Kota Pasuruan",
                        "APBD Kota Pasuruan",
                        "Januari 2024",
                        "Desember 2024",
                    ],
                    [
                        "3514015203850002",
                        "Ani Contoh",
                        "Kabupaten Pasuruan",
                        "APBD Kabupaten Pasuruan",
                        "Januari 2024",
                        "Desember 2024",
                    ],
                ],
                "Lama": [["NIK", "Nama", "Kabupaten/Kota", "Sumber Dana", "Mulai", "Selesai"]],
            },
            hidden=("Lama",),
        ),
        "partial",
        loaded=2,
        rejected=1,
        notes="hidden sheet 'Lama' not read",
        rows=[{"region_code": "35.75", "funding_source": "APBD", "sheet": "Peserta"}, {"region_code": "35.14"}],
        rejections=[{"row_number": 3, "check_name": "nik_valid"}],
    ),
    Case(
        "rentan/daftar_tanpa_nik.csv",
        csv_file(
            [
                ["Nama", "Kab/Kota", "Sumber Dana", "Mulai", "Selesai"],
                ["Siti Contoh", "Kota Pasuruan", "APBD", "2024-01", "2024-12"],
            ]
        ),
        "failed",
        error="missing 'nik'",
    ),
]


def build(folder: Path = CORPUS) -> None:
    for case in CASES:
        path = folder / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        case.write(path)
    print(f"wrote {len(CASES)} corpus files under {folder}")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
