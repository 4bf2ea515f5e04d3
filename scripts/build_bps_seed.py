"""Build sql/seeds/bps_employed_provinces.csv from ../shared/reference/bps_employed_provinces.csv.

BPS employed persons by province (Sakernas August, some February), 2021-2025, keyed by Kemendagri code, with the
precision each figure was published at and its source. Run when the reference list grows:
    uv run python scripts/build_bps_seed.py [SHARED_REFERENCE_DIR]
The seed is the project's own copy; the pipeline never reads ../shared at run time.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# BPS codes of the provinces made by the Papua split differ from Kemendagri's (the reference README lists them).
BPS_TO_KEMENDAGRI = {"00": "ID", "91": "92", "92": "96", "94": "91", "95": "93", "96": "94", "97": "95"}
# Half a unit of the last digit published, in persons.
PRECISION_PERSONS = {
    "exact": 0.5,
    "0.01 thousand (10 persons)": 5,
    "0.1 thousand (100 persons)": 50,
    "1000 persons": 500,
    "0.01 million (10,000 persons)": 5_000,
    "0.1 million (100,000 persons)": 50_000,
}
COLUMNS = [
    "region_code",
    "year",
    "survey_month",
    "employed",
    "precision_persons",
    "precision",
    "pre_split",
    "source_title",
    "source_url",
]


def main(shared_reference: Path) -> None:
    with open(shared_reference / "bps_employed_provinces.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seed = []
    for row in rows:
        code = row["bps_province_code"].strip()
        pre_split = "PRE-SPLIT" in row["notes"]
        seed.append(
            {
                # Before the split, BPS 91 and 94 were Papua Barat and Papua: Kemendagri 92 and 91, over their old areas.
                "region_code": {"91": "92", "94": "91"}[code] if pre_split else BPS_TO_KEMENDAGRI.get(code, code),
                "year": int(row["year"]),
                "survey_month": int(row["survey_month"]),
                "employed": int(float(row["employed_persons"])),
                "precision_persons": PRECISION_PERSONS[row["precision"]],
                "precision": row["precision"],
                "pre_split": pre_split,
                "source_title": row["source_title"],
                "source_url": row["source_url"],
            }
        )
    seed.sort(key=lambda r: (r["region_code"], r["year"], r["survey_month"]))
    target = ROOT / "sql" / "seeds" / "bps_employed_provinces.csv"
    with open(target, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(seed)
    print(f"{target}: {len(seed)} figures for {len({r['region_code'] for r in seed})} regions")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
