"""Is a postcode local? By the council's own list of postcode areas and districts.

A UK postcode is an outward code (area letters and district: ``BS1``, ``BS16``, ``EC1A``) and a
three-character inward code (``4DJ``). A council lists what it counts as local as areas (``BS``:
every district of Bristol) or districts (``BS1``); nothing national is bundled. ``B`` (Birmingham)
is not ``BS``: an area matches only the postcode's own area letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from svscore.errors import SvscoreError

_POSTCODE = re.compile(r"^([A-Z]{1,2})([0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^([A-Z]{1,2})([0-9][A-Z0-9]?)?$")


def outward(postcode: str) -> tuple[str, str] | None:
    """(area, district) of a UK postcode, or None when it is not one: ``"bs16 1qy"`` → ("BS", "BS16")."""
    m = _POSTCODE.match(postcode.strip().upper())
    if not m:
        return None
    return m.group(1), m.group(1) + m.group(2)


@dataclass(frozen=True)
class LocalAreas:
    """The council's definition of local: postcode areas and districts."""

    areas: frozenset[str]
    districts: frozenset[str]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> LocalAreas:
        areas, districts, bad = set(), set(), []
        for raw in entries:
            text = raw.strip().upper()
            if not text:
                continue
            m = _OUTWARD.match(text)
            if not m:
                bad.append(raw)
            elif m.group(2):
                districts.add(text)
            else:
                areas.add(text)
        if bad:
            raise SvscoreError("Not a postcode area or district (such as BS or BS16): " + ", ".join(repr(b) for b in bad))
        if not areas and not districts:
            raise SvscoreError("The list of local postcode areas and districts is empty.")
        return cls(frozenset(areas), frozenset(districts))

    def is_local(self, postcode: str) -> bool | None:
        """True or False; None when the postcode is not a UK postcode (it cannot be told)."""
        found = outward(postcode)
        if found is None:
            return None
        area, district = found
        return area in self.areas or district in self.districts
