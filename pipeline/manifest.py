"""The dbt manifest of sql/, kept prepared: parsed again only when a file of the dbt project changed.

`dbt parse` takes several seconds, so `make run`, the UI and the tests read sql/target/manifest.json; this re-parses
it first when any model, test, macro or project file is newer (under a lock, so that two processes never parse at
once). Parsing needs no database and no network.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from pipeline.settings import SQL_DIR

MANIFEST = SQL_DIR / "target" / "manifest.json"
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")

# dbt must not reach the network: no usage statistics, no version check.
DBT_ENVIRONMENT = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_VERSION_CHECK": "false", "DO_NOT_TRACK": "1"}


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def _newest_source() -> float:
    newest = 0.0
    for name in PROJECT_FILES:
        path = SQL_DIR / name
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


def ensure_manifest() -> Path:
    """sql/target/manifest.json, parsed again if the project changed since it was written."""
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_source():
        return MANIFEST
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    with open(MANIFEST.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_source():
            return MANIFEST  # another process parsed it while this one waited
        parsed = subprocess.run(
            [dbt_executable(), "parse", "--project-dir", str(SQL_DIR), "--profiles-dir", str(SQL_DIR), "--quiet"],
            cwd=SQL_DIR, env={**os.environ, **DBT_ENVIRONMENT}, capture_output=True, text=True,
        )  # fmt: skip
        if parsed.returncode != 0:
            raise RuntimeError(f"dbt parse of {SQL_DIR} failed:\n{parsed.stdout}\n{parsed.stderr}")
    return MANIFEST
