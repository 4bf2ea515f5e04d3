"""The working database the build writes: opening it (waiting for another writer), SQL files, table metadata.

The build never writes the analyst file directly (pipeline/warehouse/publish.py). It writes
`.build/jamsostek_build.duckdb`, in the analysts' storage version so that publishing is a file copy.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from pipeline import settings
from pipeline.settings import SQL_DIR, duckdb_memory

log = logging.getLogger(__name__)

ANALYST_FILE = "jamsostek.duckdb"
# duckdb 2.0's default storage cannot be opened by duckdb-cli 1.5 or older DBeaver drivers; v1.0.0 storage can.
ANALYST_STORAGE_VERSION = "v1.0.0"
CONNECTION_SETTINGS = {
    "preserve_insertion_order": False,
    # A new working database is written in the analysts' storage version, so publishing is a file copy.
    "storage_compatibility_version": ANALYST_STORAGE_VERSION,
}
WORKING_FILE = Path(".build") / "jamsostek_build.duckdb"


def working_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / WORKING_FILE


def analyst_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / ANALYST_FILE


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse; the message names it."""


@contextmanager
def build_lock(warehouse_dir: Path, lock_wait_seconds: float | None = None) -> Iterator[None]:
    """The one lock of a build, held for a whole run: two builds never write the working database at once, and the
    second waits for the first (saying so once) up to JAMSOSTEK_LOCK_WAIT_SECONDS.

    Every writer of the working database is a run (make run, the daemon's runs, a launch from the UI) and a run is one
    process (the in-process executor), so this is taken once per run and nothing else waits or retries.
    """
    path = working_path(warehouse_dir).with_name("build.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = settings.lock_wait_seconds() if lock_wait_seconds is None else lock_wait_seconds
    deadline = time.monotonic() + wait
    with open(path, "a+") as lock:
        said = False
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                lock.seek(0)
                holder = lock.read().strip() or "unknown"
                if not said:  # say who holds it, once, so that a second `make run` does not look hung
                    said = True
                    log.warning(
                        "the working database is in use by another build (PID %s); waiting up to %.0fs for it to finish",
                        holder,
                        wait,
                    )
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"the working database {working_path(warehouse_dir)} is locked by another build (PID {holder}) after waiting {wait:.0f}s"
                    ) from None
                time.sleep(0.5)
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- the working database's identity: a new, set-aside, restored or damaged file means a full build ---------------

IDENTITY_SUFFIX = ".identity"
DUCKDB_MAGIC = (8, b"DUCK")  # where every DuckDB file says what it is


def working_identity(warehouse_dir: Path) -> str:
    """Which working database is there, without opening it (a sensor must never take its lock): a name given when it
    was created, and its inode, so that a file created anew, set aside, deleted or copied back from a backup reads as
    another database (`none` when there is none), and one whose header is not DuckDB's as damaged."""
    path = working_path(warehouse_dir)
    try:
        inode = path.stat().st_ino
        with open(path, "rb") as f:
            f.seek(DUCKDB_MAGIC[0])
            header_ok = f.read(len(DUCKDB_MAGIC[1])) == DUCKDB_MAGIC[1]
    except FileNotFoundError:
        return "none"
    except OSError as error:
        return f"unreadable-{error.errno}"
    sidecar = path.with_name(path.name + IDENTITY_SUFFIX)
    name = sidecar.read_text(encoding="utf-8").strip() if sidecar.exists() else "unnamed"
    return f"{name}-{inode}" + ("" if header_ok else "-damaged")


@contextmanager
def connect(warehouse_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the working database (within a build, which holds `build_lock`), rebuilding a file that is not DuckDB's.
    A database created here (none was there, or a damaged one was set aside) gets a new identity."""
    with opened(warehouse_dir) as (con, _created):
        yield con


def read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse file opened for reading under the build's memory limit: an export or the report over a national
    table spills to disk beyond it, instead of growing towards DuckDB's default of 80% of the machine."""
    return duckdb.connect(str(path), read_only=True, config={"memory_limit": duckdb_memory()})


@contextmanager
def opened(warehouse_dir: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, bool]]:
    """`connect`, saying also whether the working database was created by this call."""
    path = working_path(warehouse_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        created = not path.exists()
        try:
            # DuckDB spills to disk beyond the memory limit rather than grow the build past what the machine allows.
            con = duckdb.connect(str(path), config=CONNECTION_SETTINGS | {"memory_limit": duckdb_memory()})
            version = _storage_version(con)
            if version.startswith(ANALYST_STORAGE_VERSION):
                if created:
                    path.with_name(path.name + IDENTITY_SUFFIX).write_text(uuid.uuid4().hex[:12], encoding="utf-8")
                break
            # Written before the build used the analysts' storage version: publishing could not copy it, so it is
            # rebuilt like a damaged one (the working file is a cache of the raw folder).
            con.close()
            _set_aside(path, f"storage version {version or 'unknown'} is not {ANALYST_STORAGE_VERSION}")
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                # Builds queue on build_lock; whatever else holds the file (a tool an analyst pointed at it) is not waited for.
                raise WarehouseLocked(
                    f"the working database {path} is locked by another process ({_holder(error)}), not a build: close it"
                ) from None
            if _damaged(path, error):
                _set_aside(path, f"not readable: {error}")
                continue
            raise
        except (duckdb.SerializationException, duckdb.InternalException, duckdb.CatalogException) as error:
            # A file cut short or overwritten in the middle: DuckDB can fail on it in several ways while opening it.
            if _damaged(path, error):
                _set_aside(path, f"not readable: {error}")
                continue
            raise
    try:
        yield con, created
    finally:
        con.close()


def _damaged(path: Path, error: Exception) -> bool:
    """Whether opening failed because of the file itself (not a full disk or a folder it may not write)."""
    if not path.exists():
        return False
    text = str(error)
    return not any(word in text for word in ("No space left", "Permission denied", "Read-only file system"))


def _storage_version(con: duckdb.DuckDBPyConnection) -> str:
    [(tags,)] = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return dict(tags or {}).get("storage_version", "")


def _set_aside(path: Path, why: str) -> None:
    """The working file is a cache of the raw folder: one that cannot serve is moved aside and rebuilt from scratch."""
    aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    path.rename(aside)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    path.with_name(path.name + IDENTITY_SUFFIX).unlink(missing_ok=True)
    log.warning("working database %s %s; moved to %s and rebuilt", path, why, aside.name)


def _holder(error: Exception) -> str:
    """'PID 1234' from DuckDB's lock error, or the error itself."""
    found = re.search(r"PID \d+", str(error))
    return found.group(0) if found else str(error)


def sql_path(relative: str) -> Path:
    return SQL_DIR / relative


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str, **names: str) -> None:
    """Run one SQL file of sql/ (the reference tables of sql/ref/); `names` fill its {placeholders}."""
    text = sql_path(relative).read_text(encoding="utf-8")
    for name, value in names.items():
        text = text.replace("{" + name + "}", value)
    con.execute(text)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame) -> None:
    """Append a pandas DataFrame or an Arrow table to `table`, matching columns by name."""
    if len(frame) == 0:
        return
    con.register("incoming_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_frame")
    finally:
        con.unregister("incoming_frame")


def describe(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """Row count, columns with their COMMENT ON text, and a small preview, for asset metadata."""
    schema, name = table.split(".")
    row_count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    columns = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, name],
    ).fetchall()
    comment = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
        [schema, name],
    ).fetchone()
    preview = con.execute(f"SELECT * FROM {table} LIMIT 10").fetchdf()
    return {"row_count": row_count, "columns": columns, "comment": comment[0] if comment else None, "preview": preview}
