"""The dbt manifest of sql/, kept prepared: parsed again only when a file of the dbt project changed.

`dbt parse` takes several seconds, so `make run`, the UI and the tests read the manifest in the dbt state folder
($DAGSTER_HOME/dbt/project/manifest.json, never in the checkout, which an office install keeps read-only); this
re-parses it first when any model, test, macro or project file is newer (under a lock, so that two processes never
parse at once). Parsing needs no database and no network. It is parsed with the profile the build uses (the same
working database), so that dbt's partial parsing holds from one invocation to the next.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from pipeline.settings import SQL_DIR, dbt_state_dir, duckdb_memory, warehouse_dir
from pipeline.warehouse.connection import working_path
from pipeline.warehouse.dbt_sources import check_generated

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")

DBT_ENVIRONMENT = {
    # dbt must not reach the network: no usage statistics, no version check; and it prints plain text, no colour codes.
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DO_NOT_TRACK": "1",
    "DBT_USE_COLORS": "false",
}


def manifest_path() -> Path:
    return dbt_state_dir() / "project" / "manifest.json"


def dbt_run_environment() -> dict[str, str]:
    """What every dbt invocation is given: DBT_ENVIRONMENT, its log folder in the state folder and the working database
    (profiles.yml reads it), the same for `dbt parse` as for the build so that the profile never looks changed."""
    return {
        **DBT_ENVIRONMENT,
        "DBT_LOG_PATH": str(dbt_state_dir() / "logs"),
        "JAMSOSTEK_WORKING_DATABASE": str(working_path(warehouse_dir())),
        "JAMSOSTEK_DUCKDB_MEMORY": duckdb_memory(),
        # One dbt thread by default: DuckDB already uses every core within a model, and at national scale two dbt
        # threads made the two roster marts compete (dbt 20.1 s against 18.1 s with one, docs/performance.md).
        "JAMSOSTEK_DBT_THREADS": os.environ.get("JAMSOSTEK_DBT_THREADS") or "1",
    }


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def _project_fingerprint() -> str:
    """The dbt project as it is now: every project file's path and content, and where the project lives. Content, not
    modification times: a checkout of another release, a restore that keeps times, or a state folder made by another
    checkout all change what the manifest must say without making any file newer than it."""
    digest = hashlib.sha256(str(SQL_DIR.resolve()).encode())
    for name in PROJECT_FILES:
        path = SQL_DIR / name
        for file in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            digest.update(f"\0{file.relative_to(SQL_DIR)}\0".encode() + file.read_bytes())
    return digest.hexdigest()


def _current() -> bool:
    manifest = manifest_path()
    recorded = manifest.with_name("project.sha256")
    return manifest.exists() and recorded.exists() and recorded.read_text() == _project_fingerprint()


def ensure_manifest() -> Path:
    """The manifest in the dbt state folder, parsed again if the dbt project changed since."""
    check_generated()  # the dbt sources of the registry (`make generated`)
    manifest = manifest_path()
    if _current():
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _current():
            return manifest  # another process parsed it while this one waited
        fingerprint = _project_fingerprint()  # taken before the parse: a file changed during it parses again next time
        parsed = subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--project-dir",
                str(SQL_DIR),
                "--profiles-dir",
                str(SQL_DIR),
                "--target-path",
                str(manifest.parent),
            ],
            cwd=manifest.parent,
            env={**os.environ, **dbt_run_environment()},
            capture_output=True,
            text=True,
        )
        if parsed.returncode != 0:
            raise RuntimeError(
                f"dbt parse of {SQL_DIR} failed (exit {parsed.returncode}):\n{dbt_error_text(parsed.stdout + parsed.stderr)}"
            )
        manifest.with_name("project.sha256").write_text(fingerprint)
    return manifest


def dbt_error_text(output: str) -> str:
    """dbt's own words for a failure: its error lines and what follows them, or the whole output when none is marked."""
    lines = [line for line in output.splitlines() if line.strip()]
    first = next((i for i, line in enumerate(lines) if "error" in line.lower()), None)
    return (
        "\n".join(lines[first:] if first is not None else lines[-40:])
        or "dbt printed nothing (is the dbt state folder writable?)"
    )
