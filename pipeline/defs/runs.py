"""Runs whose process is gone: found and marked failed, so that one ghost never blocks the one-run-at-a-time queue.

A run whose process dies with it (a reboot, the OOM killer, the code server killed with its run, PostgreSQL gone while a
run tried to record its end) stays STARTED (NOT_STARTED, when killed while starting) for ever in Dagster's storage, and
with `max_concurrent_runs: 1` every later run waits behind it. Each run records which process it is
(`jamsostek/process`: host, boot, PID and the PID's start time, so that a reused PID is not mistaken for it): `make run`
when it creates the run, so that one killed before it starts is found too, and a run the daemon launched when it starts
(pipeline/defs/resources.py). `make run`, the sensor and the schedule mark such a run failed when that process no longer
exists on this host. A launched run that dies before it starts is Dagster's own run monitoring's
(`run_monitoring.start_timeout_seconds` in dagster.yaml).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import dagster as dg

PROCESS_TAG = "jamsostek/process"
IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
# A run that has not ended; QUEUED is the daemon's and has no process yet.
UNENDED = [status for status in IN_PROGRESS if status != dg.DagsterRunStatus.QUEUED]


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown"


def _start_ticks(pid: int) -> str | None:
    """When the process started (clock ticks since boot), or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22 of proc(5), counted after the command name


def process_identity(pid: int | None = None) -> str:
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}|{_boot_id()}|{pid}|{_start_ticks(pid)}"


def process_tags() -> dict[str, str]:
    return {PROCESS_TAG: process_identity()}


def process_alive(identity: str) -> bool | None:
    """Whether the process a run recorded still exists; None when it ran on another host (not ours to judge)."""
    try:
        host, boot, pid, ticks = identity.split("|")
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    return boot == _boot_id() and _start_ticks(int(pid)) == ticks


def reap_ghost_runs(instance: dg.DagsterInstance, log=None) -> list[str]:
    """Mark failed every unended run whose recorded process is gone; returns their run ids."""
    reaped = []
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=UNENDED))
    for record in records:
        run = record.dagster_run
        identity = run.tags.get(PROCESS_TAG)
        if identity is None or process_alive(identity) is not False:
            continue
        message = (
            f"Marked failed: its process ({identity.split('|')[2]}) is gone (killed, or the machine restarted) and the "
            "run could not record its end; what it built is rebuilt by the next run"
        )
        instance.report_run_failed(run, message)
        reaped.append(run.run_id)
        if log is not None:
            log.warning(f"run {run.run_id[:8]}: {message}")
    return reaped


def runs_in_progress(instance: dg.DagsterInstance) -> int:
    return len(instance.get_run_records(filters=dg.RunsFilter(statuses=IN_PROGRESS), limit=1))
