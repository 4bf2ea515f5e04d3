"""Build data/reference/regions.csv and region_aliases_bps.csv from the official lists in ../shared/reference.

Run when Kemendagri publishes a new list:  uv run python scripts/build_region_table.py [SHARED_REFERENCE_DIR]
The output is the project's own table; the pipeline never reads ../shared at run time.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from pipeline.parse.regions import base_name

ROOT = Path(__file__).resolve().parents[1]
# Papua was split after the 2018 BPS master list; regions of these old provinces may now sit in the new ones.
SPLIT_PROVINCES = {"91": {"91", "93", "94", "95"}, "92": {"92", "96"}}


def _same_name(a: str, b: str) -> bool:
    return base_name(a).replace(" ", "") == base_name(b).replace(" ", "")


def main(shared_reference: Path) -> None:
    with open(shared_reference / "kemendagri_2025_regions.csv", encoding="utf-8") as f:
        regions = [r for r in csv.DictReader(f) if r["level"] in ("province", "regency", "city")]
    with open(shared_reference / "bps_2018_to_kemendagri_crosswalk.csv", encoding="utf-8") as f:
        crosswalk = [r for r in csv.DictReader(f) if len(r["bps_code"]) in (2, 4)]
    by_code = {r["kemendagri_code"]: r for r in regions}

    bps_for: dict[str, dict] = {}  # Kemendagri code -> crosswalk row
    moved = []
    for row in crosswalk:
        target = by_code.get(row["kemendagri_code"])
        in_split = row["kemendagri_code"][:2] in SPLIT_PROVINCES and len(row["bps_code"]) == 4
        if target is not None and (not in_split or _same_name(target["name"], row["bps_name"])):
            # Outside Papua the crosswalk is authoritative even where spellings differ (BANYU ASIN / Banyuasin).
            bps_for[row["kemendagri_code"]] = row
        else:
            moved.append(row)

    for row in moved:  # Place by name and level among the provinces the old one was split into.
        level = "city" if int(row["bps_code"][2:]) >= 71 else "regency"
        matches = [
            r["kemendagri_code"]
            for r in regions
            if r["kemendagri_code"][:2] in SPLIT_PROVINCES[row["kemendagri_code"][:2]]
            and r["level"] == level
            and _same_name(r["name"], row["bps_name"])
            and r["kemendagri_code"] not in bps_for
        ]
        if len(matches) != 1:
            raise SystemExit(f"cannot place BPS {row['bps_code']} {row['bps_name']}: candidates {matches}")
        bps_for[matches[0]] = row

    out = ROOT / "data" / "reference"
    with open(out / "regions.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["region_code", "bps_code", "region_name", "region_level", "province_code"])
        for r in regions:
            code = r["kemendagri_code"]
            writer.writerow([code, bps_for.get(code, {}).get("bps_code", ""), r["name"], r["level"], code[:2]])

    # BPS spellings that differ from Kemendagri's become aliases, so BPS tables match by name too.
    with open(out / "region_aliases_bps.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["alias", "region_code", "note"])
        for code, row in sorted(bps_for.items()):
            if len(row["bps_code"]) == 4 and not _same_name(row["bps_name"], by_code[code]["name"]):
                # With its level word, so that 'KOTA BARU' (Kabupaten Kotabaru) is not read as a kota.
                level_word = "Kota" if by_code[code]["level"] == "city" else "Kabupaten"
                writer.writerow(
                    [f"{level_word} {row['bps_name'].title()}", code, f"BPS 2018 name of {row['bps_code']}"]
                )
    # Kab/kota codes that no longer exist (the Papua split re-coded them) still begin NIKs issued before it.
    with open(out / "former_kabkota_codes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["former_code", "region_code", "note"])
        for code, row in sorted(bps_for.items()):
            if len(row["bps_code"]) == 4 and row["kemendagri_code"] != code:
                writer.writerow([row["kemendagri_code"], code, "Kemendagri code before the Papua split"])
    print(f"{len(regions)} regions; {len(bps_for)} with a BPS 2018 code; {len(moved)} placed after the Papua split")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
