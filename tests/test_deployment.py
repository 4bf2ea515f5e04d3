"""The office deployment of docs/deployment.md, followed as written: deploy/install.sh on a fresh checkout under /opt,
a system user, Debian's python3 and a PostgreSQL cluster; the code server, the webserver and the daemon started as the
service user from the systemd units' own ExecStart, EnvironmentFile and UMask, all at once as systemd starts them; then
what an office sees.

Each office's environment file also sets JAMSOSTEK_SENSOR_SECONDS=5 (the default is 30), so that the daemon's ticks
the tests wait on come six times as often.

- A first build on the empty raw folder succeeds (`make run` as the service user, the secrets never on a command line).
- The daemon, started after that build, launches nothing over three ticks of each sensor; one new raw file brings
  exactly one run.
- A launch through the UI's GraphQL API that tries to point the build at other folders is refused; one as the UI
  makes it succeeds. The files the build wrote are not readable by other users.
- Upgraded from the previous release as the doc says (pull, install.sh, migrate, restart): the daemon's sensor rebuilds
  what the new code changed and publishes.
- Backed up and restored onto a "new server" as the doc says (a fresh cluster and state folder, the old environment
  file put back before install.sh): the services log in, the run history is there, analysts can open the put-back
  analyst file, and the next new file is published.

The three are separate offices (each its own checkout, cluster, folders, service user and UI port), so that they run
side by side in the suite; what differs between two test "servers" is only their folders, ports and user.

Skipped, with the reason, only without root or Debian's postgresql and python3 (`.ci/run` installs postgresql).
"""

import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import PROJECT_ROOT
from tests.conftest import DEMO_RAW, free_port
from tests.test_postgres_instance import BIN, as_postgres, start_cluster, stop_cluster
from tests.test_ui import FULL_BUILD, LAUNCH, graphql, runs, wait_for

DEBIAN_PYTHON = Path("/usr/bin/python3")
SERVICE_USER = "jamsostek_ci"  # each test's office has its own: SERVICE_USER + a suffix
SENSOR_SECONDS = 5  # JAMSOSTEK_SENSOR_SECONDS in each office's environment file: the daemon's shortest sensor loop
SERVICES = ("jamsostek-code-server", "jamsostek-webserver", "jamsostek-daemon")  # the order of office["processes"]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0
    or BIN is None
    or not (BIN / "initdb").exists()
    or not DEBIAN_PYTHON.exists()
    or not shutil.which("useradd"),
    reason="needs root, Debian's python3 and PostgreSQL server binaries (Debian package postgresql)",
)


def unit(path: Path) -> dict[str, str]:
    """The [Service] settings of a systemd unit file."""
    settings = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            settings[name.strip()] = value.strip()
    return settings


def environment_file(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#")
    )


def start_service(unit_file: Path, log: Path, port: int = 3000) -> subprocess.Popen:
    """A unit's ExecStart as systemd would run it: its User and Group, WorkingDirectory, EnvironmentFile and UMask
    (the webserver on `port` instead of the unit's 3000, for offices tested side by side)."""
    service = unit(unit_file)
    user = pwd.getpwnam(service["User"])
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": user.pw_dir,
        **environment_file(Path(service["EnvironmentFile"])),
    }
    return subprocess.Popen(
        service["ExecStart"].replace(" -p 3000 ", f" -p {port} ").split(),
        cwd=service["WorkingDirectory"],
        env=env,
        user=user.pw_uid,
        group=user.pw_gid,
        extra_groups=[],
        umask=int(service["UMask"], 8),
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def as_service_user(script: str, etc: Path, user: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """A command as the docs give it: runuser, the environment file loaded inside the shell, nothing secret in argv."""
    return subprocess.run(
        [
            shutil.which("runuser"),
            "-u",
            user,
            "--",
            "sh",
            "-c",
            f"set -a; . {etc}/jamsostek.env; set +a; {script}",
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


def run_processes(user: str) -> list[str]:
    """The service user's processes that belong to a run: the run worker (a process the code server spawns) and the
    reader process it spawns; not the code server's own multiprocessing resource tracker, which lives as long as it."""
    listed = subprocess.run(["ps", "-u", user, "-o", "pid=,ppid=,rss=,args="], capture_output=True, text=True).stdout
    return [line.strip() for line in listed.splitlines() if "spawn_main" in line or "execute_run" in line]


SENSOR_TICKS = """query ($after: Float) { repositoriesOrError { ... on RepositoryConnection { nodes { sensors {
  name sensorState { status ticks(afterTimestamp: $after, statuses: [SKIPPED, SUCCESS, FAILURE]) { status runIds } }
} } } } }"""


def wait_for_ticks(url: str, since: float, count: int) -> dict[str, list[dict]]:
    """Every running sensor of the daemon has finished `count` evaluations since `since`: what a quiet daemon is
    waited on (its own record of its ticks), never a fixed sleep. Returns the ticks by sensor."""

    def ticks() -> dict[str, list[dict]]:
        nodes = graphql(url, SENSOR_TICKS, {"after": since})["repositoriesOrError"]["nodes"]
        return {
            sensor["name"]: sensor["sensorState"]["ticks"]
            for node in nodes
            for sensor in node["sensors"]
            if sensor["sensorState"]["status"] == "RUNNING"
        }

    return wait_for(
        lambda: (found := ticks()) and all(len(t) >= count for t in found.values()) and found,
        300,
        lambda: f"{count} evaluations of each sensor: {ticks()}",
    )


def install(checkout: Path, env: dict[str, str]) -> None:
    """deploy/install.sh of the checkout, as root, with the office's folders, cluster and units from `env`."""
    installed = subprocess.run(
        [str(checkout / "deploy" / "install.sh")], env=env, capture_output=True, text=True, timeout=900
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]


@contextmanager
def office_installed(suffix: str, release: str | None = None):
    """A fresh office, installed as root would by deploy/install.sh: the committed project cloned under /opt (reset to
    `release` when given; skipped if that commit is not in the clone), its own PostgreSQL cluster, state and /etc
    folders and service user (SERVICE_USER_suffix). Everything it started or made is removed afterwards."""
    user = f"{SERVICE_USER}_{suffix}"
    checkout = Path(tempfile.mkdtemp(prefix="jamsostek-coverage-", dir="/opt"))
    state = Path(tempfile.mkdtemp(prefix="jamsostek-", dir="/srv"))
    etc = Path(tempfile.mkdtemp(prefix="jamsostek-", dir="/etc"))
    units = Path(tempfile.mkdtemp(prefix="jamsostek-units-"))
    pg_port = free_port()
    cluster = start_cluster(pg_port, "--auth-local=trust", "--auth-host=scram-sha-256")
    processes, clusters, folders = [], [], []
    try:
        subprocess.run(
            ["git", "clone", "--quiet", str(PROJECT_ROOT), str(checkout)], check=True
        )  # the committed project
        if release is not None:
            known = subprocess.run(["git", "-C", str(checkout), "cat-file", "-e", f"{release}^{{commit}}"])
            if known.returncode != 0:
                pytest.skip(f"the release {release} is not in this clone's history")
            subprocess.run(["git", "-C", str(checkout), "reset", "--quiet", "--hard", release], check=True)
        os.chmod(checkout, 0o755)
        os.chmod(state, 0o755)
        shutil.rmtree(etc)
        # root's own environment (its package index settings), as in the administrator's shell
        env = {
            **os.environ,
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "SERVICE_USER": user,
            "STATE": str(state),
            "ETC": str(etc),
            "PG_PORT": str(pg_port),
            "PG_SOCKET": str(cluster),
            "UNITS": str(units),
            "PYTHON": str(DEBIAN_PYTHON),
        }
        install(checkout, env)
        # The sensors' documented setting, shorter than the default (the test's files are copied in whole).
        with open(etc / "jamsostek.env", "a") as settings:
            settings.write(f"JAMSOSTEK_SENSOR_SECONDS={SENSOR_SECONDS}\n")
        yield {
            "user": user,
            "checkout": checkout,
            "state": state,
            "etc": etc,
            "units": units,
            "processes": processes,
            "pg_port": pg_port,
            "cluster": cluster,
            "install_env": env,
            "clusters": clusters,
            "folders": folders,
        }
    finally:
        # Stopped in the reverse order of their start, as systemd stops units: the code server last, once nothing holds
        # a call open on it (it waits up to 60 s for open calls).
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        for started in (cluster, *clusters):
            stop_cluster(started)
        subprocess.run(["userdel", user], capture_output=True)
        for folder in (checkout, state, etc, units, *folders):
            shutil.rmtree(folder, ignore_errors=True)


HEALTH = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"


def wait_until_healthy(url: str, daemon_log: Path) -> None:
    wait_for(
        lambda: all(
            d["healthy"] for d in graphql(url, HEALTH)["instance"]["daemonHealth"]["allDaemonStatuses"] if d["required"]
        ),
        180,
        lambda: "webserver and daemon to be healthy: " + daemon_log.read_text()[-2000:],
    )


def add_raw_file(office: dict, source: str, name: str, state: Path | None = None) -> Path:
    """A demo file put into the office's raw folder as an office would: owned by the service user."""
    added = (state or office["state"]) / "raw" / source / name
    shutil.copy(DEMO_RAW / source / name, added)
    shutil.chown(added, office["user"], office["user"])
    return added


@pytest.fixture
def office():
    with office_installed("day1") as installed:
        yield installed


def test_the_office_deployment_works_as_written(office):
    checkout, state, etc = office["checkout"], office["state"], office["etc"]
    venv_python = Path(os.readlink(checkout / ".venv" / "bin" / "python"))
    assert not str(venv_python.resolve()).startswith("/root"), venv_python  # the service user can run it
    secrets = environment_file(etc / "jamsostek.env")
    assert stat.S_IMODE((etc / "jamsostek.env").stat().st_mode) == 0o600 and len(secrets["JAMSOSTEK_PII_KEY"]) > 40

    # A first build on the empty raw folder, as the doc gives it.
    first = as_service_user(f"exec make -C {checkout} --no-print-directory run", etc, office["user"])
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-3000:]
    assert "Unable to do partial parsing" not in first.stdout and "\x1b[" not in first.stdout
    warehouse = state / "warehouse"
    for path, mode in (
        (warehouse / "jamsostek.duckdb", 0o640),
        (warehouse, 0o750),
        (state / "raw", 0o700),
        (state / "raw" / "rentan", 0o700),
    ):
        assert stat.S_IMODE(path.stat().st_mode) == mode, (path, oct(path.stat().st_mode))
    assert not [p for p in warehouse.rglob("*") if p.stat().st_mode & stat.S_IROTH]  # nothing readable by other users
    assert not (checkout / "sql" / "target").exists() and not (checkout / "sql" / "logs").exists()

    # The services, from the units' own lines, started together (systemd orders them, but does not wait for the code
    # server to have loaded the definitions before it starts the other two).
    port = 3000  # the units' ExecStart binds 127.0.0.1:3000
    services_started = time.time()
    for name in SERVICES:
        office["processes"].append(start_service(office["units"] / f"{name}.service", state / f"{name}.log"))
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, state / "jamsostek-daemon.log")
    before = len(runs(url))

    # After a full build, the daemon's sensor and automation launch nothing: three evaluations of each running sensor
    # since the daemon started (the file sensor's first only notes the folders; the second compares them with the build).
    ticks = wait_for_ticks(url, since=services_started, count=3)
    assert len(runs(url)) == before and not [t for ts in ticks.values() for t in ts if t["runIds"]], (runs(url), ticks)

    # One new raw file (a workbook: read in the reader process, from a run the daemon launched): exactly one run, and it succeeds.
    new_file = state / "raw" / "participation" / "2022-01_kepesertaan_jatim.xlsx"
    shutil.copy(DEMO_RAW / "participation" / new_file.name, new_file)
    shutil.chown(new_file, office["user"], office["user"])
    wait_for(lambda: len(runs(url)) > before, 180, "the sensor to launch a run for the new file")
    wait_for(
        lambda: runs(url)[0]["status"] in ("SUCCESS", "FAILURE"), 300, lambda: f"the run to finish: {runs(url)[0]}"
    )
    # A run's processes exit when it ends: its run worker and the workbook reader it started (once, each finished
    # run left about 460 MB behind under the daemon's code servers).
    wait_for(
        lambda: not run_processes(office["user"]),
        60,
        lambda: f"the finished run's processes to exit: {run_processes(office['user'])}",
    )
    wait_for_ticks(url, since=time.time(), count=2)  # two more evaluations of each sensor: nothing else is launched
    assert len(runs(url)) == before + 1 and runs(url)[0]["status"] == "SUCCESS", runs(url)
    assert not run_processes(office["user"])
    with duckdb.connect(str(warehouse / "jamsostek.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT status, rows_loaded > 0 FROM dq.file_ledger WHERE source = 'participation'"
        ).fetchall() == [("loaded", True)]

    # The code server, the run it started and the daemon die together (a reboot, the OOM killer). Once they are back, the
    # ghost run is marked failed (it would otherwise block the one-run queue for ever) and the file is published.
    second = state / "raw" / "participation" / "2022-02_kepesertaan_jatim.xlsx"
    shutil.copy(DEMO_RAW / "participation" / second.name, second)
    shutil.chown(second, office["user"], office["user"])
    ghost = wait_for(
        lambda: next(
            (
                r
                for r in runs(url)
                if r["status"] == "STARTED" and any(t["key"] == "jamsostek/process" for t in r["tags"])
            ),
            None,
        ),
        180,
        lambda: f"the run for the second file to start: {runs(url)[:2]}",
    )["runId"]
    for killed in (0, 2):  # the code server with the run (its child) and the daemon, at once; the webserver stays
        os.killpg(office["processes"][killed].pid, signal.SIGKILL)
    for killed in (0, 2):
        office["processes"][killed].wait(timeout=60)
    wait_for(
        lambda: not run_processes(office["user"]), 30, lambda: f"the run to die too: {run_processes(office['user'])}"
    )
    status = lambda run_id: {r["runId"]: r["status"] for r in runs(url)}[run_id]  # noqa: E731
    assert status(ghost) == "STARTED"
    for restarted in (0, 2):
        name = SERVICES[restarted]
        office["processes"][restarted] = start_service(
            office["units"] / f"{name}.service", state / f"{name}-restarted.log"
        )
    wait_for(lambda: status(ghost) == "FAILURE", 180, "the ghost run to be marked failed")
    wait_for(
        lambda: runs(url)[0]["runId"] != ghost and runs(url)[0]["status"] == "SUCCESS",
        420,
        lambda: f"a new run to publish the second file: {runs(url)[:2]}",
    )
    with duckdb.connect(str(warehouse / "jamsostek.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM dq.file_ledger WHERE source = 'participation' AND status IN ('loaded', 'unchanged')"
        ).fetchone() == (2,)

    # Anyone who reaches the UI cannot point a build at folders of their choosing: such a launch is refused. One as the
    # UI makes it for a selected asset (the publish step: the whole graph was built by the daemon's runs above) succeeds.
    republish = {
        **FULL_BUILD,
        "selector": {**FULL_BUILD["selector"], "assetSelection": [{"path": ["analyst_warehouse"]}]},
    }
    hostile = {
        **republish,
        "runConfigData": {"resources": {"warehouse": {"config": {"raw_dir": "/tmp", "warehouse_dir": "/tmp/x"}}}},
    }
    refused = graphql(url, LAUNCH, {"params": hostile})["launchRun"]
    assert refused["__typename"] in ("RunConfigValidationInvalid", "PythonError"), refused
    launched = graphql(url, LAUNCH, {"params": republish})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    wait_for(
        lambda: {r["runId"]: r["status"] for r in runs(url)}[launched["run"]["runId"]] in ("SUCCESS", "FAILURE"),
        300,
        "the launched run",
    )
    history = [(r["runId"], r["status"]) for r in runs(url)]
    assert history[0] == (launched["run"]["runId"], "SUCCESS"), runs(url)[:2]


def test_an_office_restored_onto_a_new_server_as_written():
    """Backed up and restored as docs/deployment.md says, from an office whose first build ran: the restored services
    log in, show the same run history, analysts open the put-back file, and the next new file is published."""
    with office_installed("restore") as office:
        checkout, state, etc, user = office["checkout"], office["state"], office["etc"], office["user"]
        for name in ("2022-01_kepesertaan_jatim.xlsx", "2022-02_kepesertaan_jatim.xlsx"):
            add_raw_file(office, "participation", name)
        built = as_service_user(f"exec make -C {checkout} --no-print-directory run", etc, user)
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        warehouse = state / "warehouse"
        secrets = environment_file(etc / "jamsostek.env")
        # The run history as Dagster's database holds it, newest first (what the UI lists).
        old_server = ["-h", str(office["cluster"]), "-p", str(office["pg_port"])]
        history = as_postgres(
            "psql", *old_server, "-d", "jamsostek_dagster", "-Atc", "SELECT run_id FROM runs ORDER BY id DESC"
        ).stdout.split()
        assert len(history) == 1, history

        # Back up as the doc says, then restore onto a new server as the doc says: a fresh cluster and a fresh state
        # folder; the old environment file put back before install.sh (which sets the role's password from it); Dagster's
        # database restored; the raw folder and the analyst file put back with the owners and modes the doc gives.
        backup = Path(tempfile.mkdtemp(prefix="jamsostek-backup-"))
        os.chown(backup, pwd.getpwnam("postgres").pw_uid, -1)
        dump = backup / "dagster.dump"
        as_postgres("pg_dump", *old_server, "-Fc", "-f", str(dump), "jamsostek_dagster")
        subprocess.run(["tar", "-C", str(state), "-czf", str(backup / "raw.tar.gz"), "raw"], check=True)
        shutil.copy(warehouse / "jamsostek.duckdb", backup / "jamsostek.duckdb")
        old_env = (etc / "jamsostek.env").read_text()

        new_port = free_port()
        new_cluster = start_cluster(new_port, "--auth-local=trust", "--auth-host=scram-sha-256")
        office["clusters"].append(new_cluster)
        new_state = Path(tempfile.mkdtemp(prefix="jamsostek-", dir="/srv"))
        new_etc = Path(tempfile.mkdtemp(prefix="jamsostek-", dir="/etc"))
        new_units = Path(tempfile.mkdtemp(prefix="jamsostek-units-"))
        office["folders"] += [new_state, new_etc, new_units]
        os.chmod(new_state, 0o755)
        # The same file with the same secrets; only what differs between these two test "servers" (folders, port) differs.
        moved = old_env.replace(str(state), str(new_state)).replace(
            f"DAGSTER_PG_PORT={office['pg_port']}", f"DAGSTER_PG_PORT={new_port}"
        )
        (new_etc / "jamsostek.env").write_text(moved)
        os.chmod(new_etc / "jamsostek.env", 0o600)
        install(
            checkout,
            {
                **office["install_env"],
                "STATE": str(new_state),
                "ETC": str(new_etc),
                "PG_PORT": str(new_port),
                "PG_SOCKET": str(new_cluster),
                "UNITS": str(new_units),
            },
        )
        assert environment_file(new_etc / "jamsostek.env")["JAMSOSTEK_PII_KEY"] == secrets["JAMSOSTEK_PII_KEY"]
        socket = ["-h", str(new_cluster), "-p", str(new_port)]
        as_postgres("dropdb", *socket, "jamsostek_dagster")
        as_postgres("pg_restore", *socket, "--create", "-d", "postgres", str(dump))
        subprocess.run(["tar", "-C", str(new_state), "-xzf", str(backup / "raw.tar.gz")], check=True)
        subprocess.run(["chown", "-R", f"{user}:{user}", str(new_state / "raw")], check=True)
        subprocess.run(["chmod", "-R", "u=rwX,go=", str(new_state / "raw")], check=True)
        new_warehouse = new_state / "warehouse"
        subprocess.run(
            [
                "install",
                "-m",
                "0640",
                "-o",
                user,
                "-g",
                user,
                str(backup / "jamsostek.duckdb"),
                str(new_warehouse / "jamsostek.duckdb"),
            ],
            check=True,
        )
        shutil.rmtree(backup, ignore_errors=True)
        # Analysts (the service group) can open the put-back file at once.
        opened = as_service_user(
            f"exec {checkout}/.venv/bin/python -c \"import duckdb; print(duckdb.connect('{new_warehouse}/jamsostek.duckdb', "
            "read_only=True).execute('SELECT count(*) FROM dq.file_ledger').fetchone()[0])\"",
            new_etc,
            user,
        )
        assert opened.returncode == 0 and int(opened.stdout.strip()) == 2, opened.stdout + opened.stderr
        port = free_port()
        for name in SERVICES:
            office["processes"].append(start_service(new_units / f"{name}.service", new_state / f"{name}.log", port))
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, new_state / "jamsostek-daemon.log")
        assert [r["runId"] for r in runs(url)] == history  # the same history
        third = add_raw_file(office, "participation", "2022-03_kepesertaan_jatim.xlsx", new_state)
        os.chmod(third, 0o600)

        def published() -> bool:
            with duckdb.connect(str(new_warehouse / "jamsostek.duckdb"), read_only=True) as con:
                return con.execute(
                    "SELECT count(*) FROM dq.file_ledger WHERE file_path LIKE '%2022-03%' AND status = 'loaded'"
                ).fetchone() == (1,)

        wait_for(published, 600, lambda: f"the next new file to be published after the restore: {runs(url)[:3]}")


# The release offices run before this one: the upgrade test installs it, builds, and upgrades to the checked-out code
# as docs/deployment.md says. Move it forward when a release is cut.
PREVIOUS_RELEASE = "0f602a9"


def test_an_office_upgrades_from_the_previous_release_as_written():
    with office_installed("upgrade", release=PREVIOUS_RELEASE) as office:
        checkout, state, etc, user = office["checkout"], office["state"], office["etc"], office["user"]
        for name in ("2024-11_kepesertaan_jatim.xlsx", "2024-12_kepesertaan_jatim.xlsx"):
            add_raw_file(office, "participation", name)
        for source in ("workforce", "targets"):
            for path in (DEMO_RAW / source).iterdir():
                add_raw_file(office, source, path.name)
        built = as_service_user(f"exec make -C {checkout} --no-print-directory run", etc, user)
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        analyst = state / "warehouse" / "jamsostek.duckdb"
        before = analyst.stat().st_ino

        # The upgrade, as the doc gives it: pull, install.sh again (the environment, units and workspace of the new
        # release; the environment file and the database are kept), migrate, restart the services.
        pulled = subprocess.run(["git", "-C", str(checkout), "pull", "--quiet"], capture_output=True, text=True)
        assert pulled.returncode == 0, pulled.stderr
        install(checkout, office["install_env"])
        migrated = as_service_user(f"exec {checkout}/.venv/bin/dagster instance migrate", etc, user)
        assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-2000:]
        for name in ("jamsostek-code-server", "jamsostek-daemon"):
            office["processes"].append(start_service(office["units"] / f"{name}.service", state / f"{name}.log"))

        # The sensor's next tick finds what the new code changed stale, rebuilds it and publishes.
        def republished() -> bool:
            """A new analyst file (the new code's run published), with the files the old release had loaded."""
            if analyst.stat().st_ino == before:
                return False
            with duckdb.connect(str(analyst), read_only=True) as con:
                return con.execute(
                    "SELECT count(*) FROM dq.file_ledger WHERE source = 'participation' AND status IN ('loaded', 'unchanged')"
                ).fetchone() == (2,)

        wait_for(
            republished,
            600,
            lambda: (
                "the upgraded code to be built and published: " + (state / "jamsostek-daemon.log").read_text()[-3000:]
            ),
        )
