"""The rule behind the warehouse following its raw folder, held over a seeded random sequence of events.

Opt-in (`make soak`, or JAMSOSTEK_SOAK=1; about 15 minutes on two cores): JAMSOSTEK_SOAK_EVENTS events (30, each
kind at least three times) from seed JAMSOSTEK_SOAK_SEED (31). The daemon is played by this process: each quiet period is the file sensor evaluated
tick after tick (as the daemon evaluates it, with its cursor, its ghost-run reaper and its retries) with every run it
requests executed, until three ticks in a row request nothing. A daemon restart is a lost cursor; a killed run is a
real `make run --full` process killed part-way. After each quiet period, every mart of the analyst file equals, row
for row, a fresh build of the raw folder as it then stands, in which each file the ledger names as `kept` is its
last good version: the differences are exactly the files served from their last good version.
"""

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.settings import PROJECT_ROOT
from tests.conftest import DEMO_RAW, build, small_raw

pytestmark = pytest.mark.skipif(not os.environ.get("JAMSOSTEK_SOAK"), reason="opt-in: make soak (JAMSOSTEK_SOAK=1)")

EVENTS = int(os.environ.get("JAMSOSTEK_SOAK_EVENTS") or 30)
SEED = int(os.environ.get("JAMSOSTEK_SOAK_SEED") or 31)
POOL = sorted(p.name for p in (DEMO_RAW / "participation").glob("2021-*.csv"))
KINDS = ["new", "resend", "truncate", "empty", "remove", "restore", "damage", "kill", "restart"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Office:
    """The raw folder, the warehouse and the Dagster instance of one office, and the daemon's sensor played here."""

    def __init__(self, root: Path, monkeypatch):
        self.raw = small_raw(root / "raw", tuple(POOL[:2]))
        self.warehouse = root / "warehouse"
        self.home = root / "dagster_home"
        self.home.mkdir()
        self.root = root
        for name, value in (
            ("JAMSOSTEK_RAW_DIR", self.raw),
            ("JAMSOSTEK_WAREHOUSE_DIR", self.warehouse),
            ("DAGSTER_HOME", self.home),
        ):
            monkeypatch.setenv(name, str(value))
        self.cursor = None
        self.contents: dict[str, bytes] = {}  # every version of a participation file that was ever good, by sha256
        self.log: list[str] = []

    def participation(self, name: str) -> Path:
        return self.raw / "participation" / name

    def remember(self, path: Path) -> None:
        self.contents[digest(path)] = path.read_bytes()

    def quiet(self, instance) -> None:
        """Sensor ticks, each requested run executed, until three ticks in a row request nothing."""
        from pipeline.definitions import defs
        from pipeline.defs.automation import raw_files_sensor
        from pipeline.defs.resources import WarehouseResource

        job = defs.resolve_implicit_global_asset_job_def()
        idle = 0
        for _tick in range(40):
            with dg.build_sensor_context(
                instance=instance,
                cursor=self.cursor,
                resources={"warehouse": WarehouseResource()},
                repository_def=defs.get_repository_def(),
            ) as context:
                result = raw_files_sensor(context)
            self.cursor = result.cursor
            if not result.run_requests:
                idle += 1
                if idle == 3:
                    return
                if "asking again" in (result.skip_reason.skip_message if result.skip_reason else ""):
                    state = json.loads(self.cursor)  # a retry pause: let the daemon's clock run on
                    state["request"]["at"] -= 7 * 3600
                    self.cursor = json.dumps(state)
                continue
            idle = 0
            [request] = result.run_requests
            outcome = job.execute_in_process(
                instance=instance, asset_selection=request.asset_selection, raise_on_error=False
            )
            self.log.append(f"  run of {len(request.asset_selection)} assets: {'ok' if outcome.success else 'FAILED'}")
        raise AssertionError("the sensor never went quiet:\n" + "\n".join(self.log[-20:]))

    def kill_a_run(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli.run", "--full"],
            cwd=PROJECT_ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(random.uniform(8, 30))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def apply(office: Office, kind: str, rng: random.Random) -> str:
    folder = office.raw / "participation"
    present = sorted(p.name for p in folder.iterdir())
    absent = [name for name in POOL if name not in present]
    if kind == "new" and absent:
        name = rng.choice(absent)
        shutil.copy(DEMO_RAW / "participation" / name, folder / name)
        office.remember(folder / name)
        return f"new {name}"
    if kind == "resend" and present:  # a real correction: one figure changed
        name = rng.choice(present)
        lines = (DEMO_RAW / "participation" / name).read_text(encoding="utf-8").splitlines()
        row = rng.randrange(1, len(lines))
        cells = lines[row].split(",")
        cells[4] = str(int(cells[4]) + rng.randrange(1, 1000))
        lines[row] = ",".join(cells)
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        office.remember(folder / name)
        return f"re-sent {name} with row {row + 1} corrected"
    if kind == "truncate" and present:
        name = rng.choice(present)
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        (folder / name).write_text("\n".join(lines[: rng.randrange(1, 4)]) + "\n", encoding="utf-8")
        return f"re-sent {name} cut short"
    if kind == "empty" and present:
        name = rng.choice(present)
        (folder / name).write_bytes(b"")
        return f"emptied {name}"
    if kind == "remove" and len(present) > 2:  # never half the folder at once: that is the shrink guard's case
        name = rng.choice(present)
        (folder / name).unlink()
        return f"removed {name}"
    if kind == "restore" and present:  # a damaged file put back to its original
        name = rng.choice(present)
        shutil.copy(DEMO_RAW / "participation" / name, folder / name)
        office.remember(folder / name)
        return f"put back {name}"
    if kind == "damage":
        working = office.warehouse / ".build" / "jamsostek_build.duckdb"
        if working.exists():
            with open(working, "r+b") as f:
                f.write(os.urandom(4096))
            return "damaged the working database"
    if kind == "kill":
        office.kill_a_run()
        return "killed a full build part-way"
    if kind == "restart":
        office.cursor = None
        return "restarted the daemon"
    return apply(office, "new" if absent else "resend", rng)


def expected_raw(office: Office, analyst: duckdb.DuckDBPyConnection) -> Path:
    """The raw folder as it stands, with each kept file replaced by its last good version."""
    expected = office.root / "expected_raw"
    shutil.rmtree(expected, ignore_errors=True)
    shutil.copytree(office.raw, expected)
    for path, sha in analyst.execute(
        "SELECT file_path, last_good_sha256 FROM dq.file_ledger WHERE status = 'kept'"
    ).fetchall():
        (expected / path).write_bytes(office.contents[sha])
    return expected


def differences(analyst_file: Path, fresh_file: Path) -> dict[str, int]:
    with duckdb.connect(str(analyst_file), read_only=True) as con:
        con.execute(f"ATTACH '{fresh_file}' AS fresh (READ_ONLY)")
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'marts'"
            ).fetchall()
        ]
        found = {}
        for table in tables:
            extra = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM marts.{table} EXCEPT ALL SELECT * FROM fresh.marts.{table})"
            ).fetchone()[0]
            missing = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM fresh.marts.{table} EXCEPT ALL SELECT * FROM marts.{table})"
            ).fetchone()[0]
            if extra or missing:
                found[table] = extra + missing
        return found


def test_the_warehouse_follows_its_raw_folder_through_a_random_sequence_of_events(tmp_path, monkeypatch):
    office = Office(tmp_path, monkeypatch)
    for name in POOL[:2]:
        office.remember(office.participation(name))
    rng = random.Random(SEED)
    # Every kind of event at least three times, the rest drawn at random, in a random order.
    kinds = KINDS * 3 + [rng.choice(KINDS) for _ in range(max(EVENTS - 3 * len(KINDS), 0))]
    rng.shuffle(kinds)
    fresh_builds: dict[str, Path] = {}
    with dg.DagsterInstance.from_config(str(office.home)) as instance:
        office.quiet(instance)
        for number, kind in enumerate(kinds, start=1):
            what = apply(office, kind, rng)
            office.log.append(f"{number:>2}. {what}")
            print(office.log[-1], flush=True)
            office.quiet(instance)
            analyst_file = office.warehouse / "jamsostek.duckdb"
            with duckdb.connect(str(analyst_file), read_only=True) as analyst:
                expected = expected_raw(office, analyst)
            key = hashlib.sha256(
                "".join(
                    f"{p.relative_to(expected)}:{digest(p)}" for p in sorted(expected.rglob("*")) if p.is_file()
                ).encode()
            ).hexdigest()
            if key not in fresh_builds:
                fresh_builds[key] = tmp_path / f"fresh-{len(fresh_builds)}"
                result, _ = build(expected, fresh_builds[key])
                assert result.success
            found = differences(analyst_file, fresh_builds[key] / "jamsostek.duckdb")
            assert not found, (
                f"after event {number} ({what}) the marts differ from a fresh build: {found}\n" + "\n".join(office.log)
            )
