"""The coverage-versus-target report: PNG charts (matplotlib, no browser) and one self-contained HTML file.

For each target: its trajectory, the target line, the deadline, the projection from the latest month, and its
status. For each province: its kab/kota side by side. Labels are in Indonesian, as analysts read them.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")  # render to files; no display, no browser
import matplotlib.pyplot as plt  # noqa: E402

from pipeline.exports import STATUS_LABELS  # noqa: E402
from pipeline.segments import SEGMENT_LABELS  # noqa: E402

STATUS_COLOURS = {"achieved": "#2e7d32", "missed": "#c62828", "on_track": "#2e7d32", "at_risk": "#ef6c00", "off_track": "#c62828", "no_data": "#757575"}
SEGMENT_NAMES = SEGMENT_LABELS | {"ALL": "Semua segmen"}


@dataclass
class Chart:
    title: str
    png: bytes


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def target_charts(con: duckdb.DuckDBPyConnection) -> list[tuple[dict, Chart]]:
    targets = con.execute("SELECT * FROM marts.target_progress ORDER BY target_id").fetchdf().to_dict("records")
    charts = []
    for target in targets:
        column = "coverage_pct" if target["metric"] == "coverage_pct" else "active_participants"
        series = con.execute(
            f"SELECT period, {column} FROM marts.coverage WHERE region_code = ? AND segment = ? AND {column} IS NOT NULL ORDER BY period",
            [target["region_code"], target["segment"]],
        ).fetchall()
        figure, axis = plt.subplots(figsize=(7, 3.4))
        if series:
            axis.plot([p for p, _ in series], [v for _, v in series], color="#1565c0", label="Realisasi")
        deadline = target["deadline"]
        axis.axhline(target["target_value"], color="#6a1b9a", linestyle=":", label=f"Target {_number(target['target_value'], target['metric'])}")
        axis.axvline(deadline, color="#616161", linestyle="--", linewidth=1, label=f"Tenggat {deadline:%m/%Y}")
        if target["projected_at_deadline"] == target["projected_at_deadline"] and target["months_remaining"] and target["as_of"] is not None:
            axis.plot([target["as_of"], deadline], [target["current_value"], target["projected_at_deadline"]], color="#1565c0",
                      linestyle="--", alpha=0.6, label="Proyeksi")  # fmt: skip
        status = target["status"]
        axis.set_title(
            f"{target['region_name']} · {SEGMENT_NAMES[target['segment']]} · {STATUS_LABELS[status]}", color=STATUS_COLOURS[status], fontsize=10
        )
        axis.set_ylabel("Cakupan (%)" if target["metric"] == "coverage_pct" else "Peserta aktif")
        axis.legend(fontsize=7, loc="upper left")
        axis.grid(alpha=0.3)
        charts.append((target, Chart(f"{target['target_id']}", _png(figure))))
    return charts


def province_charts(con: duckdb.DuckDBPyConnection) -> list[Chart]:
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
        figure, axis = plt.subplots(figsize=(7, 0.25 * len(regions) + 1.2))
        names = [r[3].replace("Kabupaten ", "Kab. ") for r in regions]
        axis.barh(names[::-1], [r[4] for r in regions][::-1], color="#1565c0")
        axis.set_xlabel("Cakupan semua segmen (% penduduk bekerja)")
        axis.set_title(f"{regions[0][1]} · {regions[0][2]:%m/%Y}", fontsize=10)
        axis.tick_params(axis="y", labelsize=7)
        axis.grid(axis="x", alpha=0.3)
        charts.append(Chart(f"province_{province_code}", _png(figure)))
    return charts


def write_report(analyst_file: Path, folder: Path) -> tuple[Path, list[Chart]]:
    """Write target and province PNGs and laporan_cakupan.html (charts embedded) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        targets = target_charts(con)
        provinces = province_charts(con)
    finally:
        con.close()
    for chart in [c for _, c in targets] + provinces:
        (folder / f"{chart.title}.png").write_bytes(chart.png)
    sections = []
    for target, chart in targets:
        rows = [
            ("Wilayah", target["region_name"]),
            ("Segmen", SEGMENT_NAMES[target["segment"]]),
            ("Target", f"{_number(target['target_value'], target['metric'])} pada {target['deadline']:%m/%Y}"),
            ("Nilai terkini", f"{_number(target['current_value'], target['metric'])} ({_month(target['as_of'])})"),
            ("Proyeksi pada tenggat", _number(target["projected_at_deadline"], target["metric"])),
            ("Status", STATUS_LABELS[target["status"]]),
            ("Sumber target", target["source"]),
        ]
        table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
        sections.append(f"<section><h3>{html.escape(target['target_id'])}</h3><table>{table}</table>{_img(chart)}</section>")
    comparison = "".join(_img(chart) for chart in provinces)
    page = f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Laporan cakupan Jamsostek</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}} table{{border-collapse:collapse}} th,td{{text-align:left;padding:2px 8px;border-bottom:1px solid #ddd}} img{{max-width:100%}}</style>
</head><body>
<h1>Laporan cakupan jaminan sosial ketenagakerjaan</h1>
<p>Dibuat {dt.datetime.now():%d/%m/%Y %H:%M} dari {html.escape(analyst_file.name)}. Status diukur terhadap bulan data terakhir.</p>
<h2>Target</h2>{''.join(sections)}
<h2>Perbandingan kabupaten/kota</h2>{comparison}
</body></html>"""
    target = folder / "laporan_cakupan.html"
    partial = target.with_name(f".{target.name}.tmp")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)
    return target, [c for _, c in targets] + provinces


def _img(chart: Chart) -> str:
    return f'<img alt="{html.escape(chart.title)}" src="data:image/png;base64,{base64.b64encode(chart.png).decode()}">'


def _number(value, metric: str) -> str:
    if value is None or value != value:
        return "-"
    if metric == "coverage_pct":
        return f"{value:.1f}%".replace(".", ",")
    return f"{value:,.0f}".replace(",", ".")


def _month(value) -> str:
    return "-" if value is None or value != value else f"{value:%m/%Y}"
