"""Exports (Parquet, Excel) and the coverage report written after a build."""

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from pipeline.outputs import exports, report
from pipeline.outputs.exports import EXPORTED_TABLES, WORKBOOK_SHEETS
from pipeline.outputs.labels import CODE_LABELS


def test_parquet_files_hold_every_mart_row(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    for table in EXPORTED_TABLES:
        path = folder / "exports" / "parquet" / f"{table.replace('.', '_')}.parquet"
        [(exported,)] = duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()
        assert exported == con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_excel_workbook_has_a_readable_sheet_per_mart_an_analyst_opens(demo_warehouse):
    folder, _ = demo_warehouse
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    assert book.sheet_names == [exports.SHEET_NAMES[s.table] for s in WORKBOOK_SHEETS]
    assert "funding_overlaps" not in book.sheet_names  # worker-level rows are for the funders' csv files, not Excel
    progress = book.get_sheet_by_name("Target").to_python()
    header = progress[0]
    assert header[:3] == ["ID target", "Kode wilayah", "Wilayah"]
    labels = {row[header.index("Keterangan status")] for row in progress[1:]}
    assert {"Tercapai", "Tidak tercapai"} <= labels
    coverage = book.get_sheet_by_name("Cakupan").to_python()
    assert "Penerima Upah" in {row[coverage[0].index("Nama segmen")] for row in coverage[1:]}


def test_every_workbook_heading_is_indonesian(demo):
    """Every column of every sheet has its Indonesian heading: a new mart column without one fails here."""
    con, _ = demo
    missing = {
        name
        for sheet in WORKBOOK_SHEETS
        for name, *_ in con.execute(f"DESCRIBE {sheet.query}").fetchall()
        if name not in exports.HEADINGS
    }
    assert not missing


def test_report_shows_every_target_in_indonesian(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    page = (folder / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    targets = [t for (t,) in con.execute("SELECT target_id FROM marts.target_progress").fetchall()]
    assert all(f"<h3>{t}</h3>" in page for t in targets)
    assert "Tercapai" in page and "Tidak tercapai" in page and "Perbandingan kabupaten/kota" in page
    # One figure per target, one per province and two maps (Indonesia, Jawa Timur), drawn in the browser; no PNG and
    # nothing loaded from the network.
    assert len(re.findall(r'<figure id="chart-', page)) == len(targets) + 1 + 2
    assert "data:image/png" not in page and not list((folder / "report").glob("*.png"))
    assert not re.search(r"<script[^>]+src=|https://cdn", page)


def test_a_sheet_longer_than_excel_allows_continues_and_an_empty_mart_keeps_its_header(
    demo_warehouse, demo, tmp_path, monkeypatch
):
    folder, _ = demo_warehouse
    con, _ = demo
    copy = tmp_path / "jamsostek.duckdb"
    shutil.copy(folder / "jamsostek.duckdb", copy)
    with duckdb.connect(str(copy)) as edited:
        edited.execute("DELETE FROM marts.vulnerable_workers")
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 2001)  # 2,000 rows and the header on a sheet
    with duckdb.connect(str(copy), read_only=True) as copied:
        book = CalamineWorkbook.from_path(str(exports.export_excel(copied, tmp_path / "marts.xlsx")))
    parts = [n for n in book.sheet_names if n.startswith("Cakupan") and n != "Cakupan UCJ"]
    assert parts == ["Cakupan", "Cakupan (2)", "Cakupan (3)"]
    sheets = [book.get_sheet_by_name(n).to_python() for n in parts]
    assert all(sheet[0][:2] == ["Bulan", "Kode wilayah"] for sheet in sheets)
    # The latest 25 months at every level: what an analyst compares month on month and year on year.
    [(expected, months)] = con.execute(
        "SELECT count(*), count(DISTINCT period) FROM marts.coverage WHERE period >= (SELECT max(period) FROM marts.coverage) - INTERVAL 24 MONTH"
    ).fetchall()
    assert months == 25 and [len(s) - 1 for s in sheets] == [2000, 2000, expected - 4000]
    assert book.get_sheet_by_name("Pekerja rentan").to_python()[0][:2] == ["Bulan", "Kode wilayah"]


def test_vulnerable_workers_sheet_is_by_region_and_funding_source(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    sheet = (
        CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
        .get_sheet_by_name("Pekerja rentan")
        .to_python()
    )
    header = sheet[0]
    assert "occupation" not in {exports.HEADINGS.get(h, h) for h in header} and "Worker key" not in header
    # Every row is the mart's all-occupations row of its month, region and funder, figure for figure (the sheet once
    # added the ALL row to the single occupations and doubled every figure).
    mart = {
        (period, region, funder): (insured, new, ended, contribution)
        for period, region, funder, insured, new, ended, contribution in con.execute(
            "SELECT period, region_code, funding_source, insured_workers, new_workers, ended_workers, contribution_idr "
            "FROM marts.vulnerable_workers WHERE occupation = 'ALL'"
        ).fetchall()
    }
    column = {
        name: header.index(exports.HEADINGS[name]) for name in exports.HEADINGS if exports.HEADINGS[name] in header
    }
    shown = {
        (r[column["period"]], r[column["region_code"]], r[column["funding_source"]]): tuple(
            r[column[name]] for name in ("insured_workers", "new_workers", "ended_workers", "contribution_idr")
        )
        for r in sheet[1:]
    }
    assert len(shown) == len(sheet) - 1 and shown
    for key, figures in shown.items():
        period, region, funder = key
        assert figures == mart[(period.date() if hasattr(period, "date") else period, region, funder)], key


def test_each_funding_source_gets_its_double_payments_as_csv_row_for_row(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    columns = [name for name, *_ in con.execute("DESCRIBE marts.funding_overlaps").fetchall()]
    for source in exports.FUNDING_SOURCES:
        path = folder / "exports" / "funding_overlaps" / f"{source}.csv"
        written = duckdb.sql(f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true)")
        assert written.columns == columns
        expected = con.execute(
            f"SELECT {', '.join(f'{c}::VARCHAR' for c in columns)} FROM marts.funding_overlaps "
            "WHERE list_contains(string_split(funding_sources, ','), ?)",
            [source],
        ).fetchall()
        assert sorted(written.fetchall(), key=str) == sorted(expected, key=str), source
    [(overlaps,)] = con.execute("SELECT count(*) FROM marts.funding_overlaps").fetchall()
    assert overlaps > 0


def test_every_parquet_file_is_its_mart_row_for_row(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    for table in EXPORTED_TABLES:
        path = folder / "exports" / "parquet" / f"{table.replace('.', '_')}.parquet"
        for query in (
            f"SELECT * FROM read_parquet('{path}') EXCEPT ALL SELECT * FROM {table}",
            f"SELECT * FROM {table} EXCEPT ALL SELECT * FROM read_parquet('{path}')",
        ):
            assert con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0] == 0, table


def _figure(value):
    """A mart value or a workbook cell, as one comparable figure: dates as dates, numbers rounded, empty as None."""
    if value is None or value == "" or value != value:
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return round(float(value), 6)
    return value


def _in_unit(text):
    """'31,18%' -> (31.18, 0.005); '28.000' -> (28000, 0.5): the figure and how far rounding may have moved it."""
    if text in (None, ""):
        return None
    if text.endswith("%"):
        return float(text[:-1].replace(",", ".")), 0.005
    return float(text.replace(".", "")), 0.5


def test_every_workbook_sheet_holds_its_marts_rows_figure_for_figure(demo_warehouse, demo):
    """Each sheet against the query it claims to show, at its own grain: every row, every column, every label, and a
    figure written in its unit within its rounding (the "Pekerja rentan" sheet once doubled every figure)."""
    folder, _ = demo_warehouse
    con, _ = demo
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    for sheet in WORKBOOK_SHEETS:
        cursor = con.execute(sheet.query)
        names = [d[0] for d in cursor.description]
        mart_rows = cursor.fetchall()
        shown = book.get_sheet_by_name(exports.SHEET_NAMES[sheet.table]).to_python()
        header, cells = shown[0], shown[1:]
        assert len(cells) == len(mart_rows) and mart_rows, sheet.table
        column = {name: header.index(exports._heading(sheet.table, name)) for name in names}
        units = [n for n in names if n in exports.METRIC_UNIT_COLUMNS and "metric" in names]

        def by_plain_columns(row, names=names, units=units):
            return tuple(str(v) for n, v in zip(names, row) if n not in units)

        expected = sorted(([_figure(v) for v in row] for row in mart_rows), key=by_plain_columns)
        got = sorted(([_figure(row[column[n]]) for n in names] for row in cells), key=by_plain_columns)
        for mart_row, sheet_row in zip(expected, got):
            for name, value, cell in zip(names, mart_row, sheet_row):
                if name in units:
                    parsed = _in_unit(cell)
                    assert (value is None) == (parsed is None), (sheet.table, name)
                    if parsed:
                        assert abs(parsed[0] - value) <= parsed[1] + 1e-9, (sheet.table, name, value, cell)
                else:
                    assert value == cell, (sheet.table, name, value, cell)
        # Every label beside a code is that code's Indonesian label.
        for name in set(names) & set(CODE_LABELS):
            label = header.index(exports._heading(sheet.table, f"{name}_label"))
            for row in cells:
                code = row[column[name]]
                assert row[label] == CODE_LABELS[name].get(code, code), (sheet.table, name, code)


def test_no_code_or_english_word_is_left_where_the_workbook_has_a_label(demo_warehouse):
    folder, _ = demo_warehouse
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    for name in book.sheet_names:
        header, *rows = book.get_sheet_by_name(name).to_python()
        for heading in header:
            assert not re.search(r"[a-z]_[a-z]", heading), heading  # a column name left untranslated
        for row in rows:
            for heading, cell in zip(header, row):
                if heading.endswith("(nama)") or heading in ("Keterangan status", "Nama segmen"):
                    assert cell == "" or not re.fullmatch(r"[a-z_]+", str(cell)), (name, heading, cell)


def test_years_chances_and_mixed_units_have_their_own_formats(demo_warehouse):
    import zipfile

    folder, _ = demo_warehouse
    with zipfile.ZipFile(folder / "exports" / "jamsostek_marts.xlsx") as workbook:
        styles = workbook.read("xl/styles.xml").decode()
    assert 'formatCode="0%"' in styles and 'formatCode="0"' in styles  # a chance as 57%, a year as 2024
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    header, *rows = book.get_sheet_by_name("Target").to_python()
    values = {(r[header.index("Ukuran")], r[header.index("Nilai target")]) for r in rows}
    assert ("coverage_pct", "31,00%") in values and ("active_participants", "28.000") in values


def test_overlap_csv_text_never_runs_as_a_formula(demo_warehouse, tmp_path):
    folder, _ = demo_warehouse
    copy = tmp_path / "jamsostek.duckdb"
    shutil.copy(folder / "jamsostek.duckdb", copy)
    with duckdb.connect(str(copy)) as edited:
        edited.execute(
            "UPDATE marts.funding_overlaps SET region_name = '=HYPERLINK(\"http://x\")' WHERE funding_sources LIKE '%APBD%'"
        )
    with duckdb.connect(str(copy), read_only=True) as copied:
        [apbd, *_] = exports.export_overlaps(copied, tmp_path / "overlaps")
    text = apbd.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_outputs_whose_tables_did_not_change_are_not_written_again(demo_warehouse, tmp_path):
    folder, _ = demo_warehouse
    copy = tmp_path / "jamsostek.duckdb"
    shutil.copy(folder / "jamsostek.duckdb", copy)
    first = exports.export_all(copy, tmp_path / "exports", "code-1")
    assert first.written and not first.unchanged
    again = exports.export_all(copy, tmp_path / "exports", "code-1")
    assert not again.written and sorted(again.unchanged) == sorted(first.written)
    with duckdb.connect(str(copy)) as edited:
        edited.execute("UPDATE marts.target_plan SET funded_workers = funded_workers + 1")
    changed = exports.export_all(copy, tmp_path / "exports", "code-1")
    assert sorted(p.name for p in changed.written) == ["jamsostek_marts.xlsx", "marts_target_plan.parquet"]
    (tmp_path / "exports" / "funding_overlaps" / "CSR.csv").unlink()  # a file gone is written again
    assert [p.name for p in exports.export_all(copy, tmp_path / "exports", "code-1").written] == [
        "APBD.csv",
        "DBHCHT.csv",
        "CSR.csv",
    ]
    # New code that writes them (a label in outputs/labels.py is in the exports' code version) rewrites all.
    assert sorted(exports.export_all(copy, tmp_path / "exports", "code-2").written) == sorted(first.written)


def test_the_exports_code_version_covers_the_labels_they_use():
    from pipeline.defs.metadata import python_closure

    closure = {p.name for p in python_closure("pipeline.outputs.exports")}
    assert {"exports.py", "labels.py", "formats.py"} <= closure


def test_each_chart_shows_the_mart_rows_it_claims(demo_warehouse, tmp_path):
    """The data of every chart equals the mart rows it names, and a target's chart ends at the value its table gives:
    a funder's target is drawn from its insured workers, not the region's whole BPU participation."""
    folder, _ = demo_warehouse
    written = report.write_report(folder / "jamsostek.duckdb", tmp_path / "report")
    assert not written.failures and written.charts
    with duckdb.connect(str(folder / "jamsostek.duckdb"), read_only=True) as con:
        for chart in written.charts:
            rows = con.execute(chart.query, chart.parameters).fetchdf()
            name = "realisasi" if chart.key.startswith("target:") else "cakupan"
            drawn = report.chart_rows(chart.spec, name)
            assert len(drawn) == len(rows), chart.key
            for column in ("value", "coverage_pct", "active_participants"):
                if column in rows:
                    assert [d[column] for d in drawn] == pytest.approx(rows[column].tolist()), (chart.key, column)
            assert [d["period"] for d in drawn] == [f"{p:%Y-%m-%d}" for p in rows["period"]], chart.key
            if chart.key.startswith("target:"):
                target_id = chart.key.split(":", 1)[1]
                [(current, as_of)] = con.execute(
                    "SELECT current_value, as_of FROM marts.target_progress WHERE target_id = ?", [target_id]
                ).fetchall()
                assert (drawn[-1]["value"], drawn[-1]["period"]) == (pytest.approx(current), f"{as_of:%Y-%m-%d}"), (
                    target_id
                )
        funder = {c.key: c for c in written.charts}["target:PSR-DBHCHT-2024"]
        assert report.chart_rows(funder.spec, "realisasi")[-1]["value"] == 9_214


def test_charts_are_valid_vega_lite_with_indonesian_formats(demo_warehouse, tmp_path):
    import altair as alt

    folder, _ = demo_warehouse
    written = report.write_report(folder / "jamsostek.duckdb", tmp_path / "report")
    for chart in written.charts:
        alt.Chart.from_dict(chart.spec) if "layer" not in chart.spec else alt.LayerChart.from_dict(chart.spec)
    page = written.page.read_text(encoding="utf-8")
    assert '"decimal": ","' in page and '"thousands": "."' in page and '"Agustus"' in page


def test_report_checks_statements_and_sets_denominators_side_by_side(demo_warehouse):
    folder, _ = demo_warehouse
    page = (folder / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    assert "Pemeriksaan pernyataan publik" in page and "BALI-2025-03-31" in page
    assert "Aritmetika: 935.079 dari 1.873.899 adalah 49,90%, bukan 50,88% seperti disebut" in page
    assert "Penyebut berdampingan" in page and "86.788" in page and "38,90%" in page and "29,14%" in page
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    statements = book.get_sheet_by_name("Pemeriksaan pernyataan").to_python()
    assert "Temuan" in statements[0] and len(statements) == 6


def test_a_chart_that_fails_is_reported_and_the_rest_is_written(demo_warehouse, tmp_path, monkeypatch):
    folder, _ = demo_warehouse
    real_chart = report.target_chart

    def fragile(con, target):
        if target["target_id"] == "PSR-2022-70PCT":
            raise ValueError("odd data")
        return real_chart(con, target)

    monkeypatch.setattr(report, "target_chart", fragile)
    written = report.write_report(folder / "jamsostek.duckdb", tmp_path / "report")
    assert written.failures == ["target 'PSR-2022-70PCT': chart failed: ValueError: odd data"]
    page = written.page.read_text(encoding="utf-8")
    assert "<h3>PSR-2022-70PCT</h3>" in page  # its figures are still shown, without the chart
    keys = {c.key for c in written.charts}
    assert "target:PSR-2021-PLUS10" in keys and "target:PSR-2022-70PCT" not in keys


def test_the_report_draws_every_chart_offline_in_a_browser(demo_warehouse, tmp_path):
    """Opened from file:// in Debian's chromium with every request off the page refused: each figure gets its
    drawing, none says it failed, and a tooltip-able mark carries id-ID numbers."""
    from tests.test_ui import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it in CI)")
    from playwright.sync_api import sync_playwright

    folder, _ = demo_warehouse
    written = report.write_report(folder / "jamsostek.duckdb", tmp_path / "report")
    outside = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file://")
                else (outside.append(route.request.url), route.abort())
            ),
        )
        page.goto(written.page.as_uri())
        figures = len(written.charts) + len(written.maps)
        page.wait_for_function(
            f"document.querySelectorAll('figure svg, figure canvas').length >= {figures}", timeout=30_000
        )
        assert not [t for t in page.locator("figure").all_inner_texts() if "tidak dapat digambar" in t]
        axis_labels = page.locator("figure svg text").all_text_contents()
        # Each map draws a shape per region it has (the page filled in the shapes): Jawa Timur's 37 kab/kota.
        jatim = page.locator(f"#{report.Chart('', 'map:35', {}, '').element_id} svg path")
        assert jatim.count() >= 37
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(f"#{report.Chart('', 'map:35', {}, '').element_id}").screenshot(
            path=ARTIFACTS / "peta_jawa_timur.png"
        )
        browser.close()
    assert not outside
    assert any("." in label and label.replace(".", "").isdigit() for label in axis_labels)  # 25.000: dot thousands


def test_display_labels_are_not_the_synonyms_files_are_read_with(monkeypatch):
    """Rewording a label for people (the PMI label once rejected 914 participation rows) never changes reading."""
    from pipeline.defs.metadata import python_closure
    from pipeline.outputs import labels
    from pipeline.parse.segments import parse_segment

    for reader in ("pipeline.parse.segments", "pipeline.sources.participation", "pipeline.read.headers"):
        assert "labels.py" not in {p.name for p in python_closure(reader)}, reader
    monkeypatch.setitem(labels.SEGMENT_LABELS, "PMI", "Pekerja migran (PMI)")
    assert parse_segment("Pekerja Migran Indonesia") == "PMI" and parse_segment("PMI") == "PMI"


def test_every_workbook_column_has_an_indonesian_note(demo):
    """The note on each heading is for a reader of the workbook: Indonesian, and one for every column."""
    from pipeline.outputs.notes import note

    con, _ = demo
    missing = {
        (sheet.table, name)
        for sheet in WORKBOOK_SHEETS
        for name, *_ in con.execute(f"DESCRIBE {sheet.query}").fetchall()
        if not note(sheet.table, name)
    }
    assert not missing


def test_the_report_says_what_each_target_counts_and_offers_only_offline_chart_actions(demo_warehouse):
    folder, _ = demo_warehouse
    page = (folder / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    # A funder's target counts the workers its rosters insure, and says who pays: not all BPU participants.
    assert "Pekerja rentan yang iurannya dibayar DBHCHT di Kota Pasuruan" in page
    # Every rupiah figure of an open target has its basis beside it; a wage earners' target is left uncosted, saying why.
    assert page.count("Dasar perhitungan iuran") >= 3 and "bukan belanja daerah" in page
    # The chart menu offers saving the picture (works offline), in Indonesian; never the online editor.
    assert '"editor": false' in page and '"PNG_ACTION": "Simpan sebagai PNG"' in page
    # Two coverages, two names: of BPS employed persons, and UCJ coverage of potential workers.
    assert "Cakupan thd penduduk bekerja BPS" in page and "Cakupan UCJ (thd pekerja potensial)" in page
