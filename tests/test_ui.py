"""The Dagster UI in a real browser (Debian's chromium, driven by Playwright), and `make ui`'s clean shutdown.

The webserver serves a copy of the project, so the test can edit a SQL file and watch the UI mark exactly the
affected assets stale. Screenshots are kept in tests/artifacts/.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.definitions import defs
from pipeline.settings import PROJECT_ROOT
from tests.conftest import free_port, small_raw

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (make test installs it in CI)",
)


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body
    return body["data"]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


STALE_QUERY = "{ assetNodes { assetKey { path } staleStatus } }"
RUNS_QUERY = "{ runsOrError { ... on Runs { results { runId status assetSelection { path } tags { key value } } } } }"


def stale_assets(url: str) -> set[str]:
    return {
        "/".join(n["assetKey"]["path"]) for n in graphql(url, STALE_QUERY)["assetNodes"] if n["staleStatus"] == "STALE"
    }


def runs(url: str) -> list[dict]:
    return graphql(url, RUNS_QUERY)["runsOrError"]["results"]


@pytest.fixture
def ui(tmp_path):
    project = tmp_path / "project"
    for part in ("pipeline", "sql", "data/reference"):
        shutil.copytree(PROJECT_ROOT / part, project / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "workspace.yaml", project / "workspace.yaml")
    raw = small_raw(tmp_path / "raw", ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv"))
    home = tmp_path / "dagster_home"
    home.mkdir()
    # The webserver alone (no daemon): runs launch straight from the UI, and no sensor acts behind the test's back.
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\nrun_coordinator:\n  module: dagster.core.run_coordinator\n  class: DefaultRunCoordinator\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        "DAGSTER_HOME": str(home),
        "JAMSOSTEK_RAW_DIR": str(raw),
        "JAMSOSTEK_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-webserver"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-w",
            str(project / "workspace.yaml"),
        ],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        expected = len(list(defs.resolve_asset_graph().get_all_asset_keys()))
        wait_for(
            lambda: len(graphql(url, STALE_QUERY)["assetNodes"]) == expected,
            120,
            "the webserver to load the code location",
        )
        graphql(url, "mutation { setNuxSeen }")
        yield url, project, raw
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def open_materialize_menu(page) -> None:
    page.goto(page.url.split("/asset")[0] + "/asset-groups")
    button = page.get_by_role("button", name="Materialize", exact=False).first
    button.wait_for(timeout=60_000)
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] + 15, box["y"] + box["height"] / 2)  # the menu beside "Materialize all"


def click_materialize_unsynced(page) -> None:
    open_materialize_menu(page)
    page.get_by_text("Materialize unsynced", exact=True).click()
    # The dialog lists the unsynced assets and launches them with "Materialize N assets".
    page.get_by_role("button", name=re.compile(r"^Materialize \d+ assets?$")).click()


def click_observe_all(page) -> None:
    open_materialize_menu(page)
    page.get_by_text("Observe all", exact=False).click()


def wait_for_new_run(url: str, known: set[str]) -> dict:
    def finished():
        new = [r for r in runs(url) if r["runId"] not in known]
        return new[0] if new and new[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED") else None

    return wait_for(finished, 180, "the run launched from the UI to finish")


def test_asset_graph_checks_automation_and_materialize_unsynced_in_a_browser(ui):
    from playwright.sync_api import sync_playwright

    url, project, raw = ui
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})

        page.goto(f"{url}/asset-groups")
        for group in ("raw", "reference", "staging", "core", "dq", "marts", "publish"):
            page.get_by_text(group, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "asset_graph.png")

        page.goto(f"{url}/automation")
        for name in ("nightly_build", "raw_files_sensor", "automation"):
            page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "automation.png")

        page.goto(f"{url}/assets/marts/coverage?view=checks")
        for check in ("coverage_within_0_100", "unique_key", "region_codes_known"):
            page.get_by_text(check, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "coverage_checks.png")

        # Observe the raw folders, then everything is missing: "Materialize unsynced" builds it all.
        page.goto(f"{url}/asset-groups")
        click_observe_all(page)
        assert wait_for_new_run(url, set())["status"] == "SUCCESS"
        known = {r["runId"] for r in runs(url)}
        click_materialize_unsynced(page)
        run = wait_for_new_run(url, known)
        assert run["status"] == "SUCCESS"
        assert stale_assets(url) == set()

        # Edit one SQL file: exactly that table turns stale; "Materialize unsynced" re-runs exactly it, and then,
        # level by level, exactly what is downstream of its new data (the automation sensor would follow by itself).
        sql = project / "sql" / "models" / "marts" / "target_progress.sql"
        sql.write_text(sql.read_text(encoding="utf-8") + "\n-- edited: a new code version\n", encoding="utf-8")
        graphql(
            url, 'mutation { reloadRepositoryLocation(repositoryLocationName: "jamsostek_coverage") { __typename } }'
        )
        seen = []
        wait_for(
            lambda: seen.append(stale_assets(url)) or seen[-1] == {"marts/target_progress"},
            90,
            lambda: f"only marts/target_progress stale (last: {seen[-1:]})",
        )
        known = {r["runId"] for r in runs(url)}
        click_materialize_unsynced(page)
        run = wait_for_new_run(url, known)
        assert run["status"] == "SUCCESS"
        assert {"/".join(k["path"]) for k in run["assetSelection"]} == {"marts/target_progress"}
        wait_for(
            lambda: (
                seen.append(stale_assets(url))
                or seen[-1] == {"marts/target_plan", "marts/coverage_map", "analyst_warehouse"}
            ),
            90,
            lambda: f"the next level stale (last: {seen[-1:]})",
        )

        # Change a raw file and observe the raw folders: exactly the staging asset that reads it turns stale.
        csv_file = raw / "participation" / "2021-10_kepesertaan_jatim.csv"
        csv_file.write_text(
            csv_file.read_text(encoding="utf-8").replace(",PU,", ",Penerima Upah,", 1), encoding="utf-8"
        )
        known = {r["runId"] for r in runs(url)}
        click_observe_all(page)
        assert wait_for_new_run(url, known)["status"] == "SUCCESS"
        seen = []
        # (target_plan, coverage_map and analyst_warehouse are still stale from the SQL edit above; the other raw folders
        # did not change.)
        expected = {"staging/participation", "marts/target_plan", "marts/coverage_map", "analyst_warehouse"}
        wait_for(
            lambda: seen.append(stale_assets(url)) or seen[-1] == expected,
            90,
            lambda: f"{expected} stale (last: {seen[-1:]})",
        )
        page.goto(f"{url}/runs/{run['runId']}")
        page.get_by_text("Success", exact=False).first.wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "materialize_unsynced_run.png")
        browser.close()


LAUNCH = """mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) { __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } }
}"""
FULL_BUILD = {
    "selector": {
        "repositoryLocationName": "jamsostek_coverage",
        "repositoryName": "__repository__",
        "jobName": "__ASSET_JOB",
    },
    "mode": "default",
}


def test_make_ui_runs_one_build_at_a_time_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "home"),
        "JAMSOSTEK_RAW_DIR": str(tmp_path / "raw"),
        "JAMSOSTEK_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    # Started the way the trap bites: in the background, with SIGINT ignored.
    launcher = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.ui", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        query = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"
        daemons = lambda: graphql(url, query)["instance"]["daemonHealth"]["allDaemonStatuses"]  # noqa: E731
        wait_for(
            lambda: all(d["healthy"] for d in daemons() if d["required"]), 120, "webserver and daemon to be healthy"
        )
        assert {"SCHEDULER", "SENSOR", "ASSET"} <= {d["daemonType"] for d in daemons() if d["required"]}
        assert graphql(url, "{ shouldShowNux }")["shouldShowNux"] is False  # no "Join the Dagster community" dialog
        # Two builds launched at the same moment (a schedule tick and a UI click): one waits in the queue, both succeed.
        launched = [graphql(url, LAUNCH, {"params": FULL_BUILD})["launchRun"]["run"]["runId"] for _ in range(2)]
        statuses = lambda: {r["runId"]: r["status"] for r in runs(url) if r["runId"] in launched}  # noqa: E731
        wait_for(
            lambda: set(statuses().values()) <= {"SUCCESS", "FAILURE"} and len(statuses()) == 2,
            240,
            lambda: f"both runs to finish ({statuses()})",
        )
        assert set(statuses().values()) == {"SUCCESS"}
        assert (tmp_path / "home" / "dagster.yaml").exists()
    finally:
        launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=60)
    group = lambda: subprocess.run(["pgrep", "-g", str(launcher.pid)], capture_output=True, text=True).stdout.split()  # noqa: E731
    wait_for(lambda: group() == [], 60, lambda: f"every process of make ui to exit after SIGTERM (left: {group()})")
