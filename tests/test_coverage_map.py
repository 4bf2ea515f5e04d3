"""The coverage maps: every region has a shape or a listed reason, each map draws marts.coverage_map's rows, those rows
are the figures of marts.coverage and marts.target_progress, and the maps are drawn offline (report and SVG files)."""

import csv
import json
import re

import duckdb
import pytest

from pipeline.outputs import maps, report
from pipeline.settings import REFERENCE_DIR

# The regions of data/reference/regions.csv the source boundaries have no geometry for (data/reference/boundaries/
# SOURCE.md). A new region list or source changes this on purpose, never by accident.
WITHOUT_SHAPE = {"12.73", "12.76", "13.74", "13.75", "31.01", "33.71", "35.76"}


def regions() -> dict[str, dict]:
    with open(REFERENCE_DIR / "regions.csv", encoding="utf-8") as f:
        return {row["region_code"]: row for row in csv.DictReader(f)}


def test_every_region_has_a_shape_keyed_by_its_kemendagri_code_or_a_listed_reason():
    topology = maps.shapes()
    known = regions()
    drawn = {
        name: {g["id"]: g["properties"] for g in layer["geometries"]} for name, layer in topology["objects"].items()
    }
    absent = {row.region_code: row.reason for row in maps.without_shape().itertuples()}
    assert set(absent) == WITHOUT_SHAPE and all(absent.values())
    kabkota = {code for code, row in known.items() if row["region_level"] in ("regency", "city")}
    provinces = {code for code, row in known.items() if row["region_level"] == "province"}
    assert set(drawn["kabkota"]) == kabkota - set(absent) and set(drawn["provinces"]) == provinces - set(absent)
    for layer in drawn.values():
        for code, properties in layer.items():
            # Kemendagri codes (35, 35.75), never BPS digits (3575), and each shape in its own province.
            assert re.fullmatch(r"\d{2}(\.\d{2})?", code), code
            assert properties["province_code"] == known[code]["province_code"], code
            assert properties["name"] == known[code]["region_name"], code
    shipped = sum(p.stat().st_size for p in maps.BOUNDARIES.parent.iterdir())
    assert shipped <= 2 * 1024 * 1024, shipped


def test_the_source_and_licence_are_given_where_the_maps_are(demo_warehouse):
    folder, _ = demo_warehouse
    page = (folder / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    assert "mashadinoor/Indonesia-Geojson-2026" in page and "lisensi MIT" in page
    source = (maps.BOUNDARIES.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "MIT License" in source and "c95911f3f23af6e01c3bf706c80e36a9f3958588" in source
    assert "Tidak tergambar di peta ini: Kota Mojokerto" in page  # the region of Jawa Timur without a shape


def test_each_map_draws_its_mart_rows_and_they_are_the_coverage_and_target_figures(demo_warehouse, tmp_path):
    folder, _ = demo_warehouse
    written = report.write_report(folder / "jamsostek.duckdb", tmp_path / "report")
    assert not written.failures and [m.key for m in written.maps] == ["map:ID", "map:35"]
    with duckdb.connect(str(folder / "jamsostek.duckdb"), read_only=True) as con:
        for coverage_map in written.maps:
            drawn = report.chart_rows(coverage_map.spec, maps.ROWS)
            rows = con.execute(coverage_map.query, coverage_map.parameters).fetchdf()
            assert [d["region_code"] for d in drawn] == rows["region_code"].tolist(), coverage_map.key
            for column in (
                "coverage_pct",
                "potential_coverage_pct",
                "coverage_change_12_months",
                "participants_needed",
            ):
                assert [d[column] for d in drawn] == pytest.approx(
                    [None if v != v else v for v in rows[column].astype(float)], nan_ok=True
                ), (coverage_map.key, column)
        # Every figure of the map mart is its source mart's: coverage in the map's month, the change over 12 months,
        # and the open target's people still needed.
        assert con.execute(
            """
            SELECT count(*) FROM marts.coverage_map m
            LEFT JOIN marts.coverage c ON c.region_code = m.region_code AND c.period = m.map_period AND c.segment = 'ALL'
            LEFT JOIN marts.coverage b ON b.region_code = m.region_code AND b.segment = 'ALL'
                 AND b.period = m.map_period - INTERVAL 12 MONTH
            LEFT JOIN marts.target_progress t ON t.target_id = m.target_id
            WHERE m.coverage_pct IS DISTINCT FROM c.coverage_pct
               OR m.coverage_change_12_months IS DISTINCT FROM c.coverage_pct - b.coverage_pct
               OR m.participants_needed IS DISTINCT FROM t.participants_needed
               OR (m.coverage_pct IS NULL) <> (m.no_data_reason IS NOT NULL)
            """
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM marts.coverage_map").fetchone()[0] == len(regions())
        # Kota Pasuruan and Kota Probolinggo on the Jawa Timur map: their demo figures for December 2024.
        jatim = {d["region_code"]: d for d in report.chart_rows(written.maps[1].spec, maps.ROWS)}
        for code in ("35.75", "35.74"):
            expected = con.execute(
                "SELECT coverage_pct, active_participants FROM marts.coverage "
                "WHERE region_code = ? AND segment = 'ALL' AND period = DATE '2024-12-01'",
                [code],
            ).fetchone()
            assert (jatim[code]["coverage_pct"], jatim[code]["active_participants"]) == (
                pytest.approx(expected[0]),
                expected[1],
            )
            assert jatim[code]["map_month"] == "Desember 2024"
        # A province with no figure that month is on the national map, with the reason.
        national = {d["region_code"]: d for d in report.chart_rows(written.maps[0].spec, maps.ROWS)}
        assert national["16"]["coverage_pct"] is None and national["16"]["no_data_reason"] == "tidak ada data bulan ini"


def test_the_maps_go_to_exports_as_pictures(demo_warehouse):
    folder, _ = demo_warehouse
    pictures = sorted(p.name for p in (folder / "exports" / "peta").iterdir())
    assert pictures == ["peta_35_jawa_timur.svg", "peta_nasional.svg"]
    for name in pictures:
        picture = (folder / "exports" / "peta" / name).read_text(encoding="utf-8")
        assert picture.startswith("<svg") and "Abu-abu: tidak ada angka bulan ini" in picture and "(MIT)" in picture


def test_the_maps_are_valid_vega_lite():
    import altair as alt

    spec = maps.map_spec([], "kabkota", "Jawa Timur · Desember 2024", "35")
    alt.Chart.from_dict(spec | {"data": spec["data"] | {"values": maps.shapes()}})
    assert json.dumps(spec).count('"batas"') == 1  # the shapes are named once, and filled in by the page


def test_the_measure_menu_offers_the_four_measures_in_indonesian():
    spec = maps.map_spec([], "provinces", "Indonesia")
    [measure] = spec["params"]
    assert measure["bind"]["options"] == [column for column, _, _ in maps.MEASURES]
    assert all(label and label[0].isupper() for label in measure["bind"]["labels"])
