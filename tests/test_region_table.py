"""The project's region table against the official lists in ../shared/reference (skipped when absent)."""

import csv

import pytest

from pipeline.parse.regions import load_regions
from pipeline.settings import REFERENCE_DIR
from tests.conftest import SHARED_REFERENCE

pytestmark = pytest.mark.skipif(not SHARED_REFERENCE.is_dir(), reason="../shared/reference is not present")


def official():
    with open(SHARED_REFERENCE / "kemendagri_2025_regions.csv", encoding="utf-8") as f:
        return {r["kemendagri_code"]: r for r in csv.DictReader(f) if r["level"] != "district"}


def test_every_province_and_kabkota_with_its_official_name_and_level():
    ours = {r.region_code: r for r in load_regions(REFERENCE_DIR)}
    theirs = official()
    assert set(ours) == set(theirs)
    assert sum(r.region_level == "province" for r in ours.values()) == 38
    assert sum(r.region_level == "regency" for r in ours.values()) == 416
    assert sum(r.region_level == "city" for r in ours.values()) == 98
    for code, region in ours.items():
        assert region.region_name == theirs[code]["name"]
        assert region.region_level == theirs[code]["level"]
        assert region.province_code == code[:2]


def test_bps_codes_agree_with_the_crosswalk():
    with open(SHARED_REFERENCE / "bps_2018_to_kemendagri_crosswalk.csv", encoding="utf-8") as f:
        crosswalk = {r["bps_code"]: r for r in csv.DictReader(f) if len(r["bps_code"]) == 4}
    regions = [r for r in load_regions(REFERENCE_DIR) if r.region_level != "province"]
    assert sum(r.bps_code is not None for r in regions) == 514
    differing = [r for r in regions if r.bps_code != r.region_code.replace(".", "")]
    assert len(differing) > 190  # about 200 kab/kota have different digits in the two systems
    for region in regions:
        row = crosswalk[region.bps_code]
        # Outside the Papua split the crosswalk's Kemendagri code is ours; inside it, the region moved province.
        if region.province_code not in ("91", "92", "93", "94", "95", "96"):
            assert row["kemendagri_code"] == region.region_code
