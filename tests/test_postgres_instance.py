"""The office deployment's instance (deploy/dagster.yaml) against a real PostgreSQL server.

A throwaway cluster (Debian's postgresql: initdb + pg_ctl as the postgres user, on 127.0.0.1 and a free port) takes
the run, event-log and schedule storage of a full `python -m pipeline.cli.run`; the run is then read back from it.
Skipped, with the reason, only where PostgreSQL is not installed (`.ci/run` installs it).
"""

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT
from tests.conftest import free_port, make_run, small_raw

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)

pytestmark = pytest.mark.skipif(
    BIN is None or not (BIN / "initdb").exists() or os.geteuid() != 0,
    reason="PostgreSQL server binaries (Debian package postgresql) not installed, or not root to run them as postgres",
)


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True, **kwargs
    )


def start_cluster(port: int, *auth: str) -> Path:
    """A throwaway cluster started as postgres on 127.0.0.1:`port` (`auth`: initdb's authentication options).

    Outside pytest's tmp folders, which only root may enter: the server runs as postgres."""
    cluster = Path(tempfile.mkdtemp(prefix="jamsostek-pg-"))
    postgres_user = pwd.getpwnam("postgres")
    os.chown(cluster, postgres_user.pw_uid, postgres_user.pw_gid)
    as_postgres(str(BIN / "initdb"), "-D", str(cluster), "-U", "postgres", *auth)
    as_postgres(
        str(BIN / "pg_ctl"),
        "-D",
        str(cluster),
        "-w",
        "-l",
        str(cluster / "server.log"),
        "-o",
        f"-h 127.0.0.1 -p {port} -k {cluster}",
        "start",
    )
    return cluster


def stop_cluster(cluster: Path) -> None:
    """Stop the cluster, make sure no server is left behind, and remove it."""
    pid_file = cluster / "postmaster.pid"
    pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(BIN / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop"],
        capture_output=True,
    )
    if pid is not None:
        try:
            os.kill(pid, 0)
            os.kill(pid, 9)  # still there after the stop
        except ProcessLookupError:
            pass
    shutil.rmtree(cluster, ignore_errors=True)


def pg_ctl(cluster: Path, port: int, action: str) -> None:
    as_postgres(
        str(BIN / "pg_ctl"), "-D", str(cluster), "-w", "-m", "immediate", "-l", str(cluster / "server.log"),
        "-o", f"-h 127.0.0.1 -p {port} -k {cluster}", action,
    )  # fmt: skip


@pytest.fixture
def postgres(request):
    port = free_port()
    cluster = start_cluster(port, "-A", "trust")
    request.node.cluster = cluster
    try:
        as_postgres(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "jamsostek_dagster")
        yield port
    finally:
        stop_cluster(cluster)


def office_env(postgres: int, tmp_path: Path) -> dict:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    raw = small_raw(tmp_path / "raw", ("2021-09_kepesertaan_jatim.csv",), ("workforce", "targets"))
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "JAMSOSTEK_RAW_DIR": str(raw),
        "JAMSOSTEK_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_PG_USERNAME": "postgres",
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(postgres),
        "DAGSTER_PG_DB": "jamsostek_dagster",
        "JAMSOSTEK_PII_KEY": "postgres-test-key",
    }


def test_postgresql_gone_during_a_run_leaves_no_ghost_once_it_is_back(postgres, tmp_path, request):
    """A run started by hand while PostgreSQL stops (a restart for an upgrade, a full disk) cannot record its end; once
    PostgreSQL is back, the next run marks it failed (its process is gone) instead of leaving it STARTED, where it would
    block the daemon's one-run queue, and publishes."""
    env = office_env(postgres, tmp_path)
    build = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for line in build.stdout:  # the run has started (and recorded its process) once a step reports
            if re.match(r"\d\d:\d\d:\d\d (staging|ref)/", line):
                break
        pg_ctl(request.node.cluster, postgres, "stop")
        try:
            build.wait(timeout=300)
        except subprocess.TimeoutExpired:  # still retrying its storage: stopped as an operator would
            build.kill()
            build.wait()
    finally:
        if build.poll() is None:
            build.kill()
    pg_ctl(request.node.cluster, postgres, "start")
    again = make_run(env)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "had stopped without recording its end (its process is gone): marked failed" in again.stdout
    statuses = subprocess.run(
        [
            sys.executable,
            "-c",
            "import dagster as dg\nwith dg.DagsterInstance.get() as i:\n"
            "    print(type(i.run_storage).__name__)\n"
            "    print(i.get_latest_materialization_event(dg.AssetKey(['marts', 'coverage'])) is not None)\n"
            "    print(' '.join(r.dagster_run.status.value for r in i.get_run_records()))",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Runs, events and schedules are in PostgreSQL, none in SQLite (compute logs stay files); the full build is there.
    assert statuses.stdout.split() == ["PostgresRunStorage", "True", "SUCCESS", "FAILURE"], statuses.stderr[-2000:]
    assert not list(Path(env["DAGSTER_HOME"]).rglob("*.db"))
