"""Where things are. Environment variables are read when called, so tests and runs can point elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
HEADER_SYNONYMS = REFERENCE_DIR / "header_synonyms.toml"
# What a build or the UI writes is for its owner and group only: rosters arrive with full NIKs, and the warehouse holds
# the analysts' data, which they read through the group (docs/deployment.md). The systemd units set the same UMask.
UMASK = 0o027


def raw_dir() -> Path:
    return Path(os.environ.get("JAMSOSTEK_RAW_DIR") or PROJECT_ROOT / "data" / "raw").resolve()


def duckdb_memory() -> str:
    return os.environ.get("JAMSOSTEK_DUCKDB_MEMORY") or "1GB"


def lock_wait_seconds() -> float:
    """How long a build waits for another build to finish before it gives up (a national build takes minutes)."""
    return float(os.environ.get("JAMSOSTEK_LOCK_WAIT_SECONDS") or 1800)


def warehouse_dir() -> Path:
    return Path(os.environ.get("JAMSOSTEK_WAREHOUSE_DIR") or PROJECT_ROOT / "data" / "warehouse").resolve()


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home").resolve()


def dbt_state_dir() -> Path:
    """Where dbt writes its manifest, partial-parse state and logs: under DAGSTER_HOME, which the service can write,
    never in the checkout (root-owned in an office install)."""
    return dagster_home() / "dbt"


def sensor_seconds() -> int:
    """How often the daemon's sensors tick (Dagster's sensor loop runs at most every 5 s). A new file is read once its
    folder has been still for one tick, so a shorter tick suits only files that arrive whole (moved in, not copied)."""
    value = os.environ.get("JAMSOSTEK_SENSOR_SECONDS") or "30"
    if not value.isdigit() or int(value) < 5:
        raise ValueError(f"JAMSOSTEK_SENSOR_SECONDS={value!r}: give whole seconds, 5 or more (the default is 30)")
    return int(value)


def ui_port() -> int:
    return int(os.environ.get("JAMSOSTEK_UI_PORT") or 3000)
