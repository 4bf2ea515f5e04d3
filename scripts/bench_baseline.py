"""The bare baseline for `make bench`: the same inputs read with python-calamine and the csv module, then one
hand-written DuckDB SQL script doing the same transformations (region codes, ALL, rollups, denominators,
coverage, NIKs pseudonymised with HMAC-SHA256 in SQL, insured workers per month), written to Parquet like the
pipeline's marts. No validation, no provenance, no quarantine, no Dagster.

It does less than the pipeline, so the ratio is conservative. Left out: header matching and row classification,
NIK and period checks, quarantine and ledgers, insured workers without removing people listed twice and without
province/national/occupation rows or new/ended flows, double payments (funding_overlaps), targets and the plan,
statement checks, the Excel workbook, the per-funder csvs, the report and the data catalog.

    python scripts/bench_baseline.py RAW_DIR
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd
from python_calamine import CalamineWorkbook

from pipeline.ingest import pii_key
from pipeline.settings import REFERENCE_DIR

SQL = """
CREATE TABLE regions AS SELECT * FROM read_csv('{reference}/regions.csv', all_varchar = true);
CREATE TABLE long AS
    SELECT period, coalesce(r1.region_code, r2.region_code, r3.region_code) AS region_code, segment, active
    FROM participation p
    LEFT JOIN regions r1 ON r1.region_code = p.code
    LEFT JOIN regions r2 ON r2.bps_code = p.code AND length(p.code) = 4
    LEFT JOIN regions r3 ON upper(r3.region_name) = upper(p.name) AND p.code = '';
CREATE TABLE kab AS
    SELECT period, region_code, segment, sum(active) AS active FROM long GROUP BY ALL
    UNION ALL SELECT period, region_code, 'ALL', sum(active) FROM long GROUP BY ALL;
CREATE TABLE rolled AS
    SELECT k.*, r.province_code FROM kab k JOIN regions r USING (region_code)
    UNION ALL SELECT period, r.province_code, segment, sum(active), r.province_code FROM kab k JOIN regions r USING (region_code) GROUP BY ALL
    UNION ALL SELECT period, 'ID', segment, sum(active), NULL FROM kab GROUP BY ALL;
CREATE TABLE wf AS
    SELECT year, region_code, employed, formal, informal FROM workforce
    UNION ALL SELECT year, r.province_code, sum(employed), sum(formal), sum(informal) FROM workforce w JOIN regions r USING (region_code) GROUP BY ALL;
CREATE TABLE coverage AS
    SELECT r.*, w.year, CASE segment WHEN 'ALL' THEN employed WHEN 'PU' THEN formal WHEN 'BPU' THEN informal END AS workforce,
           100.0 * active / workforce AS coverage_pct
    FROM rolled r ASOF LEFT JOIN wf w ON w.region_code = r.region_code AND year(r.period) >= w.year;
CREATE TABLE pseudonymised AS
    SELECT left(sha256(from_hex('{opad}') || unhex(sha256(from_hex('{ipad}') || encode(nik)))), 32) AS worker_key, region, funding, start, finish
    FROM roster;
CREATE TABLE roster_months AS
    SELECT m.period, reg.region_code, funding
    FROM pseudonymised ro JOIN regions reg ON upper(reg.region_name) = upper(ro.region)
    JOIN (SELECT unnest(generate_series(min(strptime(start, '%Y-%m')), max(strptime(finish, '%Y-%m')), INTERVAL 1 MONTH))::DATE AS period FROM roster) m
      ON m.period BETWEEN strptime(ro.start, '%Y-%m') AND strptime(ro.finish, '%Y-%m');
CREATE TABLE vulnerable AS
    SELECT period, region_code, funding, count(*) AS insured FROM roster_months GROUP BY GROUPING SETS ((period, region_code, funding), (period, region_code));
COPY coverage TO '{out}/coverage.parquet' (FORMAT parquet);
COPY vulnerable TO '{out}/vulnerable.parquet' (FORMAT parquet);
"""


def read_rows(path: Path) -> list[list]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.reader(f, delimiter=";" if ";" in f.readline() else ","))
    book = CalamineWorkbook.from_path(str(path))
    return [row for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()]


def main(raw: Path) -> None:
    started = time.perf_counter()
    participation = []
    for path in sorted((raw / "participation").iterdir()):
        rows = read_rows(path)
        if path.suffix == ".csv":  # Periode;Kode;Kab/Kota;Segmen;TK Aktif
            participation += [(r[0] + "-01", r[1], r[2], r[3], int(r[4].replace(".", ""))) for r in rows[1:]]
        elif rows[1][2] == "Segmen":  # long workbook
            period = str(rows[0][0]).split()[-1] + "-01"
            participation += [(period, r[0], r[1], r[2], int(r[3])) for r in rows[2:]]
        else:  # wide workbook
            period = str(rows[0][0]).split()[-1] + "-01"
            participation += [
                (period, r[0], r[1], s, int(v)) for r in rows[2:] for s, v in zip(("PU", "BPU", "JAKON", "PMI"), r[2:6])
            ]
    with open(raw / "workforce" / "bps_nasional.csv", encoding="utf-8", newline="") as f:
        workforce = [(int(r[0]), r[1], int(r[3]), int(r[4]), int(r[5])) for r in list(csv.reader(f))[1:]]
    with open(raw / "rentan" / "roster_nasional.csv", encoding="utf-8", newline="") as f:
        roster = [(r[0], r[3], r[4].split()[0], r[6], r[7]) for r in list(csv.reader(f, delimiter=";"))[1:]]
    read_seconds = time.perf_counter() - started
    con = duckdb.connect()
    con.register(
        "participation",
        pd.DataFrame(participation, columns=["period", "code", "name", "segment", "active"]).astype(
            {"period": "datetime64[ns]"}
        ),
    )
    con.register(
        "workforce", pd.DataFrame(workforce, columns=["year", "region_code", "employed", "formal", "informal"])
    )
    con.register("roster", pd.DataFrame(roster, columns=["nik", "region", "funding", "start", "finish"]))
    ipad, opad = pii_key.hmac_pads("bench")
    with tempfile.TemporaryDirectory() as out:
        con.execute(SQL.format(reference=REFERENCE_DIR, ipad=ipad.hex(), opad=opad.hex(), out=out))
    print(
        f"read_seconds={read_seconds:.3f} total_seconds={time.perf_counter() - started:.3f} rows={len(participation) + len(roster)}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
