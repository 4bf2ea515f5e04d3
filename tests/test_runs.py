"""Runs whose process is gone (pipeline/defs/runs.py): a run killed with its process is marked failed, so that it never
blocks the one-run-at-a-time queue; a live run, or one on another host, is left alone."""

import os
import subprocess
import sys

import dagster as dg

from pipeline.defs.runs import process_alive, process_identity, reap_ghost_runs, runs_in_progress
from pipeline.settings import PROJECT_ROOT

WAITING_RUN = """
import time, dagster as dg
from pipeline.defs.runs import PROCESS_TAG, process_identity

@dg.op
def wait(context):
    context.instance.add_run_tags(context.run_id, {PROCESS_TAG: process_identity()})
    print("started", flush=True)
    time.sleep(600)

@dg.job
def waits():
    wait()

with dg.DagsterInstance.get() as instance:
    waits.execute_in_process(instance=instance)
"""

# `make run` (pipeline/cli/run.py) held just after it has created its run, before the run starts: where a kill during
# a slow start-up found it.
HELD_AFTER_CREATING = """
import time, dagster as dg
from pipeline.cli.run import materialise

create_run_for_job = dg.DagsterInstance.create_run_for_job

def create_and_hold(self, *args, **kwargs):
    create_run_for_job(self, *args, **kwargs)
    print("created", flush=True)
    time.sleep(600)

dg.DagsterInstance.create_run_for_job = create_and_hold
if __name__ == "__main__":
    materialise(stale_only=False)
"""


def test_process_identity_tells_a_live_process_from_a_dead_or_reused_one():
    me = process_identity()
    assert process_alive(me) is True
    host, boot, pid, ticks = me.split("|")
    assert process_alive(f"{host}|{boot}|{pid}|{int(ticks) + 1}") is False  # the same PID, another process
    assert process_alive(f"{host}|another-boot|{pid}|{ticks}") is False  # the machine restarted since
    assert process_alive(f"another-host|{boot}|{pid}|{ticks}") is None  # not ours to judge


def test_a_run_killed_with_its_process_is_marked_failed_and_the_queue_is_free(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    run = subprocess.Popen(
        [sys.executable, "-c", WAITING_RUN],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert run.stdout.readline().strip() == "started"
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert reap_ghost_runs(instance) == []  # alive: left alone
            assert runs_in_progress(instance) == 1
            run.kill()  # as the OOM killer or a reboot would
            run.wait(timeout=30)
            [record] = instance.get_run_records()
            assert record.dagster_run.status == dg.DagsterRunStatus.STARTED  # the ghost
            assert reap_ghost_runs(instance) == [record.dagster_run.run_id]
            assert instance.get_run_by_id(record.dagster_run.run_id).status == dg.DagsterRunStatus.FAILURE
            assert runs_in_progress(instance) == 0
            assert reap_ghost_runs(instance) == []
    finally:
        run.kill()


def test_a_make_run_killed_before_its_run_starts_is_marked_failed_too(tmp_path):
    """The run is created NOT_STARTED and marked STARTED only once it runs: a `make run` killed in between left a
    NOT_STARTED run with no process recorded, which the sensor counted as in progress for ever."""
    home, raw, warehouse = tmp_path / "dagster_home", tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "JAMSOSTEK_RAW_DIR": str(raw),
        "JAMSOSTEK_WAREHOUSE_DIR": str(warehouse),
    }
    run = subprocess.Popen(
        [sys.executable, "-c", HELD_AFTER_CREATING],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert "created" in (line.strip() for line in run.stdout)  # after what `make run` says before a build
        run.kill()
        run.wait(timeout=30)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            [record] = instance.get_run_records()
            assert record.dagster_run.status == dg.DagsterRunStatus.NOT_STARTED  # the ghost
            assert runs_in_progress(instance) == 1
            assert reap_ghost_runs(instance) == [record.dagster_run.run_id]
            assert instance.get_run_by_id(record.dagster_run.run_id).status == dg.DagsterRunStatus.FAILURE
            assert runs_in_progress(instance) == 0
    finally:
        run.kill()
