"""Hostile and odd input that cannot be a small committed corpus file: zip bombs, gigabyte files, links out of the
raw folder, formula and markup text travelling to the exports and the report, two builds at once, a changed PII key.

The committed corpus (tests/corpus/cases.py) holds the rest: formula error cells, hidden sheets, a hundred sheets, a
sheet used to its last row, non-ASCII file names, a target_id that is a path.
"""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest.engine import ingest_file
from pipeline.read.chunks import read_chunks
from pipeline.read.folders import file_hash
from pipeline.read.sheet import FileUnreadable
from pipeline.settings import PROJECT_ROOT
from pipeline.sources import SOURCES
from tests.conftest import DEMO_RAW, build, small_raw
from tests.corpus.cases import CORPUS

PARTICIPATION, ROSTERS = SOURCES["participation"], SOURCES["rentan"]

FORMULAS = ['=HYPERLINK("http://x","klik")', "@SUM(A1)", "+1", "-2+3 =cmd|' /C calc'!A0"]
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
ROSTER_HEADER = "NIK;Nama;Pekerjaan;Kabupaten/Kota;Sumber Dana;Program;Mulai;Selesai\n"


def zip_bomb(path: Path, expanded_mb: int = 120) -> Path:
    """An .xlsx whose sheet is `expanded_mb` of zeros: a few hundred kB on disk, honest sizes in its zip directory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"0" * (1 << 20)
            for _ in range(expanded_mb):
                sheet.write(block)
    return path


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, matcher, synonyms):
    folder = tmp_path / "participation"
    folder.mkdir()
    bomb = zip_bomb(folder / "2024-01_laporan.xlsx")
    assert bomb.stat().st_size < 2 * 1024**2
    result = ingest_file(bomb, tmp_path, PARTICIPATION, synonyms, matcher)
    assert result.status == "failed" and "2024-01_laporan.xlsx" in result.error and "zip bomb" in result.error
    with pytest.raises(FileUnreadable, match="zip bomb"):
        next(read_chunks(bomb, ROSTERS.table, synonyms))  # the roster path opens workbooks the same way


PEAK_RSS = """
import resource, sys
from pathlib import Path
from pipeline.ingest.engine import ingest_file
from pipeline.parse.regions import RegionMatcher
from pipeline.read.chunks import read_chunks
from pipeline.read.sheet import FileUnreadable
from pipeline.read.headers import HeaderSynonyms
from pipeline.sources import SOURCES
PARTICIPATION, ROSTERS = SOURCES["participation"], SOURCES["rentan"]
from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR
path, source = Path(sys.argv[1]), sys.argv[2]
synonyms = HeaderSynonyms.from_file(HEADER_SYNONYMS)
print("BASE_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
if source == "rentan":
    try:
        next(read_chunks(path, ROSTERS.table, synonyms))
        print("READ")
    except FileUnreadable as error:
        print("REFUSED", error)
else:
    result = ingest_file(path, path.parents[1], PARTICIPATION, synonyms, RegionMatcher.from_reference(REFERENCE_DIR))
    print("REFUSED" if result.status == "failed" else "READ", result.error)
print("PEAK_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.parametrize("source", ["participation", "rentan"])
def test_a_csv_of_gigabytes_with_one_endless_line_is_refused_in_little_memory(tmp_path, source):
    # Two gigabytes: a header line, then one line with no end (a sparse file, so the disk holds almost nothing).
    path = tmp_path / "raw" / source / "2024-01_besar.csv"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as f:
        f.write(ROSTER_HEADER.encode() if source == "rentan" else b"Kab/Kota,Segmen,Peserta Aktif\n")
        f.truncate(2 * 1024**3)
    out = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(path), source],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "\nREFUSED" in out.stdout and "2024-01_besar.csv" in out.stdout
    expected = "line 2 starts a row longer than 1 MB" if source == "rentan" else "too large for this kind of table"
    assert expected in out.stdout
    base, peak = (int(re.search(rf"{name} (\d+)", out.stdout).group(1)) for name in ("BASE_MB", "PEAK_MB"))
    # Beyond what the interpreter and its libraries take once imported (about 350 MB): far less than the file.
    assert peak - base < 250, f"peak RSS {peak} MB ({peak - base} MB above the imports) reading a 2 GB file"


def test_a_link_out_of_the_raw_folder_is_not_followed(tmp_path, matcher, synonyms):
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(DEMO_RAW / "participation" / "2021-09_kepesertaan_jatim.csv", outside)
    link = tmp_path / "raw" / "participation" / "2021-09_tautan.csv"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    assert file_hash(link, tmp_path / "raw").startswith("link:")  # named by its target, never read
    result = ingest_file(link, tmp_path / "raw", PARTICIPATION, synonyms, matcher)
    assert result.status == "failed" and result.rows_loaded == 0
    assert "2021-09_tautan.csv: a link to" in result.error and "outside the raw folder" in result.error


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """One build of a raw folder with formulas and markup in every text that reaches an output, and a link out."""
    root = tmp_path_factory.mktemp("hostile")
    raw = small_raw(root / "raw", ("2021-09_kepesertaan_jatim.csv",), ("workforce",))
    for source, name in (
        ("targets", "target_berbahaya.csv"),
        ("statements", "pernyataan_berbahaya.xlsx"),
        ("potential", "potensi_rumus.xlsx"),
    ):
        (raw / source).mkdir(exist_ok=True)
        shutil.copy(CORPUS / source / name, raw / source / name)
    (raw / "rentan").mkdir()
    (raw / "rentan" / "2024_apbd_kota_batu.csv").write_text(
        ROSTER_HEADER + f"3579014203850001;Sri;{FORMULAS[3]};Kota Batu;APBD Kota Batu;JKK+JKM;2024-01;2024-06\n"
        f"3579015505900002;Budi;{MARKUP[0]};Kota Batu;APBD Kota Batu;JKK+JKM;2024-01;2024-06\n",
        encoding="utf-8",
    )
    outside = root / "outside.csv"
    outside.write_text("Periode,Kab/Kota,Segmen,Peserta Aktif\n2021-10,Kota Batu,PU,1\n", encoding="utf-8")
    (raw / "participation" / "2021-10_tautan.csv").symlink_to(outside)
    before = {p for p in root.rglob("*")}
    old_key = os.environ.get("JAMSOSTEK_PII_KEY")
    os.environ["JAMSOSTEK_PII_KEY"] = "hostile-test-key"
    try:
        result, checks = build(raw, root / "warehouse")
    finally:
        os.environ.pop("JAMSOSTEK_PII_KEY") if old_key is None else os.environ.__setitem__("JAMSOSTEK_PII_KEY", old_key)
    written = {p for p in root.rglob("*")} - before
    return root, result, written


def test_nothing_is_written_outside_the_warehouse_folder(hostile_build):
    root, result, written = hostile_build
    assert result.success
    assert written and all(p.is_relative_to(root / "warehouse") for p in written), sorted(
        map(str, written - {root / "warehouse"})
    )
    assert not (root / "pwned.png").exists() and not (root.parent / "pwned.png").exists()
    con = duckdb.connect(str(root / "warehouse" / "jamsostek.duckdb"), read_only=True)
    try:
        ledger = dict(con.execute("SELECT file_path, error FROM dq.file_ledger WHERE status = 'failed'").fetchall())
        assert "outside the raw folder" in ledger["participation/2021-10_tautan.csv"]
        assert con.execute("SELECT count(*) FROM staging.participation WHERE period = '2021-10-01'").fetchone() == (0,)
        ids = {
            r[0]
            for r in con.execute(
                "SELECT value FROM dq.rejected_rows WHERE check_name = 'target_id_characters'"
            ).fetchall()
        }
        assert ids == {"../../pwned", "<b>x</b>", "=1+1"}
    finally:
        con.close()


def test_formula_text_reaches_the_workbook_as_text_never_as_a_formula(hostile_build):
    root, _, _ = hostile_build
    workbook = root / "warehouse" / "exports" / "jamsostek_marts.xlsx"
    with zipfile.ZipFile(workbook) as archive:
        sheets = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/sheet")}
    assert not any("<f>" in xml or "<f " in xml for xml in sheets.values())  # no cell is a formula
    text = "\n".join(sheets.values())
    # Target sources and denominators. (A roster's occupation is summed away in the workbook,
    # which holds vulnerable workers by region and funding source; it reaches the Parquet files as text.)
    for formula in FORMULAS[:3]:
        escaped = (
            formula.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&apos;")
        )
        assert formula in text or escaped in text, formula  # kept, as a string cell
    assert re.search(r't="inlineStr"><is><t[^>]*>=HYPERLINK', text)


def test_markup_reaches_the_report_escaped(hostile_build):
    root, _, _ = hostile_build
    page = (root / "warehouse" / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    for markup in MARKUP:
        assert markup not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # Only the page's own two scripts (the Vega bundle and the chart specifications, whose text cannot close its tag).
    assert page.count("<script") == 2 and page.count("</script>") == 2


# A changed PII key, with and without JAMSOSTEK_PII_REKEY=1: tests/test_sync.py, at the sync itself.


def test_two_runs_started_together_both_finish_and_the_second_says_it_waits(tmp_path):
    raw = small_raw(
        tmp_path / "raw", ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv"), ("workforce", "targets")
    )
    env = {
        **os.environ,
        "JAMSOSTEK_RAW_DIR": str(raw),
        "JAMSOSTEK_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli.run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert any("in use by another build" in out and "waiting up to" in out for out in outputs), outputs
    con = duckdb.connect(str(tmp_path / "warehouse" / "jamsostek.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM staging.participation").fetchone() == (304,)
    con.close()
