"""The order `make test` hands tests to its pytest-xdist workers, so that the slow ones start first and side by side.

pytest-xdist's worksteal scheduler gives each of its N workers one contiguous, equal share of the collected tests and
then lets an idle worker take the tail of the longest queue. In collection order the slow tests sit together at the
end (the three office deployments, which run 3 to 9 minutes each, started one after another after minute 4), so the
suite ended with one worker busy and the others idle. Here the shares are made by hand: the slow tests are dealt
longest first to the least loaded share, each share starts with its slow tests and is then filled up with the fast
ones in their collection order (the tails that idle workers steal). Tests that share a module-scoped fixture (a build
of their own) stay in one share, so that the build is made once.

The seconds are what each test took in a full `make test` on the two-core CI machine (2026-12-05, under the suite's
own load, with the office's code server and 5-second sensor ticks); they decide the order only, never an outcome, so
a stale figure costs balance, not correctness.
"""

from __future__ import annotations

EXPECTED_SECONDS = {
    "test_deployment.py::test_the_office_deployment_works_as_written": 363,
    "test_deployment.py::test_an_office_upgrades_from_the_previous_release_as_written": 292,
    "test_publish.py::test_one_small_project_through_an_office_s_commands_locks_kills_and_a_restore": 303,
    "test_deployment.py::test_an_office_restored_onto_a_new_server_as_written": 293,
    "test_ui.py::test_asset_graph_checks_automation_and_materialize_unsynced_in_a_browser": 133,
    "test_postgres_instance.py::test_postgresql_gone_during_a_run_leaves_no_ghost_once_it_is_back": 176,
    "test_ui.py::test_make_ui_runs_one_build_at_a_time_and_stops_on_sigterm": 97,
    "test_automation.py::test_nightly_schedule_builds_what_is_missing_then_only_what_is_stale": 136,
    "test_privacy.py::test_no_nik_or_name_anywhere": 106,
    "test_hostile_input.py::test_two_runs_started_together_both_finish_and_the_second_says_it_waits": 108,
    "test_pipeline_end_to_end.py::test_reruns_load_nothing_twice_and_follow_changed_and_deleted_files": 98,
    "test_automation.py::test_sensor_requests_what_is_missing_or_stale_once_and_again_after_a_failure": 110,
    "test_new_source.py::test_a_declared_source_is_staged_with_its_comments_ledger_quarantine_and_totals": 68,
    "test_automation.py::test_after_each_fault_the_sensor_and_the_schedule_ask_for_what_it_needs": 64,
    "test_hostile_files.py::test_an_empty_or_unreadable_raw_folder_never_publishes_over_the_last_good_data": 34,
    "test_pipeline_end_to_end.py::test_messy_inputs_do_not_stop_the_build": 30,
    "test_partial_segments.py::test_all_is_the_sum_of_the_segments_reported_and_has_coverage": 28,
    "test_hostile_input.py::test_nothing_is_written_outside_the_warehouse_folder": 26,
    "test_privacy.py::test_without_a_key_only_the_shipped_demo_rosters_are_read": 31,
    "test_hostile_input.py::test_a_csv_of_gigabytes_with_one_endless_line_is_refused_in_little_memory": 27,
    "test_sync.py::test_another_pii_key_stops_the_sync_unless_a_rekey_is_asked_for": 26,
    "test_sync.py::test_the_key_is_compared_even_when_new_code_reads_every_roster_again": 12,
    "test_runs.py::test_a_make_run_killed_before_its_run_starts_is_marked_failed_too": 18,
}
SLOW_SECONDS = 10  # a test over this is dealt to a share first; the rest fill the shares up


def expected_seconds(nodeid: str) -> float:
    """A test's expected seconds by its node id (parameters share their test's figure); unknown tests count 1 s."""
    return EXPECTED_SECONDS.get(nodeid.split("[", 1)[0].removeprefix("tests/"), 1)


def shares(count: int, workers: int) -> list[int]:
    """How many tests worksteal hands each worker at first: len(pending) // workers_left, in turn."""
    sizes, left = [], count
    for remaining in range(workers, 0, -1):
        sizes.append(left // remaining)
        left -= sizes[-1]
    return sizes


def balanced_order(units: list[tuple[float, list]], workers: int) -> list:
    """Units of tests ((seconds, tests), in collection order; a unit is one test, or the tests of a module that share
    a module-scoped fixture) laid out as `workers` consecutive shares of worksteal's sizes: slow units longest first,
    then the fast ones in order, each to the least loaded share that has room."""
    capacity = shares(sum(len(tests) for _, tests in units), workers)
    slow = sorted((u for u in units if u[0] > SLOW_SECONDS), key=lambda u: -u[0])
    fast = [u for u in units if u[0] <= SLOW_SECONDS]
    blocks: list[list] = [[] for _ in range(workers)]
    load = [0.0] * workers
    for seconds, tests in slow + fast:
        fitting = [s for s in range(workers) if len(blocks[s]) + len(tests) <= capacity[s]] or range(workers)
        share = min(fitting, key=lambda s: load[s])
        blocks[share] += tests
        load[share] += seconds
    return [test for block in blocks for test in block]
