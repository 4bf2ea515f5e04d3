"""`make ui`: the Dagster webserver and daemon on 127.0.0.1, stopped cleanly by Ctrl-C or SIGTERM.

`dagster dev` maps SIGTERM onto its SIGINT handler. A process started in the background by a non-interactive
shell inherits SIGINT as *ignored*, so it would ignore SIGTERM too: reset both before handing over to dagster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
from pathlib import Path

from pipeline.settings import PROJECT_ROOT, UMASK, ui_port

INSTANCE_TEMPLATE = PROJECT_ROOT / ".dagster_home" / "dagster.yaml"
WORKSPACE = PROJECT_ROOT / "workspace.yaml"  # names the code location jamsostek_coverage


def prepare_dagster_home() -> Path:
    """DAGSTER_HOME (default .dagster_home/) exists and has the project's instance settings."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return home


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=ui_port())
    args = parser.parse_args(argv)
    prepare_dagster_home()
    os.umask(UMASK)  # what the webserver and the daemon's runs write is for the owner and its group only
    # `dagster dev` warns that it is superseded by `dg dev` on every start; the message means nothing to an analyst.
    os.environ["PYTHONWARNINGS"] = ",".join(
        filter(None, [os.environ.get("PYTHONWARNINGS"), "ignore:Function `dev_command` is superseded"])
    )
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    dagster = str(Path(sys.executable).parent / "dagster")
    os.execv(dagster, [dagster, "dev", "--host", "127.0.0.1", "--port", str(args.port), "-w", str(WORKSPACE)])


if __name__ == "__main__":
    main()
