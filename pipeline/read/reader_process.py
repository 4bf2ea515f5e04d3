"""The reader process: calamine allocates a sheet's whole grid, and a hostile file can make that grid any size, so
workbooks are read in a separate process under a memory limit and a time limit (`read_in_worker`); a file beyond
them costs one failed file with a message, never the run."""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import resource
import signal
from pathlib import Path

from pipeline.read.sheet import FileUnreadable


def reader_memory_bytes() -> int:
    """What the reader process may allocate (JAMSOSTEK_READER_MEMORY_MB, default 4096): beyond it a file is refused."""
    return int(os.environ.get("JAMSOSTEK_READER_MEMORY_MB") or 4096) * 1024**2


READ_TIMEOUT_SECONDS = 600  # a national workbook reads in seconds; one still expanding after ten minutes is refused


_pools: dict[int, concurrent.futures.ProcessPoolExecutor] = {}


_worker_pids: dict[int, int] = {}  # each pool's one reader process, asked once: a hung reader is killed by its pid


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["RUST_BACKTRACE"] = "0"  # a refused allocation prints one line, not a stack that reads like a crash


def _reader_pool(limit: int) -> concurrent.futures.ProcessPoolExecutor:
    if limit not in _pools:
        # spawn, not fork: the build process holds DuckDB and Dagster threads that a forked child must not inherit.
        _pools[limit] = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_limit_memory, initargs=(limit,)
        )
        _worker_pids[limit] = _pools[limit].submit(os.getpid).result()
    return _pools[limit]


def _discard_pool(limit: int) -> None:
    pool, pid = _pools.pop(limit, None), _worker_pids.pop(limit, None)
    if pool is not None:
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        pool.shutdown(wait=False, cancel_futures=True)


def close_readers() -> None:
    """End the reader processes (at the end of each run): a run's process, and the reader it started, exit with it."""
    for limit in list(_pools):
        pool = _pools.pop(limit)
        _worker_pids.pop(limit, None)
        pool.shutdown(wait=True, cancel_futures=True)


def read_in_worker(read, path: Path):
    """`read(path)` in a separate process under a memory limit and a time limit: a workbook whose cells expand past
    the limit, or that makes calamine abort, costs one failed file with a message, never the run."""
    limit = reader_memory_bytes()
    future = _reader_pool(limit).submit(read, path)
    try:
        return future.result(timeout=READ_TIMEOUT_SECONDS)
    except concurrent.futures.process.BrokenProcessPool:
        _discard_pool(limit)
        raise FileUnreadable(
            f"{path.name}: reading it needed more than {limit / 1024**2:,.0f} MB of memory (or crashed the spreadsheet reader); "
            "its cells expand far beyond any real report (a used range reaching the sheet's last cell, or a text repeated "
            "in a great many cells); save the table alone in a new workbook or as csv"
        ) from None
    except concurrent.futures.TimeoutError:
        _discard_pool(limit)
        raise FileUnreadable(
            f"{path.name}: still being read after {READ_TIMEOUT_SECONDS} s and refused; save the table alone as csv"
        ) from None
