"""Files that used to stop every build or wipe the analysts' data, and the PII key and console rules (issue #23).

Each bad file must cost one `failed` file (or one quarantined row) with a reason, never the run; memory stays
bounded; the last good analyst file is never replaced by a worse one without a loud reason.
"""

import io
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import xlsxwriter

from pipeline.defs.publish import exports
from pipeline.defs.resources import WarehouseResource
from pipeline.ingest import pii_key
from pipeline.ingest.declared_tables import prepare_staging
from pipeline.ingest.engine import ingest_file
from pipeline.parse.text import printable
from pipeline.read import xlsx
from pipeline.read.chunks import read_chunks
from pipeline.read.headers import HeaderSynonyms
from pipeline.settings import HEADER_SYNONYMS, PROJECT_ROOT, REFERENCE_DIR
from pipeline.sources import SOURCES
from pipeline.sources.rentan import RosterRules, kabkota_codes, stage
from pipeline.warehouse.connection import analyst_path
from tests.conftest import DEMO_RAW, build, small_raw

ROSTER_HEADER = "NIK;Nama;Pekerjaan;Kabupaten/Kota;Sumber Dana;Program;Mulai;Selesai\n"
ROSTER_ROW = "3579014203850001;Sri;Petani;Kota Batu;APBD Kota Batu;JKK+JKM;2024-01;2024-06\n"


def ingest(path: Path, source: str, matcher, synonyms, key: str | None = "test-key"):
    return ingest_file(path, path.parents[1], SOURCES[source], synonyms, matcher, pii_key=key)


def in_folder(tmp_path: Path, source: str, name: str) -> Path:
    folder = tmp_path / source
    folder.mkdir(exist_ok=True)
    return folder / name


# --- workbooks whose cells expand beyond memory ------------------------------------------------------------------


def test_one_cell_at_the_last_address_of_a_sheet_is_one_failed_file(tmp_path, matcher, synonyms):
    """calamine would allocate the whole 1,048,576 x 16,384 grid (about 550 GB) and abort the process."""
    path = in_folder(tmp_path, "participation", "2024-01_laporan.xlsx")
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Kab/Kota", "Segmen", "Peserta Aktif"])
    sheet.write_row(1, 0, ["Kota Batu", "PU", 100])
    sheet.write(1048575, 16383, 1)
    book.close()
    assert path.stat().st_size < 10_000
    for source in ("participation", "rentan"):
        result = ingest(path, source, matcher, synonyms)
        assert result.status == "failed" and "XFD1048576" in result.error and "2024-01_laporan.xlsx" in result.error


SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<{p}worksheet xmlns{colon}{prefix}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><{p}sheetData>'
    '<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>Kab/Kota</{p}t></{p}is></{p}c>'
    '<{p}c r="B1" t="inlineStr"><{p}is><{p}t>Segmen</{p}t></{p}is></{p}c>'
    '<{p}c r="C1" t="inlineStr"><{p}is><{p}t>Peserta Aktif</{p}t></{p}is></{p}c></{p}row>'
    "{far}</{p}sheetData></{p}worksheet>"
)


@pytest.mark.parametrize(
    "prefix, far",
    [
        ("", "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"),  # single quotes
        ("", '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>'),  # lower case
        ("", '<row r = "1048576"><c r = "XFD1048576" ><v>1</v></c></row>'),  # spaces around =
        ("x", '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'),  # a namespace prefix
        ("", '<row r="1048576">' + "<c><v>1</v></c>" * 60 + "</row>"),  # cells without r under a far row
    ],
)
def test_a_far_cell_however_the_xml_writes_it_is_one_failed_file(tmp_path, matcher, synonyms, prefix, far):
    """The used-range scan reads the XML as XML: a pattern that only knew r="A1" let each of these through, and
    calamine then asked for hundreds of GB in the build process (a roster) and aborted the whole run."""
    base = tmp_path / "base.xlsx"
    book = xlsxwriter.Workbook(base)
    book.add_worksheet("Data").write(0, 0, "x")
    book.close()
    path = in_folder(tmp_path, "rentan", "2024-01_laporan.xlsx")
    with zipfile.ZipFile(base) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as hostile:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                tag = f"{prefix}:" if prefix else ""
                content = SHEET_XML.format(p=tag, colon=":" if prefix else "", prefix=prefix, far=far).encode()
            hostile.writestr(item, content)
    assert path.stat().st_size < 10_000
    for source in ("participation", "rentan"):
        result = ingest(path, source, matcher, synonyms)
        assert result.status == "failed" and "1,048,576 rows" in result.error, (source, result.error)


@pytest.mark.parametrize(
    "prefix, far",
    [
        ("", "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"),
        ("", '<row r = "1048576"><c s="1" r = " xfd1048576 " ><v>1</v></c></row>'),
        ("x", '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'),
        ("", '<row r="1048576">' + "<c><v>1</v></c>" * 60 + "</row>"),  # no references: read as XML
        ("", "<row r='9'><c t=\"x r='A9'\" r='XFD9'><v>1</v></c></row>"),  # an r inside another value
        ("", '<row r="9"><c xmlns:x="urn:x" x:r="A9" r="XFD9"><v>1</v></c></row>'),  # another namespace's r
        ("", '<row r="9"><c r="&#88;FD9"><v>1</v></c></row>'),  # an entity in the reference
        ("", '<!-- <c r="XFD1048576"/> --><row r="9"><c r="B9"><v>1</v></c></row>'),  # a comment
        ("", '<row r="9"><c r="B9" t="inlineStr"><is><t><![CDATA[<c r="A1"/>]]></t></is></c></row>'),
        ("", '<row r="9"><c r="B12345678"><v>1</v></c></row>'),  # a row number too long to be one
    ],
)
def test_the_quick_used_range_scan_agrees_with_the_xml_parser_or_defers_to_it(prefix, far):
    """The regular-expression scan of the used range (`_referenced_range`) gives the XML parser's answer, or none at
    all (and the parser reads the sheet): never a smaller range that would let a far cell through."""
    xml = SHEET_XML.format(p=f"{prefix}:" if prefix else "", colon=":" if prefix else "", prefix=prefix, far=far)
    quick = xlsx._referenced_range(xml.encode())
    assert quick is None or quick == xlsx._used_range(io.BytesIO(xml.encode()))


def test_the_quick_used_range_scan_reads_the_demo_workbooks_as_the_xml_parser_does():
    for path in sorted(DEMO_RAW.rglob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            for part in xlsx._sheet_parts(archive).values():
                quick = xlsx._referenced_range(archive.read(part))
                with archive.open(part) as stream:
                    assert quick == xlsx._used_range(stream), (path, part)


READ_UNDER_LIMIT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipeline.ingest.engine import ingest_file
    from pipeline.parse.regions import RegionMatcher
    from pipeline.read.headers import HeaderSynonyms
    from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
    from pipeline.sources import SOURCES
    if __name__ == "__main__":
        path = Path(sys.argv[1])
        result = ingest_file(path, path.parents[1], SOURCES["participation"], HeaderSynonyms.from_file(HEADER_SYNONYMS),
                             RegionMatcher.from_reference(REFERENCE_DIR))
        print("STATUS", result.status)
        print("ERROR", result.error)
        # VmHWM, not ru_maxrss: ru_maxrss keeps the high-water mark of the process this one was forked from.
        peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
        print("PEAK_MB", int(peak.split()[1]) // 1024)
""")


def shared_string_bomb(path: Path, text_mb: int = 10, cells: int = 150) -> Path:
    """One long shared string referenced by many cells: a few kB on disk, text_mb x cells once read (Excel itself
    caps a cell at 32,767 characters; the sharedStrings part is written by hand, as a hostile file would be)."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Kab/Kota", "Segmen", "Peserta Aktif"])
    for row in range(1, cells + 1):
        sheet.write_string(row, 0, "PLACEHOLDER")
    book.close()
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    long_text = b"x" * (text_mb * 1024**2)
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"PLACEHOLDER", long_text)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def repeated_rows_ods(path: Path, rows: int = 1_048_576, columns: int = 90) -> Path:
    """An OpenDocument sheet of under 1 KB whose one row and cell are repeated: 94 million cells once expanded."""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Data"><table:table-row table:number-rows-repeated="{rows}">
<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p></table:table-cell>
</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml", content.replace("\n<", "<").replace("\n ", " "), compress_type=zipfile.ZIP_DEFLATED
        )
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize("make", [shared_string_bomb, repeated_rows_ods], ids=["shared_string", "repeated_rows_ods"])
def test_cells_that_expand_past_the_limit_cost_one_failed_file_and_memory_stays_bounded(tmp_path, make):
    """The reader process may use 768 MB here: it is refused there, and the build process itself stays small."""
    suffix = ".ods" if make is repeated_rows_ods else ".xlsx"
    path = make(in_folder(tmp_path, "participation", f"2024-01_laporan{suffix}"))
    assert path.stat().st_size < 100_000
    script = tmp_path / "read_under_limit.py"
    script.write_text(READ_UNDER_LIMIT)
    env = {"JAMSOSTEK_READER_MEMORY_MB": "768", "PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, str(script), str(path)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
    assert lines.get("STATUS") == "failed", (out.stdout, out.stderr[-2000:])
    assert "more than 768 MB of memory" in lines["ERROR"] and path.name in lines["ERROR"]
    assert int(lines["PEAK_MB"]) < 768  # the build process; the reader process cannot pass its limit (RLIMIT_AS)


# --- rosters ----------------------------------------------------------------------------------------------------


def test_a_nik_number_cell_far_out_of_range_is_one_rejected_row(tmp_path, matcher, synonyms):
    path = in_folder(tmp_path, "rentan", "daftar.xlsx")
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Peserta")
    sheet.write_row(0, 0, ["NIK", "Nama", "Kabupaten/Kota", "Sumber Dana", "Mulai", "Selesai"])
    sheet.write_row(1, 0, ["3579014203850001", "Sri", "Kota Batu", "APBD", "2024-01", "2024-06"])
    sheet.write_row(2, 0, [-1e300, "Budi", "Kota Batu", "APBD", "2024-01", "2024-06"])
    sheet.write_row(3, 0, [1e300, "Ani", "Kota Batu", "APBD", "2024-01", "2024-06"])
    book.close()
    result = ingest(path, "rentan", matcher, synonyms)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("partial", 1, 2)
    reasons = {r["row_number"]: r["reason"] for r in result.rejections}
    assert "negative number" in reasons[3] and "too large" in reasons[4]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            ROSTER_HEADER
            + ROSTER_ROW
            + '3579014203850002;"Ani;Petani;Kota Batu;APBD;JKK+JKM;2024-01;2024-06\n'
            + ROSTER_ROW * 3,
            "could not be read",
        ),
        (
            ROSTER_HEADER + ROSTER_ROW * 3 + '3579014203850002;Ani;"Pet',
            "could not be read",
        ),  # cut off while being copied in
        (
            ROSTER_HEADER
            + ROSTER_ROW
            + '3579014203850002;Ani;"'
            + "baris\n" * 250_000
            + '";Kota Batu;APBD;JKK+JKM;2024-01;2024-06\n',
            "quoted cell",
        ),
    ],
    ids=["unclosed_quote", "truncated", "many_short_lines_in_a_quote"],
)
def test_a_broken_roster_csv_is_one_failed_file(tmp_path, matcher, synonyms, content, words):
    path = in_folder(tmp_path, "rentan", "daftar.csv")
    path.write_text(content, encoding="utf-8")
    result = ingest(path, "rentan", matcher, synonyms)
    assert result.status == "failed" and words in result.error and "daftar.csv" in result.error
    assert result.rows_loaded == result.rows_rejected == 0


def test_a_windows_export_with_its_first_non_ascii_character_far_down_is_read(tmp_path, matcher, synonyms):
    path = in_folder(tmp_path, "rentan", "daftar.csv")
    rows = ROSTER_ROW.replace("0001", "{:04d}")
    body = "".join(rows.format(i) for i in range(1, 5000))
    path.write_bytes(
        (
            ROSTER_HEADER
            + body
            + ROSTER_ROW.replace("Petani", "Pedagang kaki lima \u2013 pasar").replace("0001", "5000")
        ).encode("cp1252")
    )
    assert path.stat().st_size > 300 * 1024  # past the 256 KB sample a separator is sniffed from
    result = ingest(path, "rentan", matcher, synonyms)
    assert result.status in ("loaded", "partial") and result.rows_read == 5000, result.error
    assert any("\u2013" in str(v) for v in result.rows["occupation"].tolist())


# --- figures that cannot be real ----------------------------------------------------------------------------------


def test_a_count_target_larger_than_any_workforce_is_quarantined(tmp_path, matcher, synonyms):
    path = in_folder(tmp_path, "targets", "targets.csv")
    path.write_text(
        "target_id,region,segment,metric,target_value,deadline,source\n"
        "BUDGET,Kota Batu,BPU,active_participants,50.000.000.000.000,2025-12,pasted budget\n"
        "OK,Kota Batu,BPU,active_participants,9.000,2025-12,Wali Kota\n",
        encoding="utf-8",
    )
    result = ingest(path, "targets", matcher, synonyms)
    assert (result.status, result.rows_loaded) == ("partial", 1)
    [rejection] = result.rejections
    assert rejection["row_number"] == 2 and "at most 200000000" in rejection["reason"]


# --- the PII key ------------------------------------------------------------------------------------------------


def test_a_roster_without_a_key_fails_unless_it_is_a_shipped_demo_roster(tmp_path, matcher, synonyms):
    path = in_folder(tmp_path, "rentan", "2024_real.csv")
    path.write_text(ROSTER_HEADER + ROSTER_ROW, encoding="utf-8")
    assert pii_key.key_for({}, "0" * 64) is None
    result = ingest(path, "rentan", matcher, synonyms, key=pii_key.key_for({}, "0" * 64))
    assert (
        result.status == "failed"
        and "JAMSOSTEK_PII_KEY is not set" in result.error
        and "/etc/jamsostek" in result.error
    )


# --- the last good data is never replaced by nothing ---------------------------------------------------------------


def test_an_empty_or_unreadable_raw_folder_never_publishes_over_the_last_good_data(tmp_path, monkeypatch):
    raw = small_raw(
        tmp_path / "raw", ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv"), ("workforce", "targets")
    )
    warehouse = tmp_path / "warehouse"
    assert build(raw, warehouse)[0].success
    good = analyst_path(warehouse).read_bytes()

    # The share did not mount: the folders are there, their files are not.
    for path in (raw / "participation").iterdir():
        path.rename(tmp_path / path.name)
    result, _ = build(raw, warehouse)
    assert not result.success and analyst_path(warehouse).read_bytes() == good
    failures = [str(e.event_specific_data.error) for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert any(
        "raw folder 'participation/' lost all its files" in f and "JAMSOSTEK_ALLOW_SHRINK=1" in f for f in failures
    ), failures

    # A folder that cannot be listed, and a removal confirmed with JAMSOSTEK_ALLOW_SHRINK=1: tests/test_sync.py.


# --- the console ----------------------------------------------------------------------------------------------------


def test_control_characters_reach_the_terminal_escaped():
    hostile = "laporan\x1b[2K\r\x1b[32mok\x1b[0m\x1b]0;judul\x07\u202e.xlsx"
    shown = printable(hostile)
    assert not any(ch in shown for ch in "\x1b\r\x07\u202e") and "\\x1b[2K" in shown
    assert printable("baris satu\nbaris dua") == "baris satu\\nbaris dua"


def test_the_run_summary_escapes_raw_text(tmp_path):
    from pipeline.cli.run import summary

    path = tmp_path / "jamsostek.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA dq; CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE dq.file_ledger AS SELECT 'participation' AS source, 'failed' AS status, 0 AS rows_loaded, 0 AS rows_rejected, 0 AS rows_skipped, "
            "'participation/x\x1b[2K\rok.csv' AS file_path, 'bad\x07' AS error, NULL::VARCHAR AS notes"
        )
        con.execute("CREATE TABLE dq.rejected_rows (file_path VARCHAR)")
        con.execute(
            "CREATE TABLE marts.target_progress (target_id VARCHAR, region_name VARCHAR, segment VARCHAR, metric VARCHAR, target_value DOUBLE, "
            "deadline DATE, current_value DOUBLE, as_of DATE, status VARCHAR)"
        )
        con.execute(
            "CREATE TABLE marts.statement_checks AS SELECT 'S\x1b]0;x\x07' AS statement_id, 'Bali' AS region_name, 'Maret 2025' AS stated_as_of, "
            "DATE '2025-03-01' AS period, 0 AS problem_count, 'Tidak ada masalah.' AS verdict, NULL::VARCHAR AS not_checked"
        )
    text = summary(path)
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text and "\\x1b[2K" in text


def staged_roster(path: Path, matcher) -> tuple[duckdb.DuckDBPyConnection, tuple[int, int]]:
    """A roster read in chunks and staged as the build does: (connection, (rows staged, rows quarantined))."""
    con = duckdb.connect()
    prepare_staging(con, SOURCES["rentan"], full_reload=False)
    rules = RosterRules(con, matcher, kabkota_codes(REFERENCE_DIR), "test-key")
    counts = [0, 0]
    for chunk in read_chunks(path, SOURCES["rentan"].table, HeaderSynonyms.from_file(HEADER_SYNONYMS)):
        staged, quarantined = stage(chunk, rules, f"rentan/{path.name}", "sha")
        counts[0], counts[1] = counts[0] + staged, counts[1] + quarantined
    return con, tuple(counts)


def test_a_huge_string_shared_by_every_roster_cell_never_reaches_staging(tmp_path, matcher):
    """A roster whose occupation cells all share one 19.6 MB string: read in the memory-limited reader, the cells cut
    there, and every such row quarantined with its reason instead of 117 MB reaching staging.rentan."""
    path = in_folder(tmp_path, "rentan", "2024_huge.xlsx")
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["NIK", "Nama", "Pekerjaan", "Kabupaten/Kota", "Sumber Dana", "Mulai", "Selesai"])
    huge = "Petani " * 2_800_000  # stored once, in the shared strings
    for row in range(1, 7):
        sheet.write_row(
            row, 0, [f"35790142038500{row:02d}", "Sri", huge, "Kota Batu", "APBD Kota Batu", "2024-01", "2024-06"]
        )
    sheet.write_row(7, 0, ["3579014203850099", "Sri", "Petani", "Kota Batu", "APBD Kota Batu", "2024-01", "2024-06"])
    book.close()
    assert path.stat().st_size < 200_000
    con, counts = staged_roster(path, matcher)
    assert counts == (1, 6)
    rejected = con.execute(
        "SELECT DISTINCT column_name, check_name, length(value) FROM staging.rentan_quarantine"
    ).fetchall()
    assert rejected == [("Pekerjaan", "text_length", 41)]
    assert con.execute("SELECT max(length(occupation)) FROM staging.rentan").fetchone()[0] == len("Petani")


def test_a_roster_text_cell_longer_than_any_real_value_is_quarantined(tmp_path, matcher):
    path = in_folder(tmp_path, "rentan", "2024_long.csv")
    longer = ROSTER_ROW.replace("3579014203850001", "3579014203850002").replace("Petani", "x" * 300)
    path.write_text(ROSTER_HEADER + ROSTER_ROW + longer, encoding="utf-8")
    con, counts = staged_roster(path, matcher)
    assert counts == (1, 1)
    [(column, check, reason)] = con.execute(
        "SELECT column_name, check_name, reason FROM staging.rentan_quarantine"
    ).fetchall()
    assert (column, check) == ("Pekerjaan", "text_length") and "longer than any real value" in reason


UNREADABLE_AS_ANOTHER_USER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipeline.ingest.engine import ingest_file
    from pipeline.parse.regions import RegionMatcher
    from pipeline.read.folders import content_version
    from pipeline.read.headers import HeaderSynonyms
    from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
    from pipeline.sources import SOURCES
    raw = Path(sys.argv[1])
    print("VERSION", content_version(raw, "participation"))
    for path in sorted((raw / "participation").iterdir()):
        result = ingest_file(path, raw, SOURCES["participation"], HeaderSynonyms.from_file(HEADER_SYNONYMS),
                             RegionMatcher.from_reference(REFERENCE_DIR))
        print("FILE", path.name, result.status, result.error)
""")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as another user")
def test_a_file_the_service_user_cannot_read_is_one_failed_file(request):
    """Dropped by root with mode 0600: the folder's data version is still computed (the sensor goes on), and reading
    it is one failed file naming the path, the user and the reason, while the readable file beside it loads."""
    # pytest's own temporary folders are private to root: this one is open to every user, like a shared raw folder.
    shared = Path(tempfile.mkdtemp(prefix="jamsostek-raw-"))
    request.addfinalizer(lambda: shutil.rmtree(shared, ignore_errors=True))
    raw = small_raw(shared / "raw", ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv"), ())
    for folder in (shared, raw, raw / "participation"):
        os.chmod(folder, 0o755)
    readable, locked = sorted((raw / "participation").iterdir())
    os.chmod(readable, 0o644)
    os.chmod(locked, 0o600)
    script = shared / "as_other_user.py"
    script.write_text(UNREADABLE_AS_ANOTHER_USER, encoding="utf-8")
    os.chmod(script, 0o644)
    run = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, str(script), str(raw)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HOME": str(shared)},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("VERSION ")
    assert f"FILE {readable.name} loaded None" in lines
    [failed] = [line for line in lines if line.startswith(f"FILE {locked.name} failed")]
    assert str(locked) in failed and "'nobody'" in failed and "Permission denied" in failed


def test_outputs_the_build_cannot_replace_are_named_with_owner_mode_and_fix(demo_warehouse, request):
    """A restore done by hand can leave exports/ to another user: the exports step fails with the folder, the user the
    build runs as, the owner, the mode and the fix (docs/deployment.md), not a traceback of a PermissionError.
    The folder is made immutable (chattr +i), the one refusal that holds for root too."""
    shared = Path(tempfile.mkdtemp(prefix="jamsostek-warehouse-"))
    warehouse = shared / "warehouse"
    shutil.copytree(demo_warehouse[0], warehouse, ignore=shutil.ignore_patterns("exports", "report"))
    (warehouse / "exports").mkdir(mode=0o755)
    if subprocess.run(["chattr", "+i", str(warehouse / "exports")], capture_output=True).returncode:
        shutil.rmtree(shared)
        pytest.skip("chattr +i is not available on this file system")

    def unlock():
        subprocess.run(["chattr", "-i", str(warehouse / "exports")])
        shutil.rmtree(shared, ignore_errors=True)

    request.addfinalizer(unlock)
    result = dg.materialize(
        [exports], resources={"warehouse": WarehouseResource(warehouse_dir=str(warehouse))}, raise_on_error=False
    )
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.message
    user = pwd.getpwuid(os.geteuid()).pw_name
    assert f"exports: {warehouse / 'exports'} cannot be written by user '{user}'" in message
    assert "owned by root:root with mode 0755" in message and "chown -R jamsostek:jamsostek" in message
    assert "PermissionError" not in message
