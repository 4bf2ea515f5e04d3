"""The coverage-versus-target report: PNG charts (matplotlib, no browser) and one self-contained HTML file.

For each target: its trajectory, the target line, the deadline, the projection from the latest month, and its
status. For each province: its kab/kota side by side. Labels are in Indonesian, as analysts read them.

A chart is drawn again only when the figures it shows changed (or the report code did): each PNG's inputs are
fingerprinted in `<report>/.charts.json`, and an unchanged chart is taken from its file.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")  # render to files; no display, no browser
import matplotlib.pyplot as plt  # noqa: E402

from pipeline.outputs.exports import STATUS_LABELS  # noqa: E402
from pipeline.outputs.filenames import output_file, safe_name  # noqa: E402
from pipeline.parse.segments import SEGMENT_LABELS  # noqa: E402

STATUS_COLOURS = {"achieved": "#2e7d32", "missed": "#c62828", "on_track": "#2e7d32", "at_risk": "#ef6c00", "off_track": "#c62828", "no_data": "#757575"}
SEGMENT_NAMES = SEGMENT_LABELS | {"ALL": "Semua segmen"}
DENOMINATOR_NAMES = {"bps_employed": "penduduk bekerja (BPS)", "potential": "pekerja potensial", "other": "lainnya"}
log = logging.getLogger(__name__)
REPORT_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


class ChartCache:
    """PNG files of the last report with the fingerprint of what each one showed."""

    def __init__(self, folder: Path):
        self.folder, self.path = folder, folder / ".charts.json"
        self.known = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.drawn, self.reused = 0, 0

    def chart(self, title: str, file_name: str, inputs: object, draw) -> "Chart":
        """The chart `draw()` makes from `inputs`, or the file already made from the same inputs."""
        fingerprint = hashlib.sha256(f"{REPORT_CODE}|{inputs!r}".encode()).hexdigest()[:16]
        path = output_file(self.folder, file_name, "")
        if self.known.get(file_name) == fingerprint and path.exists():
            self.reused += 1
            return Chart(title, file_name, path.read_bytes(), drawn=False)
        self.drawn += 1
        chart = Chart(title, file_name, _png(draw()))
        self.known[file_name] = fingerprint
        return chart

    def save(self) -> None:
        partial = self.path.with_name(f".{self.path.name}.tmp")
        partial.write_text(json.dumps(self.known, indent=1, sort_keys=True))
        os.replace(partial, self.path)


@dataclass
class Chart:
    title: str
    file_name: str  # built with filenames.safe_name: titles come from raw files (target_id)
    png: bytes
    drawn: bool = True  # False: unchanged since the last report, taken from its file


@dataclass
class Report:
    page: Path
    charts: list[Chart]
    failures: list[str] = field(default_factory=list)  # one line per chart or section that could not be made
    drawn: int = 0  # charts drawn in this run; the others were unchanged


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def target_chart(con: duckdb.DuckDBPyConnection, target: dict, cache: ChartCache) -> Chart:
    column = "coverage_pct" if target["metric"] == "coverage_pct" else "active_participants"
    series = con.execute(
        f"SELECT period, {column} FROM marts.coverage WHERE region_code = ? AND segment = ? AND {column} IS NOT NULL ORDER BY period",
        [target["region_code"], target["segment"]],
    ).fetchall()
    inputs = (sorted(target.items()), series)
    return cache.chart(target["target_id"], f"target_{safe_name(target['target_id'])}.png", inputs, lambda: _target_figure(target, series))


def _target_figure(target: dict, series: list[tuple]):
    figure, axis = plt.subplots(figsize=(7, 3.4))
    try:
        if series:
            axis.plot([p for p, _ in series], [v for _, v in series], color="#1565c0", label="Realisasi")
        deadline = target["deadline"]
        axis.axhline(target["target_value"], color="#6a1b9a", linestyle=":", label=f"Target {_number(target['target_value'], target['metric'])}")
        axis.axvline(deadline, color="#616161", linestyle="--", linewidth=1, label=f"Tenggat {deadline:%m/%Y}")
        if target["projected_at_deadline"] == target["projected_at_deadline"] and target["months_remaining"] and target["as_of"] is not None:
            axis.plot([target["as_of"], deadline], [target["current_value"], target["projected_at_deadline"]], color="#1565c0",
                      linestyle="--", alpha=0.6, label="Proyeksi")  # fmt: skip
        if _known(target["trend_low_80"]) and target["as_of"] is not None:
            axis.fill_between([target["as_of"], deadline], [target["current_value"], target["trend_low_80"]],
                              [target["current_value"], target["trend_high_80"]], color="#1565c0", alpha=0.12, label="Rentang tren 80%")  # fmt: skip
        status = target["status"]
        axis.set_title(
            f"{target['region_name']} · {SEGMENT_NAMES[target['segment']]} · {STATUS_LABELS[status]}", color=STATUS_COLOURS[status], fontsize=10
        )
        axis.set_ylabel("Cakupan (%)" if target["metric"] == "coverage_pct" else "Peserta aktif")
        axis.legend(fontsize=7, loc="upper left")
        axis.grid(alpha=0.3)
        return figure
    except Exception:
        plt.close(figure)
        raise


def province_charts(con: duckdb.DuckDBPyConnection, cache: ChartCache) -> list[Chart]:
    """Latest ALL-segment coverage of every kab/kota, side by side within each province that has any."""
    rows = con.execute(
        """
        WITH latest AS (
            SELECT province_code, max(period) AS period FROM marts.coverage
            WHERE region_level IN ('regency', 'city') AND segment = 'ALL' AND coverage_pct IS NOT NULL GROUP BY province_code
        )
        SELECT c.province_code, p.region_name AS province_name, c.period, c.region_name, c.coverage_pct
        FROM marts.coverage c JOIN latest USING (province_code, period) JOIN ref.regions p ON p.region_code = c.province_code
        WHERE c.region_level IN ('regency', 'city') AND c.segment = 'ALL' AND c.coverage_pct IS NOT NULL
        ORDER BY c.province_code, c.coverage_pct DESC
        """
    ).fetchall()
    charts = []
    for province_code in dict.fromkeys(r[0] for r in rows):
        regions = [r for r in rows if r[0] == province_code]
        charts.append(cache.chart(f"province_{province_code}", f"province_{safe_name(province_code)}.png", regions,
                                  lambda: _province_figure(regions)))  # fmt: skip
    return charts


def _province_figure(regions: list[tuple]):
    figure, axis = plt.subplots(figsize=(7, 0.25 * len(regions) + 1.2))
    names = [r[3].replace("Kabupaten ", "Kab. ") for r in regions]
    axis.barh(names[::-1], [r[4] for r in regions][::-1], color="#1565c0")
    axis.set_xlabel("Cakupan semua segmen (% penduduk bekerja)")
    axis.set_title(f"{regions[0][1]} · {regions[0][2]:%m/%Y}", fontsize=10)
    axis.tick_params(axis="y", labelsize=7)
    axis.grid(axis="x", alpha=0.3)
    return figure


def target_section(target: dict, chart: Chart | None) -> str:
    rows = [
        ("Wilayah", target["region_name"]),
        ("Segmen", SEGMENT_NAMES[target["segment"]]),
        ("Target", f"{_number(target['target_value'], target['metric'])} pada {target['deadline']:%m/%Y}"),
        ("Nilai terkini", f"{_number(target['current_value'], target['metric'])} ({_month(target['as_of'])})"),
        ("Proyeksi pada tenggat", _number(target["projected_at_deadline"], target["metric"])),
        ("Status", STATUS_LABELS[target["status"]]),
        ("Peluang tercapai (tren 12 bulan)", _percent(target["probability_reaching"])),
        ("Rentang tren 80% pada tenggat", f"{_number(target['trend_low_80'], target['metric'])} sampai {_number(target['trend_high_80'], target['metric'])}"
         if _known(target["trend_low_80"]) else "-"),
        ("Peserta yang masih dibutuhkan", _number(target["participants_needed"], "count")),
        ("Tambahan per bulan: dibutuhkan / laju sekarang",
         f"{_number(target['required_monthly_participants'], 'count')} / {_number(target['recent_monthly_participants'], 'count')}"),
        ("Iuran BPU JKK+JKM jika kekurangan ditutup sampai tenggat", _rupiah(target["cost_to_deadline_idr"])),
        ("Iuran setahun setelah tenggat", _rupiah(target["cost_year_after_deadline_idr"])),
    ]
    if target["funding_source"]:
        rows += [("Iuran terutang sejauh ini", _rupiah(target["committed_idr"])), ("Anggaran", _rupiah(target["budget_idr"])),
                 ("Sisa anggaran", _rupiah(target["budget_remaining_idr"]))]  # fmt: skip
    rows.append(("Sumber target", target["source"]))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<section><h3>{html.escape(target['target_id'])}</h3><table>{table}</table>{_img(chart) if chart else ''}</section>"


def statements_section(con: duckdb.DuckDBPyConnection) -> str:
    """Every published statement beside what the warehouse recomputes, with its verdict."""
    rows = con.execute(
        "SELECT statement_id, region_name, coalesce(stated_as_of, strftime(period, '%Y-%m')), segment, stated_participants, "
        "stated_denominator, denominator_kind, stated_coverage_pct, recomputed_pct, warehouse_participants, warehouse_coverage_pct, "
        "problem_count, verdict, not_checked, source FROM marts.statement_checks ORDER BY period, statement_id"
    ).fetchall()
    if not rows:
        return "<p>Belum ada pernyataan publik di folder <code>statements/</code>.</p>"
    header = ["Pernyataan", "Wilayah", "Per", "Segmen", "Peserta", "Penyebut", "Jenis penyebut", "Cakupan disebut", "Dihitung ulang",
              "Peserta (gudang data)", "Cakupan BPS (gudang data)", "Temuan dan sumber"]  # fmt: skip
    body = []
    for (sid, region, as_of, segment, participants, denominator, kind, stated, recomputed, wh_participants, wh_pct,
         problems, verdict, unchecked, source) in rows:  # fmt: skip
        finding = verdict + (f" Tidak diperiksa: {unchecked}." if unchecked else "")
        cells = [sid, region, as_of, SEGMENT_NAMES[segment], _number(participants, "count"), _number(denominator, "count"),
                 DENOMINATOR_NAMES.get(kind, "tidak disebut"), _number(stated, "coverage_pct", 2), _number(recomputed, "coverage_pct", 2),
                 _number(wh_participants, "count"), _number(wh_pct, "coverage_pct", 2)]  # fmt: skip
        style = ' class="problem"' if problems else ""
        cells_html = "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
        body.append(f"<tr{style}>{cells_html}<td>{html.escape(finding)}<br><small>Sumber: {html.escape(source)}</small></td></tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return f"<table class=\"wide statements\"><tr>{head}</tr>{''.join(body)}</table>"


def denominators_section(con: duckdb.DuckDBPyConnection) -> str:
    """Coverage against BPS and against a potential / UCJ denominator side by side, latest month of each region."""
    rows = con.execute(
        """
        SELECT region_name, period, segment, active_participants, bps_coverage_pct, workforce, coverage_pct, bps_employed,
               exceeds_bps_employed, denominator_source
        FROM marts.coverage_potential
        QUALIFY period = max(period) OVER (PARTITION BY region_code, segment)
        ORDER BY region_code, segment
        """
    ).fetchall()
    if not rows:
        return "<p>Tidak ada penyebut potensi di folder <code>potential/</code>.</p>"
    header = ["Wilayah", "Bulan", "Segmen", "Peserta aktif", "Cakupan (BPS)", "Penyebut potensi/UCJ", "Cakupan (potensi/UCJ)",
              "Penduduk bekerja (BPS)", "Sumber penyebut"]  # fmt: skip
    body = []
    for region, period, segment, participants, bps_pct, potential, pct, employed, exceeds, source in rows:
        cells = [region, _month(period), SEGMENT_NAMES[segment], _number(participants, "count"), _number(bps_pct, "coverage_pct"),
                 _number(potential, "count"), _number(pct, "coverage_pct") + (" (penyebut > penduduk bekerja)" if exceeds else ""),
                 _number(employed, "count"), source]  # fmt: skip
        body.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return f"<table class=\"wide\"><tr>{head}</tr>{''.join(body)}</table>"


def write_report(analyst_file: Path, folder: Path) -> Report:
    """Write target and province PNGs and laporan_cakupan.html (charts embedded) into `folder`.

    A chart or section that cannot be made (one target's odd data) is listed in `Report.failures` and left out;
    the rest of the report is still written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    sections, charts = [], []
    cache = ChartCache(folder)
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        targets = con.execute("SELECT * FROM marts.target_progress ORDER BY target_id").fetchdf().to_dict("records")
        for target in targets:
            chart = _attempt(failures, f"target {target['target_id']!r}: chart", lambda: target_chart(con, target, cache))
            section = _attempt(failures, f"target {target['target_id']!r}: section", lambda: target_section(target, chart))
            charts += [chart] if chart else []
            sections += [section] if section else []
        provinces = _attempt(failures, "province charts", lambda: province_charts(con, cache)) or []
        statements = _attempt(failures, "statements section", lambda: statements_section(con)) or ""
        denominators = _attempt(failures, "denominators section", lambda: denominators_section(con)) or ""
    finally:
        con.close()
    for chart in charts + provinces:
        if chart.drawn:
            _attempt(failures, f"{chart.file_name}: write", lambda: output_file(folder, chart.file_name, "").write_bytes(chart.png))
    cache.save()
    comparison = "".join(_img(chart) for chart in provinces)
    page = f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Laporan cakupan Jamsostek</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}} table{{border-collapse:collapse}} th,td{{text-align:left;padding:2px 8px;border-bottom:1px solid #ddd;vertical-align:top}} img{{max-width:100%}} table.wide{{font-size:75%}} table.statements td:last-child{{min-width:18em}} tr.problem td{{background:#fdecea}}</style>
</head><body>
<h1>Laporan cakupan jaminan sosial ketenagakerjaan</h1>
<p>Dibuat {dt.datetime.now():%d/%m/%Y %H:%M} dari {html.escape(analyst_file.name)}. Status diukur terhadap bulan data terakhir.</p>
<h2>Target</h2>{''.join(sections)}
<h2>Pemeriksaan pernyataan publik</h2>
<p>Setiap pernyataan dihitung ulang dan dibandingkan dengan gudang data dan BPS sebelum dikutip ulang.</p>{statements}
<h2>Penyebut berdampingan</h2>
<p>Cakupan terhadap penduduk bekerja BPS dan terhadap penyebut potensi/UCJ yang dipakai pernyataan resmi.</p>{denominators}
<h2>Perbandingan kabupaten/kota</h2>{comparison}
</body></html>"""
    target = folder / "laporan_cakupan.html"
    partial = target.with_name(f".{target.name}.tmp")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)
    return Report(target, charts + provinces, failures, cache.drawn)


def _attempt(failures: list[str], what: str, make):
    """Run one piece of the report; a failure is recorded (and logged) instead of stopping the others."""
    try:
        return make()
    except Exception as error:  # one odd target must not cost the analysts the whole report
        log.warning("report: %s failed: %s", what, error)
        failures.append(f"{what} failed: {type(error).__name__}: {error}")
        return None


def _img(chart: Chart) -> str:
    return f'<img alt="{html.escape(chart.title)}" src="data:image/png;base64,{base64.b64encode(chart.png).decode()}">'


def _number(value, metric: str, decimals: int = 1) -> str:
    if value is None or value != value:
        return "-"
    if metric == "coverage_pct":
        return f"{value:.{decimals}f}%".replace(".", ",")
    return f"{value:,.0f}".replace(",", ".")


def _known(value) -> bool:
    return value is not None and value == value


def _percent(value) -> str:
    return f"{100 * value:.0f}%" if _known(value) else "-"


def _rupiah(value) -> str:
    return "-" if not _known(value) else "Rp" + f"{value:,.0f}".replace(",", ".")


def _month(value) -> str:
    return "-" if value is None or value != value else f"{value:%m/%Y}"
