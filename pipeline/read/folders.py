"""The raw folders: which files a source holds, their content hashes, and links that lead out of the raw folder."""

from __future__ import annotations

import hashlib
from os import walk
from pathlib import Path

from pipeline.read.files import sha256_of


class FolderUnreadable(Exception):
    """A raw folder that exists but cannot be listed: never read as "every file was deleted"."""


def raw_files(raw_dir: Path, source: str) -> list[Path]:
    folder = Path(raw_dir) / source
    if not folder.is_dir():
        return []
    found = []

    def refuse(error: OSError) -> None:
        raise FolderUnreadable(
            f"{error.filename or folder}: cannot be listed ({error.strerror}); check the folder's permissions and mount"
        ) from error

    for parent, folders, files in walk(folder, onerror=refuse, followlinks=True):
        folders[:] = [f for f in folders if not f.startswith(".")]
        # Office lock files (~$x.xlsx) and hidden files are never data.
        found += [Path(parent) / f for f in files if not f.startswith(("~$", ".")) and f != "README.md"]
    return sorted(p for p in found if p.is_file())


def relative_path(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else str(path)


def outside_raw_dir(path: Path, raw_dir: Path) -> str | None:
    """Why a path is not read, when it is a link (or lies in a linked folder) leading outside the raw folder."""
    target = path.resolve()
    if target.is_relative_to(Path(raw_dir).resolve()):
        return None
    return f"{path.name}: a link to {target}, outside the raw folder; links are not followed there (copy the file in instead)"


def file_hash(path: Path, raw_dir: Path) -> str:
    """The content hash of a raw file; a link leading outside the raw folder is named by its target, never read.

    A file this user cannot read (dropped by root with mode 0600) gets a stand-in from what its directory entry says,
    so that it is one failed file when it is read, never an error that stops every folder's sensor and build."""
    if outside_raw_dir(path, raw_dir):
        return "link:" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    try:
        return sha256_of(path)
    except OSError as error:
        stat = path.stat()
        seen = f"{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}\0{stat.st_uid}\0{error.errno}"
        return "unreadable:" + hashlib.sha256(seen.encode()).hexdigest()


def folder_state(raw_dir: Path, source: str) -> str:
    """A cheap fingerprint of a source folder (names, sizes, modification times): changes when any file does."""
    digest = hashlib.sha256()
    for path in raw_files(raw_dir, source):
        stat = path.stat()
        digest.update(f"{relative_path(path, Path(raw_dir))}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def content_version(raw_dir: Path, source: str) -> str:
    """The data version of a source folder: its file names and their content hashes (touching a file changes nothing)."""
    return version_of({relative_path(p, Path(raw_dir)): file_hash(p, raw_dir) for p in raw_files(raw_dir, source)})


def version_of(hashes: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for relative, sha in sorted(hashes.items()):
        digest.update(f"{relative}\0{sha}\n".encode())
    return digest.hexdigest()[:16]
