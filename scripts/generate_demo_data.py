"""Generate the synthetic demo inputs in data/raw/ (participation, workforce, targets) for Jawa Timur.

    uv run python scripts/generate_demo_data.py [OUTPUT_RAW_DIR]

The figures are synthetic, built around what was publicly reported (see data/raw/README.md). The output is
deterministic: the same script always writes the same numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

from pipeline.parse.periods import MONTH_NAMES
from pipeline.parse.regions import load_regions

ROOT = Path(__file__).resolve().parents[1]
MONTHS = [dt.date(y, m, 1) for y in range(2021, 2025) for m in range(1, 13)]
WORKFORCE_YEARS = range(2020, 2026)
# Real BPS employed persons (Sakernas August) for Jawa Timur's 38 kab/kota, 2023-2025, as published by BPS Provinsi
# Jawa Timur; earlier years stay synthetic (Kota Probolinggo's 2021 figure is the one BPJS quoted from BPS).
REAL_EMPLOYED_FILE = Path(__file__).resolve().parent / "demo_sources" / "bps_employed_jatim_2023_2025.csv"
SEGMENT_SHARE = {"PU": 0.70, "BPU": 0.22, "JAKON": 0.06, "PMI": 0.02}
PROVINCE_GROWTH_2023 = 400_000  # "active participants grew by about 400,000 from end-2022 to end-2023, mostly BPU"

# Kota Pasuruan: ALL-segment coverage anchors (share of BPS employed persons); linear in between. August 2024 is
# BPJS's published 33,759 participants over BPS's real 115,844 employed persons.
PASURUAN_AUGUST_2024 = 33_759
PASURUAN_COVERAGE = {
    dt.date(2021, 1, 1): 21.0,
    dt.date(2021, 9, 1): 24.0,
    dt.date(2021, 12, 1): 34.6,
    dt.date(2022, 12, 1): 36.0,
    dt.date(2023, 12, 1): 31.5,
    dt.date(2024, 8, 1): 100 * PASURUAN_AUGUST_2024 / 115_844,
    dt.date(2024, 12, 1): 30.0,
}
PROBOLINGGO_COVERAGE = {
    dt.date(2021, 1, 1): 21.5,
    dt.date(2021, 9, 1): 23.0,
    dt.date(2022, 12, 1): 27.0,
    dt.date(2023, 12, 1): 31.0,
    dt.date(2024, 12, 1): 34.0,
}
KNOWN_EMPLOYED_2021 = {"35.74": 119_345, "35.75": 104_812}  # Probolinggo: BPS 2021; Pasuruan: synthetic


def new_workbook(path: Path, options: dict | None = None) -> xlsxwriter.Workbook:
    """A workbook with a fixed creation date, so that regenerating the demo gives byte-identical files."""
    workbook = xlsxwriter.Workbook(path, options or {})
    workbook.set_properties({"created": dt.datetime(2025, 1, 1)})
    return workbook


def real_employed() -> dict[tuple[str, int], int]:
    with open(REAL_EMPLOYED_FILE, encoding="utf-8") as f:
        return {(row["kemendagri_code"], int(row["year"])): int(row["employed"]) for row in csv.DictReader(f)}


def month_index(period: dt.date) -> int:
    return (period.year - 2021) * 12 + period.month - 1


def interpolate(anchors: dict[dt.date, float], period: dt.date) -> float:
    points = sorted(anchors.items())
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= period <= d1:
            span = month_index(d1) - month_index(d0)
            return v0 + (v1 - v0) * (month_index(period) - month_index(d0)) / span
    return points[-1][1]


def build(out: Path) -> None:
    rng = random.Random(3575)
    regions = [
        r for r in load_regions(ROOT / "data" / "reference") if r.province_code == "35" and r.region_level != "province"
    ]

    # Workforce: employed persons per kab/kota and year (real from 2023), with a formal share (synthetic: the real
    # table has no formal/informal split) that is higher in cities.
    real = real_employed()
    workforce: dict[tuple[str, int], tuple[int, int, int]] = {}
    for region in regions:
        drawn = rng.randint(90_000, 300_000) if region.region_level == "city" else rng.randint(300_000, 1_150_000)
        # Synthetic 2020-2022 figures lead up to the real 2023 one (about 1.2% growth a year), so that the
        # synthetic participants, sized on 2021, give plausible coverage against the real denominators.
        employed_2021 = KNOWN_EMPLOYED_2021.get(region.region_code) or round(
            real.get((region.region_code, 2023), drawn * 1.024) / 1.024
        )
        formal_share = rng.uniform(0.45, 0.60) if region.region_level == "city" else rng.uniform(0.25, 0.42)
        for year in WORKFORCE_YEARS:
            # The synthetic draw is made for the years it always was, so the other synthetic figures stay as they were.
            synthetic = (
                round(employed_2021 * (1 + 0.012 * (year - 2021) + rng.uniform(-0.004, 0.004)))
                if year not in (2021, 2025)
                else employed_2021
            )
            employed = real.get((region.region_code, year), synthetic)
            formal = round(employed * (formal_share + 0.004 * (year - 2021)))
            workforce[(region.region_code, year)] = (employed, formal, employed - formal)

    # Participation: a base and a monthly growth per segment; BPU's 2023 growth is solved for the provincial figure.
    base = {}
    for region in regions:
        employed = workforce[(region.region_code, 2021)][0]
        coverage = rng.uniform(0.18, 0.30) if region.region_level == "regency" else rng.uniform(0.28, 0.42)
        base[region.region_code] = {
            s: employed * coverage * share * rng.uniform(0.85, 1.15) for s, share in SEGMENT_SHARE.items()
        }
    growth = {"PU": 0.0025, "JAKON": 0.0, "PMI": 0.001}
    bpu_rate = {2021: 0.010, 2022: 0.012, 2024: 0.009}

    def series(bpu_2023: float) -> dict[tuple[str, dt.date, str], int]:
        values = {}
        noise = random.Random(7)
        for region in regions:
            level = dict(base[region.region_code])
            for period in MONTHS:
                for segment in SEGMENT_SHARE:
                    if segment == "BPU":
                        rate = bpu_2023 if period.year == 2023 else bpu_rate[period.year]
                    else:
                        rate = growth[segment]
                    seasonal = 1 + (0.08 * noise.uniform(-1, 1) if segment == "JAKON" else 0)
                    level[segment] *= 1 + rate
                    values[(region.region_code, period, segment)] = max(0, round(level[segment] * seasonal))
        return values

    def province_growth(values) -> int:
        return sum(v for (r, p, s), v in values.items() if p == dt.date(2023, 12, 1)) - sum(
            v for (r, p, s), v in values.items() if p == dt.date(2022, 12, 1)
        )

    low, high = 0.0, 0.1
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if province_growth(series(middle)) < PROVINCE_GROWTH_2023 else (low, middle)
    participation = series((low + high) / 2)

    # The two cities with public figures follow their anchors: PU stays near its share, BPU carries the growth.
    for code, anchors in (("35.75", PASURUAN_COVERAGE), ("35.74", PROBOLINGGO_COVERAGE)):
        for period in MONTHS:
            year = max(y for y in WORKFORCE_YEARS if y <= period.year)
            total = round(workforce[(code, year)][0] * interpolate(anchors, period) / 100)
            if code == "35.75" and period == dt.date(2024, 8, 1):
                total = PASURUAN_AUGUST_2024  # exactly the published figure, whatever the float rounding
            pu = round(total * 0.62 * (1 - 0.15 * month_index(period) / 47))
            jakon, pmi = round(total * 0.05), round(total * 0.015)
            values = {"PU": pu, "JAKON": jakon, "PMI": pmi, "BPU": total - pu - jakon - pmi}
            for segment, value in values.items():
                participation[(code, period, segment)] = value

    write_participation(out / "participation", regions, participation)
    write_province_reports(out / "participation", participation)
    write_workforce(out / "workforce", regions, workforce)
    write_targets(out / "targets")
    write_sumatera_selatan(out)
    write_statements(out / "statements")
    write_pasuruan_ucj_denominator(out / "potential")
    write_rosters(out)
    print(f"wrote demo data for {len(regions)} kab/kota, {len(MONTHS)} months, to {out}")


def write_participation(folder: Path, regions, participation) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for period in MONTHS:
        rows = []
        for region in regions:
            for segment in ("PU", "BPU", "JAKON", "PMI"):
                active = participation[(region.region_code, period, segment)]
                rows.append((region, segment, active, round(active * 0.015), round(active * 0.01)))
        stem = f"{period:%Y-%m}_kepesertaan_jatim"
        if period.year == 2021:
            write_branch_csv(folder / f"{stem}.csv", period, rows)
        elif period.year < 2024:
            write_kanwil_long(folder / f"{stem}.xlsx", period, rows)
        else:
            write_kanwil_wide(folder / f"{stem}.xlsx", period, regions, participation)


def write_branch_csv(path: Path, period: dt.date, rows) -> None:
    # Branch-office CSV export: BPS codes, upper-case names (one in the old spelling), a Periode column.
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Periode", "Kode", "Kab/Kota", "Segmen", "TK Aktif", "TK Baru", "Non Aktif"])
        for region, segment, active, new, inactive in rows:
            name = region.region_name.upper().replace("SIDOARJO", "SIDOARDJO")
            writer.writerow([f"{period:%Y-%m}", region.bps_code, name, segment, active, new, inactive])
        if period == dt.date(2021, 6, 1):
            # Two rows an analyst must see in quarantine: an unknown region and a figure that is not a count.
            writer.writerow([f"{period:%Y-%m}", "", "KAB. MAJAPAHIT", "PU", 1200, 10, 5])
            writer.writerow([f"{period:%Y-%m}", "3509", "JEMBER", "Pekerja Migran Indonesia", "12.5", "", ""])


def write_kanwil_long(path: Path, period: dt.date, rows) -> None:
    # Kanwil workbook: title and period rows above the header, Kemendagri codes, full segment names.
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet("Kepesertaan")
    sheet.write_row(0, 0, ["Laporan Kepesertaan Aktif BPJS Ketenagakerjaan - Kanwil Jawa Timur"])
    sheet.write_row(1, 0, [f"Periode: {MONTH_NAMES[period.month - 1]} {period.year}"])
    sheet.write_row(
        3, 0, ["Kode Wilayah", "Kabupaten/Kota", "Segmen Peserta", "Peserta Aktif", "Peserta Baru", "Peserta Non Aktif"]
    )
    labels = {
        "PU": "Penerima Upah",
        "BPU": "Bukan Penerima Upah",
        "JAKON": "Jasa Konstruksi",
        "PMI": "Pekerja Migran Indonesia",
    }
    for i, (region, segment, active, new, inactive) in enumerate(rows, start=4):
        sheet.write_row(i, 0, [region.region_code, region.region_name, labels[segment], active, new, inactive])
    workbook.close()


def write_kanwil_wide(path: Path, period: dt.date, regions, participation) -> None:
    # The 2024 Kanwil format: one column per segment under a merged header, KABUPATEN / KOTA sections with bare
    # names (so "Pasuruan" is told apart by its section), a Total column, a Jumlah row and a footnote.
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet(f"{MONTH_NAMES[period.month - 1][:3]} {period.year}")
    sheet.write_row(0, 0, ["REKAPITULASI TENAGA KERJA AKTIF PER KABUPATEN/KOTA"])
    sheet.write_row(1, 0, [f"Posisi {MONTH_NAMES[period.month - 1]} {period.year}"])
    sheet.merge_range(3, 0, 4, 0, "No")
    sheet.merge_range(3, 1, 4, 1, "Kabupaten/Kota")
    sheet.merge_range(3, 2, 3, 6, "Tenaga Kerja Aktif")
    sheet.write_row(4, 2, ["PU", "BPU", "Jakon", "PMI", "Total"])
    row = 5
    for level, title in (("regency", "KABUPATEN"), ("city", "KOTA")):
        sheet.write_row(row, 0, [title])
        row += 1
        for number, region in enumerate((r for r in regions if r.region_level == level), start=1):
            values = [participation[(region.region_code, period, s)] for s in ("PU", "BPU", "JAKON", "PMI")]
            name = region.region_name.split(" ", 1)[1]
            sheet.write_row(
                row,
                0,
                [number, name, *[f"{v:,}".replace(",", ".") for v in values], f"{sum(values):,}".replace(",", ".")],
            )
            row += 1
    totals = [sum(participation[(r.region_code, period, s)] for r in regions) for s in ("PU", "BPU", "JAKON", "PMI")]
    sheet.write_row(row, 0, ["", "JUMLAH", *totals, sum(totals)])
    sheet.write_row(row + 2, 0, ["Sumber: BPJS Ketenagakerjaan Kantor Wilayah Jawa Timur (data sintetis)"])
    workbook.close()


def write_province_reports(folder: Path, participation) -> None:
    # Kanwil's own provincial totals at year end: a direct province report, kept beside the kab/kota rollup.
    for period in (dt.date(2022, 12, 1), dt.date(2023, 12, 1)):
        with open(folder / f"{period:%Y-%m}_rekap_provinsi_jatim.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(["Provinsi", "Segmen", "Peserta Aktif"])
            for segment in ("PU", "BPU", "JAKON", "PMI"):
                total = sum(v for (r, p, s), v in participation.items() if p == period and s == segment)
                # Participants registered at the Kanwil without a kab/kota: the reported total is a little higher.
                writer.writerow(["Jawa Timur", segment, f"{round(total * 1.003):,}".replace(",", ".")])


def write_workforce(folder: Path, regions, workforce) -> None:
    # BPS's wide layout: sections, a merged label over one column per year (two header rows), the province's own
    # estimate as a totals row (it does not equal the kab/kota sum exactly), and a footnote.
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bps_sakernas_agustus_jatim_*.xlsx"):
        old.unlink()
    workbook = new_workbook(folder / f"bps_sakernas_agustus_jatim_{years_label()}.xlsx")
    sheet = workbook.add_worksheet("Penduduk Bekerja")
    years = list(WORKFORCE_YEARS)
    sheet.write_row(
        0,
        0,
        [
            "Penduduk Berumur 15 Tahun ke Atas yang Bekerja menurut Kabupaten/Kota dan Status Formal/Informal, Sakernas Agustus"
        ],
    )
    sheet.merge_range(2, 0, 3, 0, "Kabupaten/Kota")
    for group, title in enumerate(("Penduduk Bekerja", "Formal", "Informal")):
        first = 1 + group * len(years)
        sheet.merge_range(2, first, 2, first + len(years) - 1, title)
        sheet.write_row(3, first, years)
    row = 4
    for level, title in (("regency", "Kabupaten"), ("city", "Kota")):
        sheet.write_row(row, 0, [title])
        row += 1
        for region in (r for r in regions if r.region_level == level):
            figures = [workforce[(region.region_code, y)][i] for i in range(3) for y in years]
            sheet.write_row(row, 0, [region.region_name.split(" ", 1)[1], *figures])
            row += 1
    # BPS's own provincial estimate: a little off the kab/kota sum in the synthetic years, their exact sum in the real
    # years (BPS Jawa Timur's kab/kota figures add up to its province totals).
    real_years = {year for _, year in real_employed()}
    province = [
        round(sum(workforce[(r.region_code, y)][i] for r in regions) * (1 if y in real_years else 0.998))
        for i in range(3)
        for y in years
    ]
    sheet.write_row(row, 0, ["Jawa Timur", *province])
    sheet.write_row(row + 1, 0, ["Sumber: Survei Angkatan Kerja Nasional (Sakernas) Agustus, diolah (data sintetis)"])
    workbook.close()


def write_sumatera_selatan(raw: Path) -> None:
    # The March 2024 provincial statement: 30.2 million "vulnerable informal workers", 9.83% (2.97 million) of them
    # covered, while BPS counted 4.40 million employed persons in the whole province in August 2023.
    with open(raw / "participation" / "2024-03_sumsel_pekerja_rentan.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Provinsi", "Segmen", "Peserta Aktif"])
        writer.writerow(["Sumatera Selatan", "Bukan Penerima Upah", "2.968.660"])
    with open(raw / "workforce" / "bps_sumsel_2023.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Kode Wilayah", "Provinsi", "Tahun", "Penduduk Bekerja"])
        writer.writerow(["16", "Sumatera Selatan", "2023", "4.400.000"])
    (raw / "potential").mkdir(parents=True, exist_ok=True)
    with open(raw / "potential" / "potensi_pekerja_rentan_sumsel_2024.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Provinsi", "Tahun", "Segmen", "Potensi Pekerja", "Sumber"])
        writer.writerow(
            [
                "Sumatera Selatan",
                "2024",
                "BPU",
                "30.200.000",
                "Pemerintah Provinsi Sumatera Selatan, statement of March 2024 (30.2 million vulnerable informal workers)",
            ]
        )


def years_label() -> str:
    return f"{WORKFORCE_YEARS[0]}_{WORKFORCE_YEARS[-1]}"


def write_statements(folder: Path) -> None:
    # The public statements the demo checks (the figures as said; see data/raw/README.md), in a workbook with a title
    # row and Indonesian headers, as an analyst would collect them.
    folder.mkdir(parents=True, exist_ok=True)
    workbook = new_workbook(folder / "pernyataan_publik.xlsx")
    sheet = workbook.add_worksheet("Pernyataan")
    sheet.write_row(0, 0, ["Pernyataan publik tentang cakupan jaminan sosial ketenagakerjaan"])
    sheet.write_row(
        2,
        0,
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
    )
    rows = [
        [
            "PBL-2021-09",
            "Kota Probolinggo",
            "September 2021",
            "Semua",
            "",
            "119.345",
            "BPS penduduk bekerja",
            "23",
            "BPJS Ketenagakerjaan Probolinggo, September 2021: about 23% of Kota Probolinggo's 119,345 employed persons (BPS 2021) covered",
        ],
        [
            "PSR-2021-09",
            "Kota Pasuruan",
            "September 2021",
            "Semua",
            "",
            "",
            "BPS penduduk bekerja",
            "24",
            "Wali Kota Pasuruan, forum with BPJS Ketenagakerjaan, 20 September 2021: coverage at 24%",
        ],
        [
            "PSR-2024-08-UCJ",
            "Kota Pasuruan",
            "Agustus 2024",
            "Semua",
            "33.759",
            "86.788",
            "Lainnya",
            "",
            "BPJS Ketenagakerjaan, Kota Pasuruan UCJ figure for August 2024 (UCJ denominator, not BPS employed persons)",
        ],
        [
            "SUMSEL-2024-03",
            "Sumatera Selatan",
            "Maret 2024",
            "BPU",
            "2,97 juta",
            "30,2 juta",
            "Potensi",
            "9,83",
            "Pemerintah Provinsi Sumatera Selatan, March 2024: 9.83% of 30.2 million vulnerable informal workers covered",
        ],
        [
            "BALI-2025-03-31",
            "Bali",
            "31 Maret 2025",
            "Semua",
            "935.079",
            "1.873.899",
            "BPS penduduk bekerja",
            "50,88%",
            "Statement on Bali's coverage as of 31 March 2025: 935,079 participants of 1,873,899 employed, called 50.88%",
        ],
    ]
    for i, row in enumerate(rows, start=3):
        sheet.write_row(i, 0, row)
    workbook.close()


def write_pasuruan_ucj_denominator(folder: Path) -> None:
    # BPJS's own UCJ denominator for Kota Pasuruan in 2024 (86,788), beside BPS's 115,844 employed persons.
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "ucj_kota_pasuruan_2024.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Kab/Kota", "Tahun", "Segmen", "Potensi Pekerja", "Sumber"])
        writer.writerow(
            [
                "Kota Pasuruan",
                "2024",
                "ALL",
                "86.788",
                "BPJS Ketenagakerjaan, UCJ denominator for Kota Pasuruan, August 2024 (33,759 of 86,788 covered)",
            ]
        )


def write_targets(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        [
            "target_id",
            "region",
            "segment",
            "metric",
            "target_value",
            "deadline",
            "baseline_period",
            "funding_source",
            "denominator",
            "source",
        ],
        [
            "PSR-2021-PLUS10",
            "35.75",
            "ALL",
            "coverage_pct",
            "34",
            "2021-12",
            "2021-09",
            "",
            "bps_employed",
            "Wali Kota Pasuruan, forum with BPJS Ketenagakerjaan, 20 September 2021: +10 points on 24% by end-2021",
        ],
        [
            "PSR-2022-70PCT",
            "Kota Pasuruan",
            "ALL",
            "coverage_pct",
            "70",
            "2022-12",
            "2021-09",
            "",
            "bps_employed",
            "Wali Kota Pasuruan, forum with BPJS Ketenagakerjaan, 20 September 2021: 70% by end-2022",
        ],
        [
            "PBL-BPU-28K",
            "35.74",
            "BPU",
            "active_participants",
            "28000",
            "2025-12",
            "2021-09",
            "",
            "",
            "Kota Probolinggo: about 28,000 vulnerable non-wage workers as the near-term goal (deadline synthetic)",
        ],
        [
            "JATIM-2025-31PCT",
            "Jawa Timur",
            "ALL",
            "coverage_pct",
            "31",
            "2025-12",
            "2022-12",
            "",
            "bps_employed",
            "Synthetic demo target for the province",
        ],
        [
            "SBY-PU-2025",
            "Kota Surabaya",
            "PU",
            "coverage_pct",
            "45",
            "2025-06",
            "2023-12",
            "",
            "bps_formal",
            "Synthetic demo target for Kota Surabaya",
        ],
        [
            "PSR-DBHCHT-2024",
            "Kota Pasuruan",
            "BPU",
            "active_participants",
            "9000",
            "2024-12",
            "",
            "DBHCHT",
            "",
            "Pemkot Pasuruan and BPJS Ketenagakerjaan coordination meeting, 1 October 2024: 9,000 vulnerable workers from DBHCHT, budget year 2024",
        ],
        [
            "SUMSEL-APBD-90K",
            "Sumatera Selatan",
            "BPU",
            "active_participants",
            "90000",
            "2024-12",
            "",
            "APBD",
            "",
            "Pemerintah Provinsi Sumatera Selatan, March 2024: 90,000 vulnerable workers insured",
        ],
    ]
    with open(folder / "targets.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


# --- vulnerable-worker rosters (pekerja rentan) ------------------------------------------------------------------

FIRST_NAMES = [
    "Siti",
    "Ahmad",
    "Dewi",
    "Budi",
    "Sri",
    "Agus",
    "Nur",
    "Eko",
    "Wahyu",
    "Rina",
    "Joko",
    "Lestari",
    "Slamet",
    "Yuli",
    "Hadi",
    "Ani",
]
LAST_NAMES = [
    "Rahayu",
    "Santoso",
    "Wahyuni",
    "Hidayat",
    "Susanti",
    "Prasetyo",
    "Utami",
    "Saputra",
    "Maulana",
    "Kurniawan",
    "Fitriani",
    "Setiawan",
]
OCCUPATIONS = [
    "Petani",
    "Nelayan",
    "Pedagang Kecil",
    "Buruh Tani",
    "Pengemudi Ojek",
    "Tukang Becak",
    "Pekerja Rumah Tangga",
]
PASURUAN_KECAMATAN = ["Gadingrejo", "Purworejo", "Bugulkidul", "Panggungrejo"]


def make_worker(rng: random.Random, kab_code: str, kecamatan_number: int, serial: int) -> tuple[str, str]:
    """A synthetic NIK (valid layout: kecamatan, birth date, +40 on the day for women, serial) and a name."""
    woman = rng.random() < 0.5
    born = dt.date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
    day = born.day + (40 if woman else 0)
    nik = f"{kab_code.replace('.', '')}{kecamatan_number:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return nik, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def write_rosters(raw: Path) -> None:
    rng = random.Random(16800)
    folder = raw / "rentan"
    folder.mkdir(parents=True, exist_ok=True)
    header = ["NIK", "Nama", "Pekerjaan", "Kabupaten/Kota", "Kecamatan", "Sumber Dana", "Program", "Mulai", "Selesai"]

    # Kota Pasuruan, DBHCHT 2024: enrolled from January to October, reaching about 9,200 (the target was 9,000).
    dbhcht = []
    for serial in range(1, 9215):
        nik, name = make_worker(rng, "35.75", 1 + serial % 4, serial)
        start = dt.date(2024, min(10, 1 + (serial * 10) // 9215), 1)
        dbhcht.append(
            [
                nik,
                name,
                rng.choice(OCCUPATIONS),
                "Kota Pasuruan",
                PASURUAN_KECAMATAN[serial % 4],
                "DBHCHT Kota Pasuruan",
                "JKK+JKM",
                f"{start:%Y-%m}",
                "2024-12",
            ]
        )
    workbook = new_workbook(folder / "2024_dbhcht_kota_pasuruan.xlsx")
    sheet = workbook.add_worksheet("Peserta")
    sheet.write_row(
        0, 0, ["Daftar Peserta BPU Pekerja Rentan DBHCHT Kota Pasuruan Tahun Anggaran 2024 (data sintetis)"]
    )
    sheet.write_row(2, 0, header)
    for i, row in enumerate(dbhcht, start=3):
        sheet.write_row(i, 0, row)
    workbook.close()

    # Kota Pasuruan, APBD 2023 to mid-2024; 180 of these people are also in the DBHCHT roster (paid twice).
    with open(folder / "2023_apbd_kota_pasuruan.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(header)
        for serial in range(1, 2321):
            nik, name = make_worker(rng, "35.75", 1 + serial % 4, 5000 + serial)
            writer.writerow(
                [
                    nik,
                    name,
                    rng.choice(OCCUPATIONS),
                    "Kota Pasuruan",
                    PASURUAN_KECAMATAN[serial % 4],
                    "APBD Kota Pasuruan",
                    "JKK+JKM",
                    "Januari 2023",
                    "Juni 2024",
                ]
            )
        for row in dbhcht[:180]:
            writer.writerow(
                [row[0], row[1], row[2], row[3], row[4], "APBD Kota Pasuruan", "JKK+JKM", "2023-07", "2024-06"]
            )
        # Rows an analyst must see in quarantine, with the NIK masked: digits lost to Excel, a bad birth date,
        # an unknown kab/kota, an unknown funder, months in the wrong order.
        writer.writerow(
            [
                "3.57501E+15",
                "Sri Wahyuni",
                "Petani",
                "Kota Pasuruan",
                "Gadingrejo",
                "APBD Kota Pasuruan",
                "JKK+JKM",
                "2023-01",
                "2023-12",
            ]
        )
        writer.writerow(
            [
                "3575019913850001",
                "Joko Santoso",
                "Nelayan",
                "Kota Pasuruan",
                "Purworejo",
                "APBD Kota Pasuruan",
                "JKK+JKM",
                "2023-01",
                "2023-12",
            ]
        )
        writer.writerow(
            [
                "9999011203850001",
                "Ani Utami",
                "Petani",
                "Kota Pasuruan",
                "Purworejo",
                "APBD Kota Pasuruan",
                "JKK+JKM",
                "2023-01",
                "2023-12",
            ]
        )
        writer.writerow(
            [
                "3575011203850099",
                "Budi Saputra",
                "Petani",
                "Kota Pasuruan",
                "Purworejo",
                "Dana Desa",
                "JKK+JKM",
                "2023-01",
                "2023-12",
            ]
        )
        writer.writerow(
            [
                "3575015203850098",
                "Rina Hidayat",
                "Petani",
                "Kota Pasuruan",
                "Purworejo",
                "APBD Kota Pasuruan",
                "JKK+JKM",
                "2023-12",
                "2023-01",
            ]
        )

    # Sumatera Selatan, provincial APBD 2024 (the province announced 90,000 in March 2024), one workbook.
    sumsel = [
        r for r in load_regions(ROOT / "data" / "reference") if r.province_code == "16" and r.region_level != "province"
    ]
    workbook = new_workbook(folder / "2024_apbd_provinsi_sumsel.xlsx", {"constant_memory": True})
    sheet = workbook.add_worksheet("Peserta")
    sheet.write_row(0, 0, header)
    serial = 0
    for region in sumsel:
        for _ in range(5100):
            serial += 1
            nik, name = make_worker(rng, region.region_code, 1 + serial % 12, serial % 9999 + 1)
            start = dt.date(2024, 1 + serial % 3, 1)
            sheet.write_row(
                serial,
                0,
                [
                    nik,
                    name,
                    rng.choice(OCCUPATIONS),
                    region.region_name,
                    "",
                    "APBD Provinsi Sumatera Selatan",
                    "JKK+JKM",
                    f"{start:%Y-%m}",
                    "2024-12",
                ],
            )
    workbook.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "raw")
