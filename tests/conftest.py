import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.parse.regions import RegionMatcher
from pipeline.read.headers import HeaderSynonyms
from pipeline.settings import HEADER_SYNONYMS, PROJECT_ROOT, REFERENCE_DIR
from tests.scheduling import balanced_order, expected_seconds

SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DEMO_RAW = PROJECT_ROOT / "data" / "raw"


# The tiers of `make test` (which runs all of them): `make test-fast` leaves out the two slow ones, for the inner loop.
# system: an installed office, the UI or the daemon and their servers; builds: whole pipeline runs of a test's own
# (the shared demo build, one per session, stays in the fast tier).
SYSTEM_TIER = {"test_deployment", "test_ui", "test_postgres_instance"}
BUILDS_TIER = {
    "test_automation",
    "test_hostile_input",
    "test_new_source",
    "test_partial_segments",
    "test_privacy",
    "test_publish",
    "test_runs",
    "test_soak",
    "test_sync",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if module in SYSTEM_TIER:
            item.add_marker(pytest.mark.system)
        elif module in BUILDS_TIER:
            item.add_marker(pytest.mark.builds)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    if workers > 1:  # each worker collects and orders alike; worksteal then hands out consecutive shares
        items[:] = balanced_order(scheduling_units(items), workers)


def scheduling_units(items) -> list[tuple[float, list]]:
    """The tests in collection order as units for tests/scheduling.py: one per test, except that the tests of a module
    using one of its module-scoped fixtures (a build of their own) are one unit, in their order, whose seconds count
    each parametrised test once (its first case makes the module's build)."""
    units, by_module = [], {}
    for item in items:
        # pytest's own record of the fixtures a test uses (the last definition of a name is the one that applies)
        shares_build = any(defs[-1].scope == "module" for defs in item._fixtureinfo.name2fixturedefs.values())
        if not shares_build:
            units.append([item])
        elif item.module in by_module:
            by_module[item.module].append(item)
        else:
            units.append(by_module.setdefault(item.module, [item]))
    return [(sum(map(expected_seconds, {i.nodeid.split("[", 1)[0] for i in tests})), tests) for tests in units]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_run(env: dict, cwd: Path = PROJECT_ROOT, *args: str) -> subprocess.CompletedProcess:
    """`make run` (`python -m pipeline.cli.run`) in its own process, with this environment: its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.run", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def small_raw(folder: Path, months: tuple[str, ...], sources: tuple[str, ...] = ("workforce", "targets")) -> Path:
    """A raw folder with a few demo months of participation and whole demo folders of the other sources."""
    (folder / "participation").mkdir(parents=True)
    for name in months:
        shutil.copy(DEMO_RAW / "participation" / name, folder / "participation" / name)
    for source in sources:
        shutil.copytree(DEMO_RAW / source, folder / source)
    return folder


def build(raw_dir: Path, warehouse_dir: Path):
    """Materialise the whole asset graph in this process; returns the result and {(asset, check): passed}."""
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.resources import WarehouseResource

    job = defs.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            resources={"warehouse": WarehouseResource(raw_dir=str(raw_dir), warehouse_dir=str(warehouse_dir))},
            raise_on_error=False,
        )
        checks = {
            (
                e.event_specific_data.asset_check_key.asset_key.to_user_string(),
                e.event_specific_data.asset_check_key.name,
            ): e.event_specific_data.passed
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
        }
    return result, checks


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    """The demo data, built once per test session and shared by every pytest-xdist worker: (warehouse folder, checks).

    The first worker to need it builds it under a lock in the session's shared temporary folder; the others wait and
    read the same files (read-only: no test writes the demo warehouse)."""
    shared = (
        tmp_path_factory.getbasetemp().parent
        if os.environ.get("PYTEST_XDIST_WORKER")
        else tmp_path_factory.getbasetemp()
    )
    warehouse_dir, outcome = shared / "demo_warehouse", shared / "demo_warehouse.json"
    with open(shared / "demo_warehouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            result, checks = build(DEMO_RAW, warehouse_dir)
            outcome.write_text(
                json.dumps({"success": result.success, "checks": [[*key, passed] for key, passed in checks.items()]})
            )
    built = json.loads(outcome.read_text())
    assert built["success"]
    return warehouse_dir, {(asset, check): passed for asset, check, passed in built["checks"]}


@pytest.fixture
def demo(demo_warehouse):
    warehouse_dir, checks = demo_warehouse
    con = duckdb.connect(str(warehouse_dir / "jamsostek.duckdb"), read_only=True)
    yield con, checks
    con.close()


@pytest.fixture(scope="session")
def matcher() -> RegionMatcher:
    return RegionMatcher.from_reference(REFERENCE_DIR)


@pytest.fixture(scope="session")
def synonyms() -> HeaderSynonyms:
    return HeaderSynonyms.from_file(HEADER_SYNONYMS)
