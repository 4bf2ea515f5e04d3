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
