"""`make run`: materialise what is missing or stale in-process against the persistent Dagster instance, then print
a summary.

What is missing or stale is what the one change detector says (pipeline/defs/changes.py), the selection the sensor and
the nightly schedule make: after one new month's file, the participation path and what reads it, not the rosters;
after nothing, nothing ("the warehouse is up to date"); after a missing, damaged or restored working database,
everything. `--full` (`make rebuild`) materialises every asset.
Runs are recorded in DAGSTER_HOME (default .dagster_home/), so they appear in `make ui` afterwards.
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import sys
from contextlib import contextmanager

import duckdb

from pipeline.cli.ui import prepare_dagster_home
from pipeline.parse.text import printable
from pipeline.read.files import user_name
from pipeline.settings import UMASK, raw_dir, warehouse_dir
from pipeline.warehouse.connection import WarehouseLocked, analyst_path, read_only
from pipeline.warehouse.ownership import group_name


class CompactFormatter(logging.Formatter):
    """One short line per message: time, asset step, message; Dagster's run ids and event names left out."""

    def format(self, record: logging.LogRecord) -> str:
        # Messages carry raw text (file names, cell values): its control characters are shown, never obeyed.
        meta = getattr(record, "dagster_meta", None)
        if meta is None or record.levelno >= logging.ERROR:
            return printable(super().format(record), keep_newlines=True)
        step = (meta.get("step_key") or "run").replace("__", "/")
        return f"{self.formatTime(record, '%H:%M:%S')} {step}: {printable(meta['orig_message'])}"


def compact_console_logger(init_context):
    logger = logging.getLogger("jamsostek.run")
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CompactFormatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    logger.handlers = [handler]
    logger.propagate = False
    return logger


@contextmanager
def opened_instance():
    """The Dagster instance in DAGSTER_HOME; two `make run` started together create its SQLite storage one at a time
    (each would otherwise try to create the same tables and one would fail)."""
    import dagster as dg

    home = prepare_dagster_home()
    with open(home / ".instance.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = dg.DagsterInstance.get()
    with instance:
        yield instance


def materialise(stale_only: bool = True) -> bool:
    prepare_dagster_home()
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.changes import input_versions, observe, observed_keys, stale_or_missing
    from pipeline.defs.runs import process_tags, reap_ghost_runs
    from pipeline.settings import raw_dir

    job = defs.resolve_implicit_global_asset_job_def()
    job = job.with_logger_defs({"compact": dg.LoggerDefinition(compact_console_logger)})
    with opened_instance() as instance:
        for run_id in reap_ghost_runs(instance):
            print(f"Run {run_id[:8]} had stopped without recording its end (its process is gone): marked failed.")
        selection = None
        warehouse = warehouse_dir()
        if open_working_database(warehouse):
            print(
                f"No usable working database in {warehouse / '.build'} (missing, damaged or restored): building everything."
            )
        # The inputs' versions are recorded first, so that the build records which raw files and database it used.
        observe(instance, input_versions(raw_dir(), warehouse))
        if stale_only:
            stale = stale_or_missing(instance, list(defs.resolve_all_asset_specs()), observed_keys(), warehouse)
            if not stale:
                print("Nothing is missing or stale: the warehouse is up to date and nothing was built.")
                return True
            print(f"Missing or stale: {', '.join(k.to_user_string() for k in stale)}")
            selection = list(stale)
        # INFO shows the per-file progress lines and failures without Dagster's debug events.
        result = job.execute_in_process(
            instance=instance,
            run_config={"loggers": {"compact": {}}},
            asset_selection=selection,
            tags=process_tags(),  # from the run's creation: one killed before it starts is not left NOT_STARTED
            raise_on_error=False,
        )
        failed_checks = [
            evaluation
            for event in result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
            and not (evaluation := event.event_specific_data).passed
        ]
    for evaluation in failed_checks:
        key = evaluation.asset_check_key
        rows = evaluation.metadata.get("dagster_dbt/failed_row_count") or evaluation.metadata.get("failing_rows")
        count = f": {rows.value} rows" if rows is not None and isinstance(rows.value, int) else ""
        print(
            f"check failed ({evaluation.severity.value}) {key.asset_key.to_user_string()} {key.name}{count} "
            "(its rows: `make ui`, asset checks, or the check's SQL in sql/tests/)"
        )
    return result.success


def open_working_database(warehouse) -> bool:
    """Open the working database once before choosing what to build, as a run would: a damaged one is set aside and a
    new one created (its new identity then makes everything stale). True when it was created."""
    from pipeline.warehouse.connection import build_lock, opened

    with build_lock(warehouse), opened(warehouse) as (_con, created):
        return created


def summary(path) -> str:
    try:
        con = read_only(path)
    except (duckdb.Error, OSError) as error:
        # A restored file put back by root (0640 root:root) is one the service user cannot open: said, not a traceback.
        stat = path.stat()
        return (
            f"Analyst warehouse: {path} cannot be opened by user '{user_name(os.geteuid())}' ({_first_line(error)}); "
            f"it is owned by {user_name(stat.st_uid)}:{group_name(stat.st_gid)} with mode {stat.st_mode & 0o777:04o}. "
            "Give it to the service user and its group, mode 0640 (docs/deployment.md, Restore)."
        )
    try:
        folder = path.parent
        lines = [f"Analyst warehouse: {path}"]
        for label, output in (
            ("Report", folder / "report" / "laporan_cakupan.html"),
            ("Workbook", folder / "exports" / "jamsostek_marts.xlsx"),
            ("Data catalog", folder / "jamsostek_catalog.html"),
        ):
            lines.append(
                f"{label + ':':<18} {output}" if output.exists() else f"{label + ':':<18} (not written in this run)"
            )
        lines += ["", "Files:"]
        if not con.execute("SELECT count(*) FROM dq.file_ledger").fetchone()[0]:
            lines.append(
                f"  none yet: the raw folders under {raw_dir()} are empty. Put each file in the folder of its kind "
                "(participation/, workforce/, targets/, potential/, statements/, rentan/; README, Raw files); the next "
                "run builds them."
            )
        for source, status, files, rejected, skipped in con.execute(
            "SELECT source, status, count(*), sum(rows_rejected), sum(rows_skipped) FROM dq.file_ledger GROUP BY ALL ORDER BY source, status"
        ).fetchall():
            lines.append(
                f"  {source:<14} {status:<9} {files:>4} files, {rejected:>5} rows rejected, {skipped:>4} skipped (totals, sections, notes)"
            )
        for file_path, error in con.execute(
            "SELECT file_path, error FROM dq.file_ledger WHERE status = 'failed' ORDER BY 1"
        ).fetchall():
            lines.append(f"  FAILED {file_path}: {error}")
        # Rows leave the warehouse only when a person meant it: a re-sent file that failed or lost most of its rows.
        for file_path, rows, error in con.execute(
            "SELECT file_path, rows_loaded, error FROM dq.file_ledger WHERE status = 'kept' ORDER BY 1"
        ).fetchall():
            lines.append(f"  KEPT {file_path}: its last good version ({rows:,} rows) is still published: {error}")
        # What was deliberately left unread (columns no synonym matched, hidden sheets): never dropped without a word.
        for file_path, notes in con.execute(
            "SELECT file_path, notes FROM dq.file_ledger WHERE notes IS NOT NULL ORDER BY 1"
        ).fetchall():
            lines.append(f"  NOTE {file_path}: {notes}")
        # Two files that report the same figure differently: which one is published, said where a person reads it. (An
        # analyst file published by an earlier release, still in place after a failed run, has no such table.)
        conflicts = (
            con.execute(
                "SELECT published_file, other_file, count(*) FROM dq.conflicting_figures GROUP BY ALL ORDER BY 1, 2"
            ).fetchall()
            if con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'dq' AND table_name = 'conflicting_figures'"
            ).fetchone()[0]
            else []
        )
        for published, other, figures in conflicts:
            lines.append(
                f"  CONFLICT {other}: {figures} figure{'s' if figures > 1 else ''} differ from {published}, which is "
                "published (modified later); SELECT * FROM dq.conflicting_figures;"
            )
        rejected = con.execute("SELECT count(*) FROM dq.rejected_rows").fetchone()[0]
        if rejected:
            lines.append(f"  {rejected} rejected rows: SELECT * FROM dq.rejected_rows;")
        lines += ["", "Targets:"]
        if not con.execute("SELECT count(*) FROM marts.target_progress").fetchone()[0]:
            lines.append(f"  none yet: put the target registry in {raw_dir() / 'targets'}/ (README, Adding a target).")
        for row in con.execute(
            "SELECT target_id, region_name, segment, metric, target_value, strftime(deadline, '%Y-%m'), "
            "current_value, strftime(as_of, '%Y-%m'), status FROM marts.target_progress ORDER BY target_id"
        ).fetchall():
            target_id, region, segment, metric, target, deadline, current, as_of, status = row
            shown = "-" if current is None else (f"{current:.1f}%" if metric == "coverage_pct" else f"{current:,.0f}")
            goal = f"{target:.1f}%" if metric == "coverage_pct" else f"{target:,.0f}"
            lines.append(
                f"  {status:<9} {target_id:<18} {region} {segment}: {shown} at {as_of or '-'}, target {goal} by {deadline}"
            )
        lines += ["", "Published statements (SELECT * FROM marts.statement_checks):"]
        for statement_id, region, as_of, problems, verdict, unchecked in con.execute(
            "SELECT statement_id, region_name, coalesce(stated_as_of, strftime(period, '%Y-%m')), problem_count, verdict, not_checked "
            "FROM marts.statement_checks ORDER BY period, statement_id"
        ).fetchall():
            label = "ok" if problems == 0 else f"{problems} problem{'s' if problems > 1 else ''}"
            lines.append(
                f"  {label:<10} {statement_id:<18} {region}, {as_of}: {verdict}"
                + (f" (not checked: {unchecked})" if unchecked else "")
            )
        return "\n".join(printable(line) for line in lines)
    finally:
        con.close()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0][:300]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.split("\n\n")[0])
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--stale",
        action="store_true",
        help="only what is missing or stale, as the nightly schedule does (the default; kept for `make refresh`)",
    )
    scope.add_argument("--full", action="store_true", help="every asset, whatever changed (make rebuild)")
    args = parser.parse_args(argv)  # --help prints this and exits before anything is built
    os.umask(UMASK)
    try:
        success = materialise(stale_only=not args.full)
    except WarehouseLocked as locked:  # before the run: another process holds the working database
        print(f"Nothing was built: {locked}")
        success = False
    path = analyst_path(warehouse_dir())
    if path.exists():
        print()
        print(summary(path))
    if not success:
        print("\nThe build did not finish; the analyst file (if any) is the last good one. See the messages above.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
