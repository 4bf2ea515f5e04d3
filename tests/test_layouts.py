"""Row classification over a whole sheet (pipeline/read/layouts.py), without Dagster."""

from pipeline.read.headers import Column, Header
from pipeline.read.layouts import body_of, classify_rows, expand_rows

LONG = Header(
    1,
    [
        Column(0, "Kode", "region_code"),
        Column(1, "Kabupaten/Kota", "region_name"),
        Column(2, "Segmen", "segment"),
        Column(3, "Peserta Aktif", "active_participants"),
    ],
    "Laporan Kepesertaan",
)


def classify(rows, header, matcher):
    return classify_rows(body_of(rows, header), header, matcher)


def test_sections_totals_footnotes_and_data(matcher):
    rows = [
        ["Laporan Kepesertaan"],
        ["Kode", "Kabupaten/Kota", "Segmen", "Peserta Aktif"],
        ["A.", "KABUPATEN", None, ""],  # 2: section, numbered
        ["35.14", "Pasuruan", "PU", 100],  # 3: data under KABUPATEN
        [None, "Jumlah Kabupaten", "PU", 100],  # 4: subtotal of kabupaten
        ["  ", None, "", None],  # 5: blank, not a row at all
        ["Kota"],  # 6: section
        ["35.75", "Pasuruan", "PU", 50],  # 7: data under KOTA
        [None, "Jawa Timur", "PU", 150],  # 8: the province's own name, no code: its total
        ["35", "Jawa Timur", "PU", 150],  # 9: with a code of its own: data
        [None, None, None, 7],  # 10: a lone number is data, not a footnote
        ["Sumber: BPJAMSOSTEK Kanwil Jatim"],  # 11: footnote
        [None, None, "*) angka sementara"],  # 12: footnote (outside the region columns)
        [None, "Total"],  # 13: total, one filled cell in a region column
    ]
    kinds = classify(rows, LONG, matcher)
    assert kinds["kind"].to_dict() == {
        2: "section",
        3: "data",
        4: "total",
        6: "section",
        7: "data",
        8: "total",
        9: "data",
        10: "data",
        11: "footnote",
        12: "footnote",
        13: "total",
    }
    assert kinds.loc[3, "level"] == "regency" and kinds.loc[7, "level"] == "city" and kinds.loc[10, "level"] == "city"
    assert kinds.loc[4, ["label", "scope"]].tolist() == ["Jumlah Kabupaten", "regency"]
    assert kinds.loc[8, ["label", "scope"]].tolist() == ["Jawa Timur", "all"]
    assert kinds.loc[13, ["label", "scope"]].tolist() == ["Total", "all"]


def test_no_section_means_no_level_and_empty_sheets_classify_to_nothing(matcher):
    kinds = classify(
        [["Kode", "Kabupaten/Kota", "Segmen", "Peserta Aktif"], [], ["35.75", "Kota Pasuruan", "PU", 1]],
        Header(0, LONG.columns, ""),
        matcher,
    )
    assert kinds["kind"].tolist() == ["data"] and kinds["level"].isna().all()
    assert classify([["Kode", "Kabupaten/Kota", "Segmen", "Peserta Aktif"]], Header(0, LONG.columns, ""), matcher).empty


def test_wide_rows_become_one_record_per_key_in_row_order():
    header = Header(
        0,
        [
            Column(0, "Kabupaten/Kota", "region_name"),
            Column(1, "Formal 2021", "formal_workers", "year", 2021),
            Column(2, "Informal 2021", "informal_workers", "year", 2021),
            Column(3, "Formal 2022", "formal_workers", "year", 2022),
        ],
        "",
    )
    rows = [["h"] * 4, ["Kota Batu", 10, 20, 11], ["Kota Malang", 30, 40]]
    records = expand_rows(body_of(rows, header), header)
    assert [(row, record) for row, record, _ in records] == [
        (1, {"region_name": "Kota Batu", "formal_workers": 10, "informal_workers": 20, "year": 2021}),
        (1, {"region_name": "Kota Batu", "formal_workers": 11, "year": 2022}),
        (2, {"region_name": "Kota Malang", "formal_workers": 30, "informal_workers": 40, "year": 2021}),
        (2, {"region_name": "Kota Malang", "formal_workers": None, "year": 2022}),
    ]
    assert records[1][2] == {"region_name": "Kabupaten/Kota", "formal_workers": "Formal 2022", "year": "Formal 2022"}
