"""What a stated coverage figure was divided by, as statements and planning documents name it.

Official UCJ statements use different denominators: BPS employed persons (penduduk bekerja), a potential or
eligible-worker figure from a planning document, or something else (employed persons less civil servants, a
Bappenas projection). A statement is checked differently for each, so the kind is kept as one of three codes.
"""

from __future__ import annotations

from pipeline.parse.text import header_key

DENOMINATOR_KINDS = ("bps_employed", "potential", "other")
_BY_KEY = {
    **dict.fromkeys(
        ["bpsemployed", "bps", "pendudukbekerja", "bpspendudukbekerja", "sakernas", "employed", "bekerja"],
        "bps_employed",
    ),
    **dict.fromkeys(
        ["potential", "potensi", "pekerjapotensial", "potensipekerja", "eligible", "pekerjarentan", "potensipeserta"],
        "potential",
    ),
    **dict.fromkeys(["other", "lainnya", "lain", "lainlain"], "other"),
}


class DenominatorKindError(ValueError):
    pass


def parse_denominator_kind(value: object) -> str | None:
    """'BPS' / 'Penduduk Bekerja' -> 'bps_employed', 'Potensi' -> 'potential', 'Lainnya' -> 'other'; empty -> None."""
    key = header_key(value if value is not None else "")
    if key in ("", "-"):
        return None
    if key in _BY_KEY:
        return _BY_KEY[key]
    raise DenominatorKindError(
        f"{value!r} is not a denominator kind; use bps_employed (BPS penduduk bekerja), potential (potensi / pekerja "
        "potensial from a planning document) or other"
    )


# Words that say which kind a denominator described in a sentence is, checked in this order: "angkatan kerja di luar
# ASN, TNI, Polri" is an eligible-worker figure (potential) before it is a labour force.
_KIND_WORDS = [
    (
        "potential",
        (
            "potensi",
            "potensial",
            "eligible",
            "diluarasn",
            "selainasn",
            "kecualiasn",
            "tanpaasn",
            "nonasn",
            "ucj",
            "rentan",
            "rpjmd",
            "bappenas",
        ),
    ),
    ("bps_employed", ("pendudukbekerja", "pendudukyangbekerja", "orangbekerja", "sakernas")),
    ("other", ("angkatankerja", "pendudukusiakerja", "usiakerja", "tenagakerja")),
]


def classify_denominator(value: object) -> str | None:
    """The kind of a denominator however it is described: a code or label as parse_denominator_kind reads it, or a
    phrase ("angkatan kerja di luar ASN, TNI, Polri" -> potential, "penduduk yang bekerja menurut BPS" ->
    bps_employed); a phrase that names none of them is 'other', and the words are kept beside it."""
    try:
        return parse_denominator_kind(value)
    except DenominatorKindError:
        key = header_key(value)
        return next((kind for kind, words in _KIND_WORDS if any(w in key for w in words)), "other")
