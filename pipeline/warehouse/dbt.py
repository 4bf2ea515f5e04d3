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
from pipeline.sources import RAW_FOLDERS

MANIFEST = SQL_DIR / "target" / "manifest.json"
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")

DBT_ENVIRONMENT = {
    # dbt must not reach the network: no usage statistics, no version check.
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_VERSION_CHECK": "false", "DO_NOT_TRACK": "1",
    # The source registry (pipeline/sources): dq.file_ledger and dq.rejected_rows union every source's staging tables.
    "JAMSOSTEK_RAW_SOURCES": ",".join(RAW_FOLDERS),
}  # fmt: skip
PARSED_WITH = MANIFEST.parent / ".parsed_with"  # the registry the manifest was parsed with


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def _newest_source() -> float:
    newest = 0.0
    for name in PROJECT_FILES:
        path = SQL_DIR / name
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


def _current() -> bool:
    return (
        MANIFEST.exists() and MANIFEST.stat().st_mtime >= _newest_source()
        and PARSED_WITH.exists() and PARSED_WITH.read_text() == DBT_ENVIRONMENT["JAMSOSTEK_RAW_SOURCES"]
    )  # fmt: skip


def ensure_manifest() -> Path:
    """sql/target/manifest.json, parsed again if the project or the source registry changed since it was written."""
    if _current():
        return MANIFEST
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    with open(MANIFEST.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _current():
            return MANIFEST  # another process parsed it while this one waited
        parsed = subprocess.run(
            [dbt_executable(), "parse", "--project-dir", str(SQL_DIR), "--profiles-dir", str(SQL_DIR), "--quiet"],
            cwd=SQL_DIR, env={**os.environ, **DBT_ENVIRONMENT}, capture_output=True, text=True,
        )  # fmt: skip
        if parsed.returncode != 0:
            raise RuntimeError(f"dbt parse of {SQL_DIR} failed:\n{parsed.stdout}\n{parsed.stderr}")
        PARSED_WITH.write_text(DBT_ENVIRONMENT["JAMSOSTEK_RAW_SOURCES"])
    return MANIFEST
