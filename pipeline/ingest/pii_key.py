"""The secret key NIKs are pseudonymised with: which key a roster is read under (JAMSOSTEK_PII_KEY, or the documented
demo key for the project's own synthetic rosters only), the keyed pseudonym computed in SQL (worker_key: HMAC-SHA256),
and the key's fingerprint the warehouse keeps to refuse mixing two keys' pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac

PII_KEY_VARIABLE = "JAMSOSTEK_PII_KEY"
REKEY_VARIABLE = "JAMSOSTEK_PII_REKEY"

# HMAC-SHA256 of `digits` (RFC 2104, from DuckDB's sha256), the first 32 hex digits. The padded keys are bound as
# parameters ($ipad, $opad: `worker_key_parameters`), never written into the query's text.
WORKER_KEY_SQL = "left(sha256($opad || unhex(sha256($ipad || encode(digits)))), 32)"


def worker_key_parameters(key: str) -> dict[str, bytes]:
    ipad, opad = hmac_pads(key)
    return {"ipad": ipad, "opad": opad}


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256, so that SQL computes HMAC-SHA256(key, NIK) (the pandas
    reference in tests/nik_reference.py computes the same with Python's hmac)."""
    raw = key.encode()
    if len(raw) > 64:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in raw), bytes(b ^ 0x5C for b in raw)


def key_check(key: str) -> str:
    """A fingerprint of the key, kept in the warehouse to notice a changed key; it reveals nothing of the key."""
    return hmac.new(key.encode(), b"jamsostek-coverage: which key made these worker_keys", hashlib.sha256).hexdigest()[
        :16
    ]


class KeyChanged(RuntimeError):
    pass


def ensure_same_key(recorded: str | None, key: str, rekey: bool) -> bool:
    """Whether every roster must be pseudonymised again; raises KeyChanged rather than mix two keys' pseudonyms.

    A worker_key made under one key never matches the same person's under another, so a warehouse holding both
    would count people twice and hide double payments.
    """
    if recorded is None or recorded == key_check(key):
        return False
    if rekey:
        return True
    raise KeyChanged(
        f"{PII_KEY_VARIABLE} is not the key this warehouse's worker_keys were made with, and mixing the two would count "
        f"every person twice. Set the key used before, or, to change keys on purpose, run once with {REKEY_VARIABLE}=1: "
        "every roster is then read again under the new key."
    )


# Used only for the synthetic demo rosters in data/raw/rentan (see README): never for real data.
DEMO_KEY = "jamsostek-coverage-demo-key-not-secret"
# Those rosters by content (sha256): the only files the demo key may pseudonymise, wherever they are. Any other roster
# needs JAMSOSTEK_PII_KEY, or anyone with this repository could recompute a person's worker_key from their NIK.
# tests/test_nik.py holds this list to the files in data/raw/rentan.
DEMO_ROSTERS = frozenset(
    {
        "536f01ea39963b35488c0fa155dd2e7d49e96cf2f675439d384dc51ec8950cbb",  # 2023_apbd_kota_pasuruan.csv
        "1cb6b0d14e09774f5ba230cc2da4b3b07f8ab01b9476612cfbc0ec1cc9fd1ad8",  # 2024_apbd_provinsi_sumsel.xlsx
        "11a11c66a27547d88c5ee52af2ce41f9c13d82db5225b53f6d346872490926d2",  # 2024_dbhcht_kota_pasuruan.xlsx
    }
)


def key_for(environ, sha256: str) -> str | None:
    """The key one roster is pseudonymised with: JAMSOSTEK_PII_KEY, else the demo key for a shipped demo roster only."""
    return environ.get(PII_KEY_VARIABLE) or (DEMO_KEY if sha256 in DEMO_ROSTERS else None)


MISSING_KEY_MESSAGE = (
    f"{PII_KEY_VARIABLE} is not set: this roster holds NIKs, which are pseudonymised at ingest with that secret. Set it "
    "in the environment (the same value on every run, kept out of the repository, e.g. in /etc/jamsostek/jamsostek.env) "
    "and run again; only the project's own synthetic demo rosters are read without it"
)
