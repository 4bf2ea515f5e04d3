"""Who owns a file the build cannot open or replace, and what to do about it: said in one line, not a traceback
(a restore or a copy made by root leaves files the service user cannot write)."""

import grp
import os
from pathlib import Path

from pipeline.read.files import user_name


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def not_writable(what: str, path: Path, error: OSError) -> str:
    """`what` (the exports, the report, ...) could not be written under `path`: the file or folder refused (the error's
    own, or the nearest one that exists), the user the build runs as, its owner and mode, and the fix."""
    refused = Path(error.filename) if getattr(error, "filename", None) else Path(path)
    while not refused.exists() and refused != refused.parent:
        refused = refused.parent
    stat = refused.stat()
    return (
        f"{what}: {refused} cannot be written by user '{user_name(os.geteuid())}' ({error.strerror or error}); it is "
        f"owned by {user_name(stat.st_uid)}:{group_name(stat.st_gid)} with mode {stat.st_mode & 0o777:04o}. Give the "
        "warehouse folder and everything in it to the service user and its group "
        "(docs/deployment.md, Restore: chown -R jamsostek:jamsostek /srv/jamsostek/warehouse)."
    )
