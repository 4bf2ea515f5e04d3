"""Make data/reference/boundaries/ from the source boundaries, once: the TopoJSON the coverage maps are drawn from.

Source: the kab/kota layer `Geojson/indonesia_kabupaten.geojson` of mashadinoor/Indonesia-Geojson-2026 (a fork of
ardian28/GeoJson-Indonesia-38-Provinsi with the Papua province codes corrected; geometry from Badan Informasi
Geospasial), MIT licence. data/reference/boundaries/SOURCE.md says which commit, the licence text and what was changed.

What this does, and nothing else:
- every kab/kota shape is given its Kemendagri code by the project's region matcher (its province and name, as the
  source writes them; a kabupaten name has no prefix there, a kota's starts with "Kota");
- the provinces are the union of their kab/kota shapes, so the national and the provincial maps share every border;
- both layers become one TopoJSON topology (shared arcs), simplified and quantised so that the file stays small
  (goal: 2 MB for everything shipped), each geometry's id its Kemendagri code;
- every region of data/reference/regions.csv without a shape is listed in regions_without_shape.csv, with the reason.

Run it again (only when the source or the region list changes), from a checkout of the source repository:

    .tools/bin/uv run --group boundaries python scripts/make_boundaries.py /path/to/Indonesia-Geojson-2026 COMMIT
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import geojson
import shapely
import topojson
from shapely.geometry import mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.parse.regions import RegionMatcher, RegionMatchError, load_regions  # noqa: E402
from pipeline.settings import REFERENCE_DIR  # noqa: E402

BOUNDARIES = REFERENCE_DIR / "boundaries"
SOURCE_LAYER = "Geojson/indonesia_kabupaten.geojson"
# Degrees: about 100 m at the equator. The source is already simplified (its kab/kota layer is 1.26 MB of GeoJSON),
# so this takes little away; the topology's shared arcs and quantisation make it 0.24 MB (goal: 2 MB).
SIMPLIFY_DEGREES = 0.001
QUANTIZATION = 100_000
# Why a region has no shape: the source has none (its own per-kab/kota file for each of the seven holds desa rows
# whose geometry is empty; checked by hand).
REASON_WITHOUT_SHAPE = "sumber batas wilayah tidak memuat geometrinya (mashadinoor/Indonesia-Geojson-2026)"


def kemendagri_code(matcher: RegionMatcher, province: str, name: str) -> str:
    """The region matcher's code for a source shape: a kota's name says so; a kabupaten's has no prefix there."""
    written = name if name.lower().startswith("kota ") else f"Kabupaten {name}"
    try:
        return matcher.match(name=written, province=province, level="kabkota")
    except RegionMatchError:
        return matcher.match(name=name, province=province, level="kabkota")


def main(source: Path, commit: str) -> None:
    matcher = RegionMatcher.from_reference(REFERENCE_DIR)
    regions = {r.region_code: r for r in load_regions(REFERENCE_DIR)}
    features = json.loads((source / SOURCE_LAYER).read_text(encoding="utf-8"))["features"]
    kabkota: dict[str, object] = {}
    unmatched = []
    for feature in features:
        province, name = feature["properties"]["WADMPR"], feature["properties"]["WADMKK"]
        try:
            code = kemendagri_code(matcher, province, name)
        except RegionMatchError as error:
            unmatched.append(f"{province} / {name}: {error}")
            continue
        geometry = shapely.make_valid(shape(feature["geometry"]))
        kabkota[code] = shapely.union(kabkota[code], geometry) if code in kabkota else geometry
    if unmatched:
        raise SystemExit("shapes the region matcher cannot place (add an alias):\n" + "\n".join(unmatched))

    provinces: dict[str, list] = {}
    for code, geometry in kabkota.items():
        provinces.setdefault(regions[code].province_code, []).append(geometry)
    layers = {
        "kabkota": [(code, regions[code], geometry) for code, geometry in sorted(kabkota.items())],
        "provinces": [(code, regions[code], shapely.union_all(parts)) for code, parts in sorted(provinces.items())],
    }
    # One collection, one topology, so that a province's border is the same arcs as its kab/kota's; split into the two
    # objects afterwards by each shape's layer.
    features = geojson.FeatureCollection(
        [
            {
                "type": "Feature",
                "id": f"{name}:{code}",
                "properties": {"layer": name, "name": region.region_name, "province_code": region.province_code},
                # Clockwise outer rings: d3-geo (Vega) reads an anticlockwise ring as the whole globe but it.
                "geometry": mapping(shapely.orient_polygons(geometry, exterior_cw=True)),
            }
            for name, layer in layers.items()
            for code, region, geometry in layer
        ]
    )
    topology = json.loads(
        topojson.Topology(
            features,
            prequantize=QUANTIZATION,
            toposimplify=SIMPLIFY_DEGREES,
            simplify_with="shapely",  # Douglas-Peucker per shared arc: neighbours keep one border
        ).to_json()
    )
    [shapes] = topology["objects"].values()
    topology["objects"] = {
        name: {
            "type": "GeometryCollection",
            "geometries": [g for g in shapes["geometries"] if g["properties"]["layer"] == name],
        }
        for name in layers
    }
    for layer in topology["objects"].values():
        for geometry in layer["geometries"]:
            layer_name = geometry["properties"].pop("layer")
            geometry["id"] = str(geometry.get("id", "")).removeprefix(f"{layer_name}:")  # the Kemendagri code
            if isinstance(geometry["arcs"], str):  # the library writes a geometry's arcs as JSON text
                geometry["arcs"] = json.loads(geometry["arcs"])
    BOUNDARIES.mkdir(parents=True, exist_ok=True)
    target = BOUNDARIES / "indonesia.topo.json"
    target.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")

    without = [
        r for r in regions.values() if r.region_level in ("regency", "city") and r.region_code not in kabkota
    ] + [r for r in regions.values() if r.region_level == "province" and r.region_code not in provinces]
    with open(BOUNDARIES / "regions_without_shape.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["region_code", "region_name", "reason"])
        for region in sorted(without, key=lambda r: r.region_code):
            writer.writerow([region.region_code, region.region_name, REASON_WITHOUT_SHAPE])
    print(
        f"{target}: {target.stat().st_size:,} bytes, {len(kabkota)} kab/kota and {len(provinces)} provinces "
        f"from {source} at {commit}; {len(without)} regions without a shape"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
