from pathlib import Path

import pytest
import xlsxwriter

from pipeline.parse.numbers import Percent
from pipeline.parse.text import header_key
from pipeline.read.files import read_workbook
from pipeline.read.sheet import FileUnreadable, Sheet

REQUIRED = [["region_code", "region_name", "province"], ["segment"], ["active_participants"]]


def test_header_keys_ignore_case_spacing_and_punctuation():
    assert header_key("Kab/Kota") == header_key("KAB. KOTA") == header_key(" kab kota ")


def test_header_found_below_title_rows(synonyms):
    sheet = Sheet(
        "s",
        [["Laporan Kepesertaan"], ["Periode: September 2021"], [], ["Kode Wilayah", "KAB/KOTA", "Segmen", "TK Aktif"]],
    )
    header = synonyms.locate("participation", sheet, REQUIRED)
    assert header.row_index == 3
    assert [(c.field, c.index) for c in header.columns] == [
        ("region_code", 0),
        ("region_name", 1),
        ("segment", 2),
        ("active_participants", 3),
    ]
    assert "September 2021" in header.title_text


def test_missing_columns_are_named(synonyms):
    sheet = Sheet("s", [["Kabupaten/Kota", "Segmen", "Jumlah"]])
    assert synonyms.locate("participation", sheet, REQUIRED) is None
    assert synonyms.missing("participation", sheet, REQUIRED) == ["active_participants"]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("latin-1", "\t")],
)
def test_csv_encodings_and_separators(tmp_path: Path, encoding, delimiter):
    path = tmp_path / "file.csv"
    path.write_text(
        delimiter.join(["Kab/Kota", "Segmen", "Peserta Aktif"])
        + "\n"
        + delimiter.join(["Kota Pasuruan", "PU", "1.234"])
        + "\n",
        encoding=encoding,
    )
    [sheet] = read_workbook(path).sheets
    assert sheet.rows[0] == ["Kab/Kota", "Segmen", "Peserta Aktif"]
    assert sheet.rows[1] == ["Kota Pasuruan", "PU", "1.234"]


def test_cp1252_text_survives(tmp_path: Path):
    path = tmp_path / "file.csv"
    path.write_bytes("Wilayah;Catatan\nKota Pasuruan;data \u2013 sementara\n".encode("cp1252"))
    assert read_workbook(path).sheets[0].rows[1] == ["Kota Pasuruan", "data \u2013 sementara"]


def test_every_sheet_of_a_workbook(tmp_path: Path):
    path = tmp_path / "book.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("PU").write_row(0, 0, ["Kab/Kota", 1])
    workbook.add_worksheet("BPU").write_row(0, 0, ["Kab/Kota", 2])
    workbook.close()
    sheets = read_workbook(path).sheets
    assert [s.name for s in sheets] == ["PU", "BPU"]
    assert sheets[1].rows[0] == ["Kab/Kota", 2.0]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("broken.xlsx", b"PK\x03\x04 this is not a zip", "not a readable spreadsheet"),
        ("report.pdf", b"%PDF-1.4", "not read"),
        ("renamed.csv", b"PK\x03\x04\x00\x00binary", "binary content"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileUnreadable, match=words):
        read_workbook(path)


def test_line_lengths_are_checked_across_blocks(tmp_path):
    from pipeline.read.csv_files import check_line_lengths

    path = tmp_path / "x.csv"
    path.write_bytes(
        b"a,b\n" + b"x" * 100 + b"\n" + b"y" * 10_000_000 + b"\nz\n"
    )  # the long line spans two 8 MB blocks
    check_line_lengths(path, limit=10_000_000)
    with pytest.raises(FileUnreadable, match=r"line 3 starts a row longer than"):
        check_line_lengths(path, limit=9_999_999)
    path.write_bytes(b"a,b\n" + b"y" * 2000)  # no newline at the end
    with pytest.raises(FileUnreadable, match=r"line 2 "):
        check_line_lengths(path, limit=1000)


def test_error_cells_and_hidden_sheets(tmp_path):
    import xlsxwriter

    from pipeline.read.files import read_workbook

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(1, 1, ["Kab/Kota", "Peserta Aktif"])  # the used range starts at B2
    sheet.write(2, 1, "Kota Batu")
    sheet.write_formula(2, 2, "=1/0", None, "#DIV/0!")
    book.add_worksheet("Lama").hide()
    book.close()
    workbook = read_workbook(path)
    assert workbook.hidden == ["Lama"] and [s.name for s in workbook.sheets] == ["Data"]
    assert workbook.sheets[0].rows[-1][-2:] == ["Kota Batu", "#DIV/0!"]


def test_percentage_cells_are_read_as_the_percentage_they_show(tmp_path):
    """0.2546 under '0.00%' (custom or Excel's built-in 0% / 0.00%) is 25.46, not 0.25; a plain 0.2546 stays 0.2546."""
    path = tmp_path / "persen.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Cakupan", "Target", "Builtin", "Polos", "Teks"])
    sheet.write_number(1, 0, 0.2546, book.add_format({"num_format": "0.00%"}))
    sheet.write_number(1, 1, 0.7, book.add_format({"num_format": 9}))  # built-in 0%
    sheet.write_number(1, 2, 0.125, book.add_format({"num_format": 10}))  # built-in 0.00%
    sheet.write_number(1, 3, 0.2546)
    sheet.write_string(1, 4, "25,46%", book.add_format({"num_format": "0.00%"}))
    book.close()
    [read] = read_workbook(path).sheets
    cover, target, builtin, plain, text = read.rows[1]
    assert (
        isinstance(cover, Percent) and cover == pytest.approx(25.46) and cover.decimals == 2 and str(cover) == "25.46%"
    )
    assert isinstance(target, Percent) and target == 70 and target.decimals == 0
    assert builtin == pytest.approx(12.5) and builtin.decimals == 2
    assert plain == pytest.approx(0.2546) and not isinstance(plain, Percent)
    assert text == "25,46%"


def test_a_merged_label_over_cells_is_matched_on_the_lower_cells(synonyms):
    """'Peserta Aktif' merged over Total | PU | BPU | Jakon: the joined labels match nothing, the lower cells do."""
    sheet = Sheet(
        "s",
        [
            ["Wilayah", "Per", "Peserta Aktif", None, None, None, "Catatan Redaksi", "Sumber"],
            [None, None, "Total", "PU", "BPU", "Jakon"],
        ],
    )
    header = synonyms.locate("statements", sheet, [["region"], ["as_of"], ["stated_participants"], ["source"]])
    assert {c.field: c.index for c in header.columns} == {
        "region": 0,
        "as_of": 1,
        "stated_participants": 2,
        "stated_pu": 3,
        "stated_bpu": 4,
        "stated_jakon": 5,
        "source": 7,
    }
    assert header.unused == ["Catatan Redaksi"]


def test_a_title_row_is_not_taken_for_the_top_of_a_two_row_header(synonyms):
    sheet = Sheet(
        "s",
        [
            ["Laporan Kepesertaan"],
            ["Posisi Agt 2024"],
            ["Kabupaten/Kota", "Segmen Peserta", "Jumlah Peserta Aktif"],
            ["Kab. Badung", "BPU", 1],
        ],
    )
    header = synonyms.locate("participation", sheet, REQUIRED)
    assert header.row_index == 2 and "Agt 2024" in header.title_text


def test_a_row_number_column_is_not_worth_a_note(synonyms):
    sheet = Sheet("s", [["No", "Kab/Kota", "Segmen", "Peserta Aktif", "Keterangan"]])
    assert synonyms.locate("participation", sheet, REQUIRED).unused == ["Keterangan"]


# --- rosters: pyarrow's streaming reader -------------------------------------------------------------------------


def roster_chunks(path: Path, synonyms):
    from pipeline.read.chunks import read_chunks
    from pipeline.sources import SOURCES

    return list(read_chunks(path, SOURCES["rentan"].table, synonyms))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_roster_csv_keeps_every_row_number_and_reads_odd_rows_as_the_table_mode_does(tmp_path, synonyms, encoding):
    path = tmp_path / "daftar.csv"
    path.write_text(
        "Daftar Peserta Rentan – 2024\n"  # line 1: a title (a dash cp1252 has)
        "NIK;Nama;Pekerjaan;Kab/Kota;Sumber Dana;Program;Mulai;Selesai\n"  # 2
        "3575011203850001;Siti;Petani;Kota Pasuruan;APBD;JKK+JKM;2024-01;2024-06\n"  # 3
        "\n"  # 4: an empty line, not read but counted
        "3575011203850002;Budi;Nelayan;Kota Pasuruan;APBD\n"  # 5: fewer cells: the rest are empty
        '3575011203850003;"Ani\nUtami";Pedagang;Kota Pasuruan;CSR;JKK;2024-02;2024-03\n'  # 6: a quoted cell of two lines
        "3575011203850004;Joko;Ojek;Kota Batu;DBHCHT;JKK;2024-03;2024-04;catatan;lain\n"  # 7: more cells: not read
        ";;;;;;;\n"  # 8: a row of empty cells
        "3575011203850005;Sri;Buruh;Kota Batu;APBD;JKK;2024-04;2024-05\n",  # 9
        encoding=encoding,
    )
    [chunk] = roster_chunks(path, synonyms)
    rows = chunk.cells.to_pylist()
    assert [r["row_number"] for r in rows] == [3, 5, 6, 7, 9]
    assert rows[1]["funding"] == "APBD" and rows[1]["start"] is None and rows[1]["end"] is None
    assert rows[3]["region_name"] == "Kota Batu" and rows[3]["end"] == "2024-04"
    assert "name" not in chunk.cells.column_names and rows[4]["nik_number"] is None


def test_a_roster_row_cut_off_inside_a_quote_fails_the_file(tmp_path, synonyms):
    path = tmp_path / "daftar.csv"
    path.write_text(
        "NIK;Nama;Pekerjaan;Kab/Kota;Sumber Dana;Program;Mulai;Selesai\n"
        "3575011203850001;Siti;Petani;Kota Pasuruan;APBD;JKK+JKM;2024-01;2024-06\n"
        '3575011203850002;"Bud',
        encoding="utf-8",
    )
    with pytest.raises(FileUnreadable, match="row 3 opens a quoted cell that is never closed") as refused:
        roster_chunks(path, synonyms)
    assert "3575011203850002" not in str(refused.value)  # pyarrow's own message quotes the row


def test_roster_number_cells_read_as_a_person_reads_them(tmp_path, synonyms):
    path = tmp_path / "daftar.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Peserta")
    sheet.write_row(0, 0, ["NIK", "Nama", "Kode Kab/Kota", "Sumber Dana", "Mulai", "Selesai"])
    sheet.write_row(1, 0, [3575011203850001, "Siti", 3575, "APBD", "2024-01", "2024-06"])
    book.close()
    [chunk] = roster_chunks(path, synonyms)
    [row] = chunk.cells.to_pylist()
    assert (row["nik"], row["nik_number"], row["region_code"]) == ("3575011203850001", 3575011203850001.0, "3575")
