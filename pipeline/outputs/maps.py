"""The coverage maps: Vega-Lite choropleths of marts.coverage_map over the shapes in data/reference/boundaries/.

One national map (provinces) and one map per province with kab/kota figures, each coloured by a measure the reader
picks (coverage of BPS employed persons, UCJ coverage, change over 12 months, people still to enrol for the open
target). A region without a figure is drawn grey, and its tooltip says why. The report draws them in the browser (the
page holds the shapes once); exports/peta/ gets the same maps as SVG files, drawn by vl-convert, for slides.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.outputs.charts import Chart, browser_rows
from pipeline.outputs.filenames import output_file
from pipeline.outputs.formats import FORMAT_LOCALE, TIME_FORMAT_LOCALE
from pipeline.settings import REFERENCE_DIR

BOUNDARIES = REFERENCE_DIR / "boundaries" / "indonesia.topo.json"
WITHOUT_SHAPE = REFERENCE_DIR / "boundaries" / "regions_without_shape.csv"
SHAPES = "batas"  # the name of the shapes' dataset in every map spec; the page fills it in once for all maps
ROWS = "cakupan"  # the name of the mart rows' dataset a map draws (tests compare it with marts.coverage_map)
ATTRIBUTION = (
    "Batas wilayah: mashadinoor/Indonesia-Geojson-2026 (geometri Badan Informasi Geospasial), lisensi MIT; "
    "disederhanakan dan diberi kode Kemendagri oleh proyek ini (data/reference/boundaries/SOURCE.md)."
)
ATTRIBUTION_SHORT = "Batas wilayah: Badan Informasi Geospasial via mashadinoor/Indonesia-Geojson-2026 (MIT)"

# (measure column, what the reader picks, tooltip format)
MEASURES = [
    ("coverage_pct", "Cakupan penduduk bekerja BPS (%)", ",.2f"),
    ("potential_coverage_pct", "Cakupan UCJ: terhadap pekerja potensial (%)", ",.2f"),
    ("coverage_change_12_months", "Perubahan cakupan 12 bulan (poin persen)", "+,.2f"),
    ("participants_needed", "Kekurangan menuju target (orang)", ",.0f"),
]
MAP_COLUMNS = [
    "region_code",
    "region_name",
    "map_month",
    "coverage_pct",
    "active_participants",
    "workforce",
    "workforce_year",
    "potential_coverage_pct",
    "coverage_change_12_months",
    "target_id",
    "target_deadline",
    "participants_needed",
    "no_data_reason",
]

NATIONAL_MAP = (
    f"SELECT {', '.join(MAP_COLUMNS)} FROM marts.coverage_map WHERE region_level = 'province' ORDER BY region_code"
)
PROVINCE_MAP = f"""
    SELECT {", ".join(MAP_COLUMNS)} FROM marts.coverage_map
    WHERE province_code = ? AND region_level IN ('regency', 'city') ORDER BY region_code
"""
# The provinces that get a map of their own: those with a kab/kota figure in some month.
MAPPED_PROVINCES = """
    SELECT DISTINCT p.region_code, p.region_name
    FROM marts.coverage_map k JOIN marts.coverage_map p ON p.region_code = k.province_code
    WHERE k.region_level IN ('regency', 'city') AND k.map_period IS NOT NULL
    ORDER BY p.region_code
"""


# Why a region with a coverage figure has none for the measure picked, in the reader's words.
MISSING_MEASURE = {
    "potential_coverage_pct": "tidak ada penyebut pekerja potensial (UCJ) untuk wilayah ini",
    "coverage_change_12_months": "tidak ada angka cakupan 12 bulan sebelumnya",
    "participants_needed": "tidak ada target terbuka untuk wilayah ini",
}


def _missing_measure() -> str:
    """A Vega expression: the MISSING_MEASURE reason of the measure picked."""
    return " : ".join(f"ukuran == '{measure}' ? '{reason}'" for measure, reason in MISSING_MEASURE.items()) + " : null"


@functools.cache
def province_shapes(province_code: str) -> dict:
    """The topology of one province's kab/kota only, its arcs renumbered: what vl-convert draws a province's map from
    (parsing all 545 shapes for each of 38 maps took most of their time)."""
    topology = shapes()
    geometries = [
        g for g in topology["objects"]["kabkota"]["geometries"] if g["properties"]["province_code"] == province_code
    ]
    used: dict[int, int] = {}

    def renumber(arcs):
        if isinstance(arcs, int):
            index = arcs if arcs >= 0 else ~arcs
            new = used.setdefault(index, len(used))
            return new if arcs >= 0 else ~new
        return [renumber(a) for a in arcs]

    kept = [g | {"arcs": renumber(g["arcs"])} for g in geometries]
    arcs = [topology["arcs"][index] for index in sorted(used, key=used.get)]
    return topology | {"objects": {"kabkota": {"type": "GeometryCollection", "geometries": kept}}, "arcs": arcs}


@functools.cache
def shapes() -> dict:
    """The TopoJSON topology of every province and kab/kota (objects `provinces` and `kabkota`, ids Kemendagri codes)."""
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))


@functools.cache  # read once per process, not once per map
def without_shape() -> pd.DataFrame:
    """The regions the maps cannot draw, with the reason."""
    return pd.read_csv(WITHOUT_SHAPE, dtype=str)


def map_spec(rows: list[dict], feature: str, title: str, province_code: str | None = None) -> dict:
    """A choropleth of `rows` (marts.coverage_map) over the `feature` object's shapes; the shapes themselves are left
    out (data `batas` has no values): CoverageMap.image_spec() puts them in for vl-convert, the page once for all."""
    pick = " : ".join(f"ukuran == '{column}' ? datum.{column}" for column, _, _ in MEASURES[:-1])
    # The tooltip shows text made here, so that a missing figure reads "-" (not "null"), in id-ID numbers.
    shown = [
        *((column, label, fmt) for column, label, fmt in MEASURES),
        ("active_participants", "Peserta aktif", ",.0f"),
        ("workforce", "Penduduk bekerja (BPS)", ",.0f"),
    ]
    as_text = [
        {"calculate": f"isValid(datum.{column}) ? format(datum.{column}, '{fmt}') : '-'", "as": f"{column}_text"}
        for column, _, fmt in shown
    ] + [{"calculate": f"datum.{column} || '-'", "as": f"{column}_text"} for column in ("target_id", "keterangan")]
    tooltip = [
        {"field": "properties.name", "type": "nominal", "title": "Wilayah"},
        {"field": "map_month", "type": "nominal", "title": "Bulan"},
        *({"field": f"{column}_text", "type": "nominal", "title": label} for column, label, _ in shown),
        {"field": "target_id_text", "type": "nominal", "title": "Target terbuka terdekat"},
        {"field": "keterangan_text", "type": "nominal", "title": "Keterangan"},
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": 560,
        "height": 300 if province_code else 240,
        "params": [
            {
                "name": "ukuran",
                "value": MEASURES[0][0],
                "bind": {
                    "input": "select",
                    "options": [column for column, _, _ in MEASURES],
                    "labels": [label for _, label, _ in MEASURES],
                    "name": "Warna menurut: ",
                },
            }
        ],
        "projection": {"type": "mercator"},
        "data": {"name": SHAPES, "format": {"type": "topojson", "feature": feature}},
        "transform": [
            *([{"filter": f"datum.properties.province_code == '{province_code}'"}] if province_code else []),
            {
                "lookup": "id",
                "from": {"data": {"name": ROWS, "values": rows}, "key": "region_code", "fields": MAP_COLUMNS},
            },
            {"calculate": f"{pick} : datum.{MEASURES[-1][0]}", "as": "nilai"},
            {
                "calculate": f"isValid(datum.nilai) ? null : (datum.no_data_reason || {_missing_measure()})",
                "as": "keterangan",
            },
            *as_text,
        ],
        # "show": a region without a figure stays on the map (grey, by the colour's condition) instead of vanishing.
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6, "invalid": "show"},
        "encoding": {
            "color": {
                "condition": {"test": "!isValid(datum.nilai)", "value": "#d9d9d9"},
                "field": "nilai",
                "type": "quantitative",
                "title": "Ukuran terpilih",
                "scale": {"scheme": "blues"},
                "legend": {"orient": "bottom", "titleLimit": 560, "gradientLength": 320},
            },
            "tooltip": tooltip,
        },
    }


@dataclass
class CoverageMap(Chart):
    """A map: key "map:ID" (national) or "map:<province code>"."""

    @property
    def code(self) -> str:
        return self.key.removeprefix("map:")

    @property
    def absent(self) -> pd.DataFrame:
        """The regions of this map that have no shape, with the reason."""
        missing = without_shape()
        if self.code == "ID":
            return missing[missing["region_code"].str.len() == 2]
        return missing[missing["region_code"].str.startswith(self.code + ".")]

    def image_spec(self) -> dict:
        """What vl-convert draws: the spec with the shapes in it (the page instead sets them once, in the browser), the
        default measure named in the legend, and what a picture pasted into slides must carry under its title."""
        notes = [f"Tidak tergambar: {r.region_name} ({r.reason})" for r in self.absent.itertuples()]
        encoding = self.spec["encoding"] | {"color": self.spec["encoding"]["color"] | {"title": MEASURES[0][1]}}
        return self.spec | {
            "data": self.spec["data"] | {"values": shapes() if self.code == "ID" else province_shapes(self.code)},
            "title": {
                "text": self.title,
                "subtitle": ["Abu-abu: tidak ada angka bulan ini", *notes, ATTRIBUTION_SHORT],
            },
            "encoding": encoding,
        }

    def file_in(self, folder: Path) -> Path:
        """peta_nasional.svg, peta_35_jawa_timur.svg: named the one way output files are (pipeline/outputs/filenames.py)."""
        place = re.sub(r"[^a-z0-9]+", "_", self.title.split(" · ")[0].lower()).strip("_")
        return output_file(folder, "nasional" if self.code == "ID" else f"{self.code}_{place}", ".svg", prefix="peta_")


def coverage_maps(con: duckdb.DuckDBPyConnection) -> list[CoverageMap]:
    """The national map, then each province's map."""
    national = _rows(con, NATIONAL_MAP, [])
    month = next((r["map_month"] for r in national if r["map_month"]), "belum ada data provinsi")
    title = f"Indonesia · {month}"
    maps = [CoverageMap(title, "map:ID", map_spec(national, "provinces", title), NATIONAL_MAP, [])]
    for code, name in con.execute(MAPPED_PROVINCES).fetchall():
        rows = _rows(con, PROVINCE_MAP, [code])
        title = f"{name} · {next(r['map_month'] for r in rows if r['map_month'])}"
        maps.append(CoverageMap(title, f"map:{code}", map_spec(rows, "kabkota", title, code), PROVINCE_MAP, [code]))
    return maps


def write_map_images(maps: list[CoverageMap], folder: Path) -> list[Path]:
    """Each map as an SVG in `folder` (peta_nasional.svg, peta_35_jawa_timur.svg, ...), drawn by vl-convert offline;
    maps of provinces no longer mapped are removed, so the folder holds what the report shows.

    SVG rather than PNG: a vector picture stays sharp at any size on a slide (PowerPoint and LibreOffice insert it),
    is a tenth of the size, and takes a quarter of the time (0.09 s against 0.36 s a province at national scale,
    measured): 39 maps are drawn after every new month."""
    import vl_convert  # only when the maps are drawn

    def draw(coverage_map: CoverageMap) -> Path:
        target = coverage_map.file_in(folder)
        picture = vl_convert.vegalite_to_svg(
            coverage_map.image_spec(), format_locale=FORMAT_LOCALE, time_format_locale=TIME_FORMAT_LOCALE
        )
        partial = target.with_name(f".{target.name}.tmp")
        partial.write_text(picture, encoding="utf-8")
        partial.replace(target)
        return target

    folder.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # vl-convert draws outside the GIL
        written = list(pool.map(draw, maps))
    for stale in set(folder.glob("peta_*.*")) - set(written):
        stale.unlink()
    return written


def _rows(con: duckdb.DuckDBPyConnection, query: str, parameters: list) -> list[dict]:
    return browser_rows(con.execute(query, parameters).fetchdf())
