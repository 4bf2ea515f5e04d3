"""The one region matcher: Kemendagri codes, BPS codes (through the crosswalk) and names, used by every source.

BPS and Kemendagri codes are never compared on their digits: a 4-digit code is looked up in the
`bps_code` column of the project's region table, a dotted code in `region_code`.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REGENCY_WORDS = {"KAB", "KABUPATEN"}
CITY_WORDS = {"KOTA", "KOTAMADYA"}
PROVINCE_WORDS = {"PROVINSI", "PROPINSI", "PROV"}
# Jakarta's kab/kota are "Kota Administrasi ..." and "Kabupaten Administrasi ..."; the word carries no meaning.
FILLER_WORDS = {"ADM", "ADMINISTRASI"}


class RegionMatchError(ValueError):
    """A region that cannot be matched; the message says why and what to do."""


@dataclass(frozen=True)
class Region:
    region_code: str
    bps_code: str | None
    region_name: str
    region_level: str  # province | regency | city
    province_code: str


@functools.lru_cache(maxsize=65_536)  # pure, and called for every row of every file with few distinct names
def normalise(text: str) -> str:
    """Upper case, punctuation to spaces, single spaces: 'Kab.  Pasuruan ' -> 'KAB PASURUAN'."""
    return " ".join(re.sub(r"[^0-9A-Za-z]+", " ", str(text)).upper().split())


@functools.lru_cache(maxsize=65_536)
def split_level(text: str) -> tuple[str, str | None]:
    """'Kab. Pasuruan' -> ('PASURUAN', 'regency'); 'PASURUAN KOTA' -> ('PASURUAN', 'city'); 'Jember' -> ('JEMBER', None)."""
    words = normalise(text).split()
    level = None
    if len(words) > 1 and words[0] in PROVINCE_WORDS:
        return " ".join(words[1:]), "province"
    if len(words) > 1 and words[0] in REGENCY_WORDS | CITY_WORDS:
        level = "regency" if words[0] in REGENCY_WORDS else "city"
        words = words[1:]
    elif len(words) > 1 and words[-1] in REGENCY_WORDS | CITY_WORDS:
        level = "regency" if words[-1] in REGENCY_WORDS else "city"
        words = words[:-1]
    words = [w for w in words if w not in FILLER_WORDS] or words
    return " ".join(words), level


def base_name(text: str) -> str:
    """The name without its level words: 'Kota Administrasi Jakarta Pusat' -> 'JAKARTA PUSAT'."""
    return split_level(text)[0]


@functools.lru_cache(maxsize=65_536)
def _key(text: str) -> str:
    # Spaces are dropped so that 'Lubuklinggau' and 'Lubuk Linggau', 'Fakfak' and 'Fak Fak' meet.
    return base_name(text).replace(" ", "")


class RegionMatcher:
    """Resolves a code and/or a name to one Kemendagri region code, or raises RegionMatchError."""

    def __init__(self, regions: list[Region], aliases: list[tuple[str, str]] = ()):
        self.regions = {r.region_code: r for r in regions}
        self.by_bps = {r.bps_code: r for r in regions if r.bps_code}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        for region in regions:
            self.by_key[_key(region.region_name)].add(region.region_code)
        self.aliases_used: set[str] = set()
        self._province_names: dict[str, bool] = {}
        self.alias_by_key: dict[tuple[str, str], str] = {}
        for alias, code in aliases:
            if code not in self.regions:
                raise ValueError(f"alias {alias!r} points to {code!r}, which is not in the region table")
            self.by_key[_key(alias)].add(code)
            self.alias_by_key[(_key(alias), code)] = alias

    @classmethod
    def from_reference(cls, reference_dir: Path) -> "RegionMatcher":
        return cls(load_regions(reference_dir), load_aliases(reference_dir))

    def match(
        self,
        code: object = None,
        name: object = None,
        province: object = None,
        level: str | None = None,
    ) -> str:
        """Return the Kemendagri code. `province` (a code or name) and `level` narrow a name match."""
        code_text = _code_text(code)
        name_text = "" if name is None else str(name).strip()
        province_text = "" if province is None else str(province).strip()

        by_code = self._match_code(code_text) if code_text else None
        if by_code and not name_text:
            return by_code
        if not name_text:
            if province_text:
                return self._province_code(province_text)
            raise RegionMatchError("no region code or name is given")

        province_code = self._province_code(province_text) if province_text and by_code is None else None
        if by_code is not None:
            # A code and a name both given must agree: this is what catches a Kemendagri code written as BPS digits.
            candidates = self._candidates(name_text, None, None)
            if by_code not in candidates:
                region = self.regions[by_code]
                raise RegionMatchError(
                    f"code {code_text!r} is {region.region_name} ({region.region_code}) but the name says {name_text!r}"
                )
            self._note_alias(name_text, by_code)
            return by_code
        return self._match_name(name_text, province_code, level)

    def _province_code(self, province: str) -> str:
        if re.fullmatch(r"\d{2}", province):
            return self._match_code(province)
        return self._match_name(province, None, "province")

    def is_province_name(self, name: str) -> bool:
        """True for a name that can only be a province (not also a kab/kota), e.g. 'Jawa Timur', 'Prov. Jambi'."""
        if name not in self._province_names:  # asked of every distinct label of every table: remembered
            candidates = self._candidates(name, None, None)
            self._province_names[name] = bool(candidates) and all(
                self.regions[c].region_level == "province" for c in candidates
            )
        return self._province_names[name]

    def _match_code(self, code: str) -> str:
        if re.fullmatch(r"\d{2}\.\d{2}", code) or re.fullmatch(r"\d{2}", code):
            if code in self.regions:
                return code
            raise RegionMatchError(f"{code!r} is not a Kemendagri province or kab/kota code (Kepmendagri 2025)")
        if re.fullmatch(r"\d{4}", code):
            region = self.by_bps.get(code)
            if region is None:
                raise RegionMatchError(f"{code!r} is not a BPS kab/kota code in the crosswalk")
            return region.region_code
        if code.upper() == "ID":
            raise RegionMatchError("'ID' (national) is computed by the pipeline, not loaded from files")
        raise RegionMatchError(f"{code!r} is neither a Kemendagri code like '35.75' nor a 4-digit BPS code")

    def _candidates(self, name: str, province_code: str | None, level: str | None) -> set[str]:
        stated_level = split_level(name)[1]
        candidates = set(self.by_key.get(_key(name), set()))
        if province_code:
            candidates = {c for c in candidates if self.regions[c].province_code == province_code}
        for wanted in (stated_level, level):
            if wanted:
                narrowed = {c for c in candidates if self._level_fits(c, wanted)}
                candidates = narrowed
        return candidates

    def _note_alias(self, name: str, code: str) -> None:
        alias = self.alias_by_key.get((_key(name), code))
        if alias is not None and _key(self.regions[code].region_name) != _key(name):
            self.aliases_used.add(alias)

    def _level_fits(self, code: str, wanted: str) -> bool:
        actual = self.regions[code].region_level
        return actual == wanted or (wanted == "kabkota" and actual in ("regency", "city"))

    def _unambiguous_name(self, code: str) -> str:
        """How to write a region so that it matches it alone: 'Provinsi Jambi', 'Kota Jambi', 'Kabupaten Gorontalo'."""
        region = self.regions[code]
        return f"Provinsi {region.region_name}" if region.region_level == "province" else region.region_name

    def _match_name(self, name: str, province_code: str | None, level: str | None) -> str:
        candidates = self._candidates(name, province_code, level)
        if len(candidates) == 1:
            code = candidates.pop()
            self._note_alias(name, code)
            return code
        if len(candidates) > 1:
            listed = " or ".join(f"{self._unambiguous_name(c)!r} ({c})" for c in sorted(candidates))
            raise RegionMatchError(
                f"{name!r} is ambiguous: it could be {listed}; write it as one of these (a column headed 'Provinsi' "
                "is read at province level), or give the code"
            )
        pool = [
            r.region_name
            for r in self.regions.values()
            if (province_code is None or r.province_code == province_code)
            and (level is None or self._level_fits(r.region_code, level))
        ]
        close = difflib.get_close_matches(base_name(name), [base_name(n) for n in pool], n=3, cutoff=0.75)
        suggestions = [n for n in pool if base_name(n) in close][:3]
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else "."
        where = f" in province {province_code}" if province_code else ""
        raise RegionMatchError(
            f"no region named {name!r}{where}{hint} If it is another spelling of a known region, "
            "add it to data/reference/region_aliases.csv"
        )


def _code_text(code: object) -> str:
    if code is None:
        return ""
    if isinstance(code, float):
        if code.is_integer():
            return str(int(code))
        # Excel turns "11.10" into 11.1; a Kemendagri kab/kota code always has two digits after the dot.
        return f"{code:.2f}"
    text = str(code).strip()
    return "" if text in ("", "-") else text


def load_regions(reference_dir: Path) -> list[Region]:
    with open(Path(reference_dir) / "regions.csv", encoding="utf-8") as f:
        return [
            Region(r["region_code"], r["bps_code"] or None, r["region_name"], r["region_level"], r["province_code"])
            for r in csv.DictReader(f)
        ]


USER_ALIASES = "region_aliases.csv"  # the list users extend; region_aliases_bps.csv is generated


def load_aliases(reference_dir: Path, pattern: str = "region_aliases*.csv") -> list[tuple[str, str]]:
    """Aliases from every region_aliases*.csv file: the generated BPS names and the user-maintained list."""
    aliases = []
    for path in sorted(Path(reference_dir).glob(pattern)):
        with open(path, encoding="utf-8") as f:
            rows = csv.DictReader(line for line in f if not line.startswith("#"))
            aliases += [(r["alias"], r["region_code"]) for r in rows if r["alias"].strip()]
    return aliases
