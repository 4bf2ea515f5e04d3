"""Publishing: the working database becomes the analyst file `jamsostek.duckdb` in one atomic rename.

Publishing copies the working database into a new file and renames it over the analyst file, so an analyst's open
read-only session keeps its old snapshot and a failed or killed build leaves the last good file in place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline.warehouse.connection import analyst_path, connect, working_path


def publish(warehouse_dir: Path) -> Path:
    """Copy the working database into a fresh file and rename it over the analyst file in one step.

    The copy is made while holding the working database (no other build writes meanwhile) after a checkpoint, so
    the file is complete on its own.
    """
    target = analyst_path(warehouse_dir)
    staging = target.with_name(f".{target.name}.publishing")
    staging.unlink(missing_ok=True)
    with connect(warehouse_dir) as con:
        con.execute("CHECKPOINT")
        shutil.copyfile(working_path(warehouse_dir), staging)
    with open(staging, "rb") as f:
        os.fsync(f.fileno())
    os.replace(staging, target)
    return target
