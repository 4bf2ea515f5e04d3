"""The coverage-versus-target report: one HTML page that analysts open from disk, charts drawn in the browser.

Every chart is a Vega-Lite specification made with altair from the marts' own rows (its data is those rows, nothing
computed on the way), with tooltips that give the exact figure; the Vega JavaScript (from vl-convert-python) is put
into the page once, so it opens offline from file://. Numbers and months are formatted id-ID. For each target: the
series it is measured on (marts.target_series), the target, the deadline and the projection with its 80% range
(marts.target_progress). For each province: its kab/kota side by side (marts.coverage). Everything is in Indonesian.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import vl_convert

from pipeline.outputs import labels
from pipeline.outputs.charts import Chart, browser_rows
from pipeline.outputs.formats import FORMAT_LOCALE, TIME_FORMAT_LOCALE
from pipeline.outputs.formats import known as _known
from pipeline.outputs.formats import number as _number
from pipeline.outputs.formats import percent as _percent
from pipeline.outputs.formats import rupiah as _rupiah
from pipeline.outputs.labels import SEGMENT_LABELS, STATUS_LABELS
from pipeline.outputs.maps import ATTRIBUTION, SHAPES, CoverageMap, coverage_maps
from pipeline.outputs.maps import shapes as coverage_shapes
from pipeline.parse.periods import MONTH_NAMES
from pipeline.settings import dagster_home
from pipeline.warehouse.connection import read_only

STATUS_COLOURS = {
    "achieved": "#2e7d32",
    "missed": "#c62828",
    "on_track": "#2e7d32",
    "at_risk": "#ef6c00",
    "off_track": "#c62828",
    "not_projected": "#757575",
    "no_data": "#757575",
}
SEGMENT_NAMES = SEGMENT_LABELS
DENOMINATOR_NAMES = {"bps_employed": "penduduk bekerja (BPS)", "potential": "pekerja potensial", "other": "lainnya"}
log = logging.getLogger(__name__)


@dataclass
class Report:
    page: Path
    charts: list[Chart]
    failures: list[str] = field(default_factory=list)  # one line per chart or section that could not be made
    maps: list[CoverageMap] = field(default_factory=list)  # the coverage maps the page draws (pipeline/outputs/maps.py)


def chart_rows(spec: object, name: str) -> list[dict] | None:
    """The rows of a chart's dataset called `name`, as the browser receives them (searched through its layers)."""
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and data.get("name") == name and "values" in data:
            return data["values"]
        children = spec.values()
    elif isinstance(spec, list):
        children = spec
    else:
        return None
    return next((rows for child in children if (rows := chart_rows(child, name)) is not None), None)


def _rows(con: duckdb.DuckDBPyConnection, query: str, parameters: list) -> pd.DataFrame:
    return con.execute(query, parameters).fetchdf()


def _named(frame: pd.DataFrame, name: str) -> alt.Data:
    """A dataset with a stable name."""
    return alt.Data(values=browser_rows(frame), name=name)


TARGET_SERIES = (
    "SELECT period, value, people FROM marts.target_series WHERE target_id = ? AND value IS NOT NULL ORDER BY period"
)


def target_chart(con: duckdb.DuckDBPyConnection, target: dict) -> Chart:
    """The series the target is measured on, the target, the deadline, and the projection with its 80% range."""
    series = _rows(con, TARGET_SERIES, [target["target_id"]])
    coverage = target["metric"] == "coverage_pct"
    axis_title = (
        "Cakupan (%)" if coverage else ("Pekerja rentan yang dijamin" if target["funding_source"] else "Peserta aktif")
    )
    deadline = pd.Timestamp(target["deadline"]).strftime("%Y-%m-%d")
    marks = pd.DataFrame([{"label": "Target", "value": target["target_value"], "period": deadline}])
    datasets = {"realisasi": series, "target": marks, "tenggat": marks}
    projected = _known(target["projected_at_deadline"]) and target["as_of"] is not None
    if projected:
        as_of = pd.Timestamp(target["as_of"]).strftime("%Y-%m-%d")
        current, low, high = target["current_value"], target["trend_low_80"], target["trend_high_80"]
        projection = pd.DataFrame(
            [
                {"period": as_of, "value": current, "low": current, "high": current},
                {"period": deadline, "value": target["projected_at_deadline"], "low": low, "high": high},
            ]
        )
        datasets |= {"rentang": projection, "proyeksi": projection}
    band = projected and _known(target["trend_low_80"])
    # Every target of one shape draws the same layers: altair builds that shape once (building it costs about 0.1 s
    # a chart, 38 charts at national scale) and each target gets its own rows and title.
    spec = json.loads(_target_shape(axis_title, ",.2f" if coverage else ",.0f", projected, band))
    status = target["status"]
    spec["title"] |= {
        "text": f"{target['region_name']} · {labels.counted(target['segment'], target['funding_source'])} · {STATUS_LABELS[status]}",
        "color": STATUS_COLOURS[status],
    }
    for layer in spec["layer"]:
        layer["data"]["values"] = browser_rows(datasets[layer["data"]["name"]])
    return Chart(target["target_id"], f"target:{target['target_id']}", spec, TARGET_SERIES, [target["target_id"]])


@functools.cache
def _target_shape(axis_title: str, value_format: str, projected: bool, band: bool) -> str:
    """A target chart's Vega-Lite specification without its rows and title (JSON, so every use gets its own copy)."""
    x = alt.X("period:T", title="Bulan", axis=alt.Axis(format="%b %Y"))
    tooltip = [
        alt.Tooltip("period:T", title="Bulan", format="%B %Y"),
        alt.Tooltip("value:Q", title=axis_title, format=value_format),
    ]
    layers = [
        alt.Chart(alt.Data(name="realisasi"))
        .mark_line(point=True, color="#1565c0")
        .encode(x, alt.Y("value:Q", title=axis_title), tooltip=tooltip),
        alt.Chart(alt.Data(name="target"))
        .mark_rule(color="#6a1b9a", strokeDash=[4, 4])
        .encode(
            y="value:Q",
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("value:Q", title="Nilai", format=value_format)],
        ),
        alt.Chart(alt.Data(name="tenggat"))
        .mark_rule(color="#616161", strokeDash=[2, 2])
        .encode(x="period:T", tooltip=[alt.Tooltip("period:T", title="Tenggat", format="%B %Y")]),
    ]
    if band:
        layers.append(
            alt.Chart(alt.Data(name="rentang"))
            .mark_area(opacity=0.15, color="#1565c0")
            .encode(
                x="period:T",
                y="low:Q",
                y2="high:Q",
                tooltip=[
                    alt.Tooltip("low:Q", title="Rentang 80% bawah", format=value_format),
                    alt.Tooltip("high:Q", title="Rentang 80% atas", format=value_format),
                ],
            )
        )
    if projected:
        layers.append(
            alt.Chart(alt.Data(name="proyeksi"))
            .mark_line(strokeDash=[6, 3], color="#1565c0")
            .encode(
                x="period:T",
                y="value:Q",
                tooltip=[
                    alt.Tooltip("period:T", title="Bulan", format="%B %Y"),
                    alt.Tooltip("value:Q", title="Proyeksi", format=value_format),
                ],
            )
        )
    chart = alt.layer(*layers).properties(width=560, height=240, title=alt.TitleParams("", fontSize=12))
    return json.dumps(_spec(chart))


PROVINCE_COVERAGE = """
    SELECT c.period, c.region_code, c.region_name, c.coverage_pct, c.active_participants, c.workforce, c.workforce_year
    FROM marts.coverage c
    WHERE c.province_code = ? AND c.region_level IN ('regency', 'city') AND c.segment = 'ALL' AND c.coverage_pct IS NOT NULL
      AND c.period = (SELECT max(period) FROM marts.coverage WHERE province_code = ? AND region_level IN ('regency', 'city')
                      AND segment = 'ALL' AND coverage_pct IS NOT NULL)
    ORDER BY c.coverage_pct DESC, c.region_code
"""


# Every province's latest month at once: the same rows as PROVINCE_COVERAGE for each province.
ALL_PROVINCES_COVERAGE = """
    SELECT c.province_code, p.region_name AS province_name, c.period, c.region_code, c.region_name, c.coverage_pct,
           c.active_participants, c.workforce, c.workforce_year
    FROM marts.coverage c JOIN ref.regions p ON p.region_code = c.province_code
    WHERE c.region_level IN ('regency', 'city') AND c.segment = 'ALL' AND c.coverage_pct IS NOT NULL
    QUALIFY c.period = max(c.period) OVER (PARTITION BY c.province_code)
    ORDER BY c.province_code, c.coverage_pct DESC, c.region_code
"""


def province_charts(con: duckdb.DuckDBPyConnection) -> list[Chart]:
    """Latest ALL-segment coverage of every kab/kota, side by side within each province that has any."""
    charts = []
    columns = [
        "period",
        "region_code",
        "region_name",
        "coverage_pct",
        "active_participants",
        "workforce",
        "workforce_year",
    ]
    for (code, name), rows in con.execute(ALL_PROVINCES_COVERAGE).fetchdf().groupby(["province_code", "province_name"]):
        month = pd.Timestamp(rows["period"].iloc[0])
        spec = json.loads(_province_shape())  # built once by altair; each province gets its rows, height and title
        spec["data"]["values"] = browser_rows(rows[columns])
        spec |= {"height": 16 * len(rows) + 10, "title": f"{name} · {MONTH_NAMES[month.month - 1]} {month.year}"}
        charts.append(Chart(name, f"province:{code}", spec, PROVINCE_COVERAGE, [code, code]))
    return charts


@functools.cache
def _province_shape() -> str:
    bars = (
        alt.Chart(alt.Data(name="cakupan"))
        .mark_bar(color="#1565c0")
        .encode(
            alt.X("coverage_pct:Q", title="Cakupan semua segmen (% penduduk bekerja)"),
            alt.Y("region_name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            tooltip=[
                alt.Tooltip("region_name:N", title="Wilayah"),
                alt.Tooltip("coverage_pct:Q", title="Cakupan (%)", format=",.2f"),
                alt.Tooltip("active_participants:Q", title="Peserta aktif", format=",.0f"),
                alt.Tooltip("workforce:Q", title="Penduduk bekerja", format=",.0f"),
                alt.Tooltip("workforce_year:Q", title="Tahun BPS", format="d"),
            ],
        )
        .properties(width=520, height=10, title="")
    )
    return json.dumps(_spec(bars))


def _spec(chart: alt.TopLevelMixin) -> dict:
    # Validation against the Vega-Lite schema is left to the tests: it costs more than drawing.
    return chart.to_dict(validate=False)


def target_section(target: dict, chart: Chart | None) -> str:
    is_open = target["status"] in ("on_track", "at_risk", "off_track", "not_projected")
    rows = [
        ("Wilayah", target["region_name"]),
        (
            "Yang diukur",
            labels.measure(target["segment"], target["metric"], target["funding_source"], target["region_name"]),
        ),
        ("Target", f"{_number(target['target_value'], target['metric'])} pada {_month(target['deadline'])}"),
        ("Nilai terkini", f"{_number(target['current_value'], target['metric'])} ({_month(target['as_of'])})"),
        ("Proyeksi pada tenggat (tren 12 bulan)", _number(target["projected_at_deadline"], target["metric"])),
        ("Status", STATUS_LABELS[target["status"]]),
    ]
    if is_open:
        rows += [
            ("Peluang tercapai (dari galat tren yang terukur)", _percent(target["probability_reaching"])),
            (
                "Rentang tren 80% pada tenggat",
                f"{_number(target['trend_low_80'], target['metric'])} sampai {_number(target['trend_high_80'], target['metric'])}"
                if _known(target["trend_low_80"])
                else "-",
            ),
            ("Peserta yang masih dibutuhkan", _number(target["participants_needed"], "count")),
            (
                "Tambahan per bulan: dibutuhkan / laju sekarang",
                f"{_number(target['required_monthly_participants'], 'count')} / {_number(target['recent_monthly_participants'], 'count')}",
            ),
            ("Peserta yang dihitung biayanya", _number(target["costed_participants"], "count")),
            ("Iuran jika kekurangan ditutup sampai tenggat", _rupiah(target["cost_to_deadline_idr"])),
            ("Iuran setahun setelah tenggat", _rupiah(target["cost_year_after_deadline_idr"])),
            ("Dasar perhitungan iuran", target["cost_basis"] or "-"),
        ]
    elif target["status"] != "no_data":
        # Past its deadline or reached: no chance and no people "still needed"; how far below the target it is now, by name.
        rows.append(
            (
                "Peserta di bawah tingkat target saat ini (untuk mempertahankan target)",
                _number(target["below_target_participants"], "count"),
            )
        )
    if target["funding_source"]:
        rows += [
            (
                "Iuran terutang sejauh ini (iuran BPU JKK+JKM pekerja dalam daftar)",
                _rupiah(target["committed_idr"]),
            ),
            ("Anggaran", _rupiah(target["budget_idr"])),
            ("Sisa anggaran", _rupiah(target["budget_remaining_idr"])),
        ]
    rows.append(("Sumber target", target["source"]))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<section><h3>{html.escape(target['target_id'])}</h3><table>{table}</table>{_figure(chart) if chart else ''}</section>"


def statements_section(con: duckdb.DuckDBPyConnection) -> str:
    """Every published statement beside what the warehouse recomputes, with its verdict."""
    rows = con.execute(
        "SELECT statement_id, region_name, coalesce(stated_as_of, strftime(period, '%Y-%m')), segment, stated_participants, "
        "stated_denominator, denominator_kind, stated_coverage_pct, recomputed_pct, warehouse_participants, warehouse_coverage_pct, "
        "problem_count, verdict, not_checked, source, denominator_matches_bps FROM marts.statement_checks ORDER BY period, statement_id"
    ).fetchall()
    if not rows:
        return "<p>Belum ada pernyataan publik di folder <code>statements/</code>.</p>"
    header = [
        "Pernyataan",
        "Wilayah",
        "Per",
        "Segmen",
        "Peserta",
        "Penyebut",
        "Jenis penyebut",
        "Cakupan disebut",
        "Dihitung ulang",
        "Peserta (gudang data)",
        "Cakupan BPS (gudang data)",
        "Temuan dan sumber",
    ]
    body = []
    for (
        sid,
        region,
        as_of,
        segment,
        participants,
        denominator,
        kind,
        stated,
        recomputed,
        wh_participants,
        wh_pct,
        problems,
        verdict,
        unchecked,
        source,
        matches,
    ) in rows:
        finding = (
            verdict
            + (f" Penyebut sama dengan {matches}." if matches else "")
            + (f" Tidak diperiksa: {unchecked}." if unchecked else "")
        )
        cells = [
            sid,
            region,
            as_of,
            SEGMENT_NAMES[segment],
            _number(participants, "count"),
            _number(denominator, "count"),
            DENOMINATOR_NAMES.get(kind, "tidak disebut"),
            _number(stated, "coverage_pct", 2),
            _number(recomputed, "coverage_pct", 2),
            _number(wh_participants, "count"),
            _number(wh_pct, "coverage_pct", 2),
        ]
        style = ' class="problem"' if problems else ""
        cells_html = "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
        body.append(
            f"<tr{style}>{cells_html}<td>{html.escape(finding)}<br><small>Sumber: {html.escape(source)}</small></td></tr>"
        )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return f'<table class="wide statements"><tr>{head}</tr>{"".join(body)}</table>'


def kept_files_section(con: duckdb.DuckDBPyConnection) -> str:
    """Files whose last good version is still published (dq.file_ledger status `kept`), and why: empty when none."""
    kept = con.execute(
        "SELECT file_path, rows_loaded, last_good_sha256, error FROM dq.file_ledger WHERE status = 'kept' ORDER BY 1"
    ).fetchall()
    if not kept:
        return ""
    items = "".join(
        f"<li><code>{html.escape(path)}</code>: {_number(rows, 'people', 0)} baris dari versi baik terakhir "
        f"(SHA-256 {html.escape(sha[:12])}…) tetap disajikan. Alasan: {html.escape(reason or '')}</li>"
        for path, rows, sha, reason in kept
    )
    return (
        "<h2>Berkas yang disajikan dari versi baik terakhir</h2><p>Versi baru berkas ini tidak dapat dibaca atau "
        "kehilangan sebagian besar barisnya, jadi angka versi sebelumnya tetap dipakai sampai versi yang baik datang, "
        "atau sampai penghapusan dikonfirmasi (JAMSOSTEK_ALLOW_SHRINK=1).</p>"
        f"<ul>{items}</ul>"
    )


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
    header = [
        "Wilayah",
        "Bulan",
        "Segmen",
        "Peserta aktif",
        "Cakupan thd penduduk bekerja BPS",
        "Pekerja potensial (penyebut UCJ)",
        "Cakupan UCJ (thd pekerja potensial)",
        "Penduduk bekerja (BPS)",
        "Sumber penyebut",
    ]
    body = []
    for region, period, segment, participants, bps_pct, potential, pct, employed, exceeds, source in rows:
        cells = [
            region,
            _month(period),
            SEGMENT_NAMES[segment],
            _number(participants, "count"),
            _number(bps_pct, "coverage_pct"),
            _number(potential, "count"),
            _number(pct, "coverage_pct") + (" (penyebut > penduduk bekerja)" if exceeds else ""),
            _number(employed, "count"),
            source,
        ]
        body.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return f'<table class="wide"><tr>{head}</tr>{"".join(body)}</table>'


STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:auto}"
    " table{border-collapse:collapse}"
    " th,td{text-align:left;padding:2px 8px;border-bottom:1px solid #ddd;vertical-align:top}"
    " table.wide{font-size:75%}"
    " table.statements td:last-child{min-width:18em}"
    " tr.problem td{background:#fdecea}"
    " figure{margin:1em 0}"
)


def write_report(analyst_file: Path, folder: Path) -> Report:
    """Write laporan_cakupan.html into `folder`: one page with every chart, opened offline from disk.

    A chart or section that cannot be made (one target's odd data) is listed in `Report.failures` and left out;
    the rest of the report is still written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    sections, charts = [], []
    con = read_only(analyst_file)
    try:
        targets = con.execute("SELECT * FROM marts.target_progress ORDER BY target_id").fetchdf().to_dict("records")
        for target in targets:
            chart = _attempt(
                failures, f"target {target['target_id']!r}: chart", lambda target=target: target_chart(con, target)
            )
            section = _attempt(
                failures,
                f"target {target['target_id']!r}: section",
                lambda target=target, chart=chart: target_section(target, chart),
            )
            charts += [chart] if chart else []
            sections += [section] if section else []
        provinces = _attempt(failures, "province charts", lambda: province_charts(con)) or []
        maps = _attempt(failures, "coverage maps", lambda: coverage_maps(con)) or []
        statements = _attempt(failures, "statements section", lambda: statements_section(con)) or ""
        denominators = _attempt(failures, "denominators section", lambda: denominators_section(con)) or ""
        kept = _attempt(failures, "kept files section", lambda: kept_files_section(con)) or ""
    finally:
        con.close()
    comparison = "".join(_figure(chart) for chart in provinces)
    mapped = maps_section(maps) if maps else ""
    # The chart menu offers only what works offline (saving the picture), in Indonesian: no editor, no source.
    embed = {
        "actions": {"export": True, "source": False, "compiled": False, "editor": False},
        "i18n": {"PNG_ACTION": "Simpan sebagai PNG", "SVG_ACTION": "Simpan sebagai SVG"},
        "formatLocale": FORMAT_LOCALE,
        "timeFormatLocale": TIME_FORMAT_LOCALE,
    }
    specs = json.dumps({c.element_id: c.spec for c in charts + provinces + maps}, ensure_ascii=False)
    # The chart specs hold raw text (region names, sources): "</" is escaped so no text can close the script tag.
    specs = specs.replace("</", "<\\/")
    # The maps' shapes, once for every map (0.24 MB): each map's spec names them and the page fills them in.
    shapes = json.dumps(coverage_shapes(), separators=(",", ":")).replace("</", "<\\/") if maps else "null"
    page = f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Laporan cakupan Jamsostek</title>
<style>{STYLE}</style>
<script>{_vega_bundle()}</script>
</head><body>
<h1>Laporan cakupan jaminan sosial ketenagakerjaan</h1>
<p>Dibuat {_date(dt.datetime.now())} dari {html.escape(analyst_file.name)}. Status diukur terhadap bulan data terakhir.
Arahkan penunjuk ke grafik untuk angka persisnya.</p>{kept}
<h2>Target</h2>{"".join(sections)}
<h2>Pemeriksaan pernyataan publik</h2>
<p>Setiap pernyataan dihitung ulang dan dibandingkan dengan gudang data, angka BPS yang terbit saat itu,
dan penyebut potensi, dalam ketelitian angka yang disebut.</p>{statements}
<h2>Penyebut berdampingan</h2>
<p>Cakupan terhadap penduduk bekerja BPS, dan cakupan UCJ: terhadap pekerja potensial, penyebut yang dipakai
BPJS Ketenagakerjaan dan banyak pernyataan resmi.</p>{denominators}
<h2>Peta cakupan</h2>{mapped}
<h2>Perbandingan kabupaten/kota</h2>{comparison}
<script>
const charts = {specs};
const shapes = {shapes};
const options = {json.dumps(embed, ensure_ascii=False)};
for (const [id, spec] of Object.entries(charts)) {{
  if (spec.data && spec.data.name === "{SHAPES}") spec.data.values = shapes;
  vegaEmbed("#" + id, spec, options).catch(error => {{ document.getElementById(id).textContent = "Grafik tidak dapat digambar: " + error; }});
}}
</script>
</body></html>"""
    target = folder / "laporan_cakupan.html"
    partial = target.with_name(f".{target.name}.tmp")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)
    return Report(target, charts + provinces, failures, maps)


def maps_section(maps: list[CoverageMap]) -> str:
    """The national map and each province's, the regions a map cannot draw, and where the shapes come from."""
    parts = [
        "<p>Warna menurut ukuran yang dipilih di bawah tiap peta; wilayah abu-abu tidak punya angka untuk ukuran itu "
        "(arahkan penunjuk ke wilayah untuk angka persis dan alasannya). Gambar SVG tiap peta (untuk slide) ada di folder "
        "<code>exports/peta/</code>.</p>"
    ]
    for coverage_map in maps:
        parts.append(_figure(coverage_map))
        if len(absent := coverage_map.absent):
            names = ", ".join(f"{html.escape(r.region_name)} ({html.escape(r.reason)})" for r in absent.itertuples())
            parts.append(f"<p>Tidak tergambar di peta ini: {names}.</p>")
    parts.append(f"<p><small>{html.escape(ATTRIBUTION)}</small></p>")
    return "".join(parts)


@functools.cache
def _vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert-python (no network, no CDN).

    vl-convert takes about 4 s to bundle them, in every build process: the bundle is kept per vl-convert version in
    DAGSTER_HOME (which the service can write) and made again only for a new version."""
    cached = dagster_home() / "cache" / f"vega-bundle-{vl_convert.__version__}.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle().replace("</script", "<\\/script")
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}")
    partial.write_text(bundle, encoding="utf-8")
    os.replace(partial, cached)
    return bundle


def _attempt(failures: list[str], what: str, make):
    """Run one piece of the report; a failure is recorded (and logged) instead of stopping the others."""
    try:
        return make()
    except Exception as error:  # one odd target must not cost the analysts the whole report
        log.warning("report: %s failed: %s", what, error)
        failures.append(f"{what} failed: {type(error).__name__}: {error}")
        return None


def _figure(chart: Chart) -> str:
    """Where the browser draws a chart; the same id keys its specification in the page's script."""
    return f'<figure id="{chart.element_id}" aria-label="{html.escape(chart.title)}"></figure>'


def _month(value) -> str:
    return "-" if value is None or value != value else f"{MONTH_NAMES[value.month - 1]} {value.year}"


def _date(value: dt.datetime) -> str:
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year} {value:%H.%M}"
