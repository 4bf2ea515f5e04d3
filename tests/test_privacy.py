"""No NIK and no name from a roster appears anywhere the pipeline writes: warehouse tables (dq included),
Dagster's run storage (metadata, previews, logs), the build's console output, or the exports."""

import os
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import DEMO_RAW, build, make_run, small_raw

ROSTER = DEMO_RAW / "rentan" / "2023_apbd_kota_pasuruan.csv"


@pytest.fixture(scope="module")
def secrets() -> tuple[set[str], set[str]]:
    roster = pd.read_csv(ROSTER, sep=";", dtype=str)
    niks = set(roster["NIK"])
    digits = {re.sub(r"\D", "", n) for n in niks}
    return {d for d in digits if len(d) >= 12} | {n for n in niks if "E+" in n}, set(roster["Nama"])


def scan_text(text: str, niks: set[str], names: set[str]) -> list[str]:
    found = [n for n in set(re.findall(r"\d{12,16}|\d\.\d+E\+\d+", text)) if n in niks]
    return found + [name for name in names if name in text]


def scan_duckdb(path: Path, niks: set[str], names: set[str]) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("CREATE TEMP TABLE needles AS SELECT unnest(?) AS needle", [sorted(niks | names)])
        found = []
        for schema, table, column, data_type in con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name NOT IN ('temp') AND (data_type = 'VARCHAR' OR data_type LIKE 'VARCHAR[]')"
        ).fetchall():
            text = f"array_to_string(\"{column}\", ' ')" if data_type.endswith("[]") else f'"{column}"'
            hits = con.execute(
                f"SELECT count(*) FROM {schema}.{table} t, needles WHERE contains({text}, needles.needle)"
            ).fetchone()[0]
            if hits:
                found.append(f"{schema}.{table}.{column}: {hits}")
        return found
    finally:
        con.close()


def test_without_a_key_only_the_shipped_demo_rosters_are_read(tmp_path, monkeypatch):
    """The demo key is decided by a roster's content, not its folder: a real roster (here: the demo roster with one
    more row) is `failed` with how to set the key, and none of its NIKs is pseudonymised with the public demo key."""
    monkeypatch.delenv("JAMSOSTEK_PII_KEY", raising=False)
    raw = tmp_path / "raw"
    (raw / "rentan").mkdir(parents=True)
    shutil.copy(ROSTER, raw / "rentan" / "demo.csv")
    lines = ROSTER.read_text(encoding="utf-8").splitlines(keepends=True)
    (raw / "rentan" / "real.csv").write_text("".join(lines + lines[-1:]), encoding="utf-8")
    result, _ = build(raw, tmp_path / "warehouse")
    assert result.success
    con = duckdb.connect(str(tmp_path / "warehouse" / "jamsostek.duckdb"), read_only=True)
    ledger = dict(
        con.execute(
            "SELECT file_path, status || ': ' || coalesce(error, '') FROM dq.file_ledger WHERE source = 'rentan'"
        ).fetchall()
    )
    staged = con.execute("SELECT DISTINCT file_path FROM staging.rentan").fetchall()
    con.close()
    assert ledger["rentan/demo.csv"].startswith("partial") or ledger["rentan/demo.csv"].startswith("loaded")
    assert ledger["rentan/real.csv"].startswith("failed: JAMSOSTEK_PII_KEY is not set")
    assert staged == [("rentan/demo.csv",)]


def test_no_nik_or_name_anywhere(tmp_path, secrets):
    niks, names = secrets
    raw = small_raw(tmp_path / "raw", ("2024-06_kepesertaan_jatim.xlsx",))
    (raw / "rentan").mkdir()
    shutil.copy(ROSTER, raw / "rentan")
    # NIKs typed into every other roster column, with and without separators, and one pasted twice in its own cell.
    planted = [f"357502500277{9000 + i}" for i in range(10)]
    spaced = " ".join(planted[6][i : i + 4] for i in range(0, 16, 4))
    (raw / "rentan" / "planted.csv").write_text(
        "NIK;Nama;Pekerjaan;Kabupaten/Kota;Kecamatan;Sumber Dana;Program;Mulai;Selesai\n"
        f"{planted[0]};Nama Satu;Petani {planted[1]};Kota Pasuruan;Kec {planted[2]};APBD Kota Pasuruan;JKK {planted[3]};Januari 2024;Juni 2024\n"
        f"{planted[4]};Nama Dua;Petani;{planted[5]};Purworejo;APBD Kota Pasuruan;JKK+JKM;Januari 2024;Juni 2024\n"
        f"{planted[8]};Nama Tiga;Petani;Kota Pasuruan;Purworejo;APBD Kota Pasuruan;JKK+JKM;Januari 2024;{spaced}\n"
        f"{planted[7]};Nama Empat;Petani;Kota Pasuruan;Purworejo;APBD {planted[9]};JKK+JKM;Januari 2024;Juni 2024\n"
        f"{planted[9]} {planted[9]};Nama Lima;Petani;Kota Pasuruan;Purworejo;APBD Kota Pasuruan;JKK+JKM;Januari 2024;Juni 2024\n",
        encoding="utf-8",
    )
    niks = niks | set(planted)
    names = names | {"Nama Satu", "Nama Dua", "Nama Tiga", "Nama Empat", "Nama Lima"}
    env = {
        **os.environ,
        "JAMSOSTEK_RAW_DIR": str(raw),
        "JAMSOSTEK_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "JAMSOSTEK_PII_KEY": "test-secret",
    }
    build_run = make_run(env)
    assert build_run.returncode == 0, build_run.stdout[-3000:]
    warehouse = tmp_path / "warehouse"
    con = duckdb.connect(str(warehouse / "jamsostek.duckdb"), read_only=True)
    # The planted rows: two staged (with the NIKs in their other cells masked), three quarantined with masked values.
    assert con.execute("SELECT count(*) FROM staging.rentan").fetchone()[0] == 2502
    assert con.execute("SELECT count(*) FROM dq.rejected_rows WHERE source = 'rentan'").fetchone()[0] == 8
    assert con.execute(
        "SELECT count(*) FROM staging.rentan WHERE kecamatan = 'Kec 3575************' AND program = 'JKK 3575************'"
    ).fetchone() == (1,)
    con.close()

    leaks = scan_text(build_run.stdout + build_run.stderr, niks, names)
    leaks += scan_duckdb(warehouse / "jamsostek.duckdb", niks, names)
    leaks += scan_duckdb(warehouse / ".build" / "jamsostek_build.duckdb", niks, names)
    for parquet in (warehouse / "exports" / "parquet").glob("*.parquet"):
        leaks += scan_text(duckdb.sql(f"SELECT * FROM '{parquet}'").df().to_csv(), niks, names)
    book = CalamineWorkbook.from_path(str(warehouse / "exports" / "jamsostek_marts.xlsx"))
    leaks += scan_text(
        " ".join(str(c) for s in book.sheet_names for r in book.get_sheet_by_name(s).to_python() for c in r),
        niks,
        names,
    )
    leaks += scan_text((warehouse / "report" / "laporan_cakupan.html").read_text(encoding="utf-8"), niks, names)
    # Dagster's run storage: event logs with every metadata preview, and the captured compute logs.
    for path in (tmp_path / "dagster_home").rglob("*"):
        if path.is_file():
            leaks += [f"{path.name}: {hit}" for hit in scan_text(path.read_bytes().decode("latin-1"), niks, names)]
    assert leaks == []
