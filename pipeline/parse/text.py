"""The one way two labels written by people are compared: headers, segment names, denominator kinds."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=65_536)  # pure; every segment and header cell goes through it
def header_key(text: object) -> str:
    """Headers compare without case, spacing or punctuation: 'Kab/Kota' == 'KAB. KOTA' == 'kabkota'."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())
