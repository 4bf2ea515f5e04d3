"""The one way two labels written by people are compared (headers, segment names, denominator kinds), and what
counts as an empty cell."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=65_536)  # pure; every segment and header cell goes through it
def header_key(text: object) -> str:
    """Headers compare without case, spacing or punctuation: 'Kab/Kota' == 'KAB. KOTA' == 'kabkota'."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def cell_text(value: object) -> str | None:
    """A cell's text, stripped; an empty cell or a lone '-' (offices write it for "no figure") is None."""
    text = None if value is None else str(value).strip()
    return None if text in (None, "", "-") else text
