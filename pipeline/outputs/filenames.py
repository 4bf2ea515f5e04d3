"""The one way an output file is named after text that came from a raw file (a target_id, a funder, a region).

Raw text is data, not a path: '../../x', '<b>x</b>', 'a/b' or a name in Arabic script must never pick where a file
goes. `safe_name` keeps letters, digits, '-', '_' and '.', folds accents to ASCII and replaces anything else; when
that changed the text, a short hash of the original is appended, so two texts never share a file name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

MAX_STEM = 60


def safe_name(text: str) -> str:
    """'PSR-2022-70PCT' -> itself; '../../pwned' -> 'pwned-<hash>'; '<b>x</b>' -> 'b-x-b-<hash>'."""
    text = str(text)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", folded).strip("-.")[:MAX_STEM].strip("-.")
    if stem and stem == text:
        return stem
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"{stem}-{digest}" if stem else digest


def output_file(folder: Path, text: str, suffix: str, prefix: str = "") -> Path:
    """`folder/<prefix><safe_name(text)><suffix>`, checked to lie directly inside `folder`."""
    path = Path(folder) / f"{prefix}{safe_name(text)}{suffix}"
    if path.resolve().parent != Path(folder).resolve():
        raise ValueError(f"refusing to write {path}: outside {folder}")
    return path
