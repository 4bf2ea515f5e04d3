"""A synthetic national dataset for the benchmark: all 514 kab/kota, monthly participation files, five years of BPS
workforce, a target per province, and a vulnerable-worker roster.

    uv run python scripts/generate_national_data.py OUTPUT_RAW_DIR [--scale 1] [--roster-rows 5000000]

Scale 1 is 60 monthly files (2020-01 to 2024-12) mixing the layouts the reader accepts (branch csv with BPS codes,
long Kanwil xlsx, wide xlsx with sections and a Jumlah row) and a roster of 5 million rows; a larger scale multiplies
the months (going further back, to 2000-01 at most: 300 months from scale 5) and the roster rows. Figures are
synthetic and deterministic.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from pipeline.parse.regions import load_regions
from pipeline.settings import REFERENCE_DIR
from pipeline.sources.fields import FIRST_PERIOD

SEGMENTS = ("PU", "BPU", "JAKON", "PMI")


def months(scale: int) -> list[dt.date]:
    last = dt.date(2024, 12, 1)
    # Not before the contract's first period, where every row is refused (at 10x, 300 of 600 files were, and refusing
    # them took a third of the build): from scale 5 the participation stops growing and the roster carries on.
    history = (last.year - FIRST_PERIOD.year) * 12 + last.month - FIRST_PERIOD.month + 1
    count = min(60 * scale, history)
    return [
        dt.date(last.year - (count - 1 - i + 12 - last.month) // 12, (last.month - 1 - (count - 1 - i)) % 12 + 1, 1)
        for i in range(count)
    ]


def build(out: Path, scale: int, roster_rows: int) -> None:
    rng = np.random.default_rng(514)
    regions = [r for r in load_regions(REFERENCE_DIR) if r.region_level != "province"]
    employed = {r.region_code: int(rng.integers(60_000, 1_500_000)) for r in regions}
    base = {
        (r.region_code, s): employed[r.region_code] * share * rng.uniform(0.1, 0.4)
        for r in regions
        for s, share in zip(SEGMENTS, (0.7, 0.22, 0.06, 0.02))
    }
    periods = months(scale)
    (out / "participation").mkdir(parents=True, exist_ok=True)
    for index, period in enumerate(periods):
        growth = 1 + 0.004 * index
        rows = [(r, s, int(base[(r.region_code, s)] * growth)) for r in regions for s in SEGMENTS]
        name = f"{period:%Y-%m}_kepesertaan_nasional"
        if index % 3 == 0:  # branch csv, BPS codes (the Papua provinces created after 2018 have none: their names)
            with open(out / "participation" / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f, delimiter=";")
                writer.writerow(["Periode", "Kode", "Kab/Kota", "Segmen", "TK Aktif"])
                for region, segment, active in rows:
                    writer.writerow(
                        [
                            f"{period:%Y-%m}",
                            region.bps_code or "",
                            region.region_name.upper(),
                            segment,
                            f"{active:,}".replace(",", "."),
                        ]
                    )
        elif index % 3 == 1:  # long Kanwil workbook with a title, Kemendagri codes
            book = xlsxwriter.Workbook(out / "participation" / f"{name}.xlsx", {"constant_memory": True})
            sheet = book.add_worksheet("Data")
            sheet.write_row(0, 0, [f"Periode: {period:%Y-%m}"])
            sheet.write_row(1, 0, ["Kode Wilayah", "Kabupaten/Kota", "Segmen", "Peserta Aktif"])
            for i, (region, segment, active) in enumerate(rows, start=2):
                sheet.write_row(i, 0, [region.region_code, region.region_name, segment, active])
            book.close()
        else:  # wide: a column per segment, a Total column
            book = xlsxwriter.Workbook(out / "participation" / f"{name}.xlsx", {"constant_memory": True})
            sheet = book.add_worksheet("Data")
            sheet.write_row(0, 0, [f"Posisi {period:%Y-%m}"])
            sheet.write_row(1, 0, ["Kode Wilayah", "Kabupaten/Kota", "PU", "BPU", "Jakon", "PMI", "Total"])
            for i, region in enumerate(regions, start=2):
                values = [int(base[(region.region_code, s)] * growth) for s in SEGMENTS]
                sheet.write_row(i, 0, [region.region_code, region.region_name, *values, sum(values)])
            book.close()

    (out / "workforce").mkdir(parents=True, exist_ok=True)
    with open(out / "workforce" / "bps_nasional.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Tahun", "Kode Wilayah", "Kabupaten/Kota", "Penduduk Bekerja", "Formal", "Informal"])
        for year in range(periods[0].year, 2025):
            for region in regions:
                total = int(employed[region.region_code] * (1 + 0.01 * (year - 2020)))
                formal = int(total * 0.4)
                writer.writerow([year, region.region_code, region.region_name, total, formal, total - formal])

    (out / "targets").mkdir(parents=True, exist_ok=True)
    provinces = sorted({r.province_code for r in regions})
    with open(out / "targets" / "targets.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["target_id", "region", "segment", "metric", "target_value", "deadline", "source"])
        for code in provinces:
            writer.writerow([f"UCJ-{code}", code, "ALL", "coverage_pct", "40", "2025-12", "synthetic benchmark target"])

    write_roster(out / "rentan" / "roster_nasional.csv", regions, roster_rows, rng)


OCCUPATIONS = np.array(["Petani", "Nelayan", "Pedagang Kecil", "Buruh Harian", "Ojek", "Pekerja Rumah Tangga"])


def write_roster(path: Path, regions, rows: int, rng) -> None:
    """NIKs with a valid layout (kab/kota of the row, a birth date, a serial), written in chunks with pandas.

    Spells of 3 to 24 months start between 2022-01 and 2024-12. One row in twenty lists a worker again: half of
    them with a second funder over overlapping months (a double payment), half as a renewal that follows on.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = np.array([r.region_code for r in regions])
    names = np.array([r.region_name for r in regions])
    funders = np.array(["APBD", "DBHCHT", "CSR"])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("NIK;Nama;Pekerjaan;Kabupaten/Kota;Sumber Dana;Program;Mulai;Selesai\n")
        for start in range(0, rows, 500_000):
            n = min(500_000, rows - start)
            again = n // 20  # rows that list an earlier worker of the chunk again
            people = n - again
            pick = rng.integers(0, len(codes), people)
            serial = np.arange(start, start + people)
            day = rng.integers(1, 29, people) + 40 * (serial % 2)
            month = rng.integers(1, 13, people)
            year = rng.integers(60, 100, people)
            nik = pd.Series(np.char.replace(codes[pick], ".", "")).str.cat(
                [
                    pd.Series(rng.integers(1, 20, people)).map("{:02d}".format),
                    pd.Series(day).map("{:02d}".format),
                    pd.Series(month).map("{:02d}".format),
                    pd.Series(year).map("{:02d}".format),
                    pd.Series(serial % 9999 + 1).map("{:04d}".format),
                ]
            )
            first = rng.integers(0, 36, people)  # months after 2022-01
            last = first + rng.integers(2, 24, people)
            funding = serial % 3
            occupation = rng.integers(0, len(OCCUPATIONS), people)
            repeated = rng.choice(people, again, replace=False)
            renewal = np.arange(again) % 2 == 0
            second_first = np.where(renewal, last[repeated] + 1, first[repeated] + rng.integers(0, 3, again))
            nik = pd.concat([nik, nik.iloc[repeated]], ignore_index=True)
            pick = np.concatenate([pick, pick[repeated]])
            serial = np.concatenate([serial, serial[repeated]])
            occupation = np.concatenate([occupation, occupation[repeated]])
            funding = np.concatenate([funding, np.where(renewal, funding[repeated], (funding[repeated] + 1) % 3)])
            first, last = (
                np.concatenate([first, second_first]),
                np.concatenate([last, second_first + rng.integers(2, 12, again)]),
            )
            first, last = np.minimum(first, 47), np.minimum(last, 47)  # rosters run to 2025-12 at the latest
            frame = pd.DataFrame(
                {
                    "NIK": nik,
                    "Nama": "Pekerja " + pd.Series(serial).astype(str),
                    "Pekerjaan": OCCUPATIONS[occupation],
                    "Kabupaten/Kota": names[pick],
                    "Sumber Dana": funders[funding],
                    "Program": "JKK+JKM",
                    "Mulai": [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in first],
                    "Selesai": [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in last],
                }
            )
            frame.to_csv(f, sep=";", header=False, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--roster-rows", type=int, default=5_000_000)
    args = parser.parse_args()
    build(args.out, args.scale, args.roster_rows * args.scale)


if __name__ == "__main__":
    main()
