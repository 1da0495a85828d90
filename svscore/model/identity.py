"""Who a bidder is: one rule, used by the engine and the batch, for when two ids or names are the same.

A company number is compared without case, spaces or punctuation and, when it is only digits,
without its leading zeros: a cell formatted as a number drops them (``04567890`` becomes
``4567890``), and Companies House numbers are eight digits padded with zeros, so no two companies
differ only in them. Names are compared the same way and, in addition, without the legal suffix
("Ltd", "Limited", "PLC", "LLP", "CIC" and the like) and a leading "The", so "Dale Valley Care
Ltd." and "DALE VALLEY CARE LIMITED" are the same name; any other difference is a different name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LEGAL_SUFFIXES = (
    "limited", "ltd", "plc", "llp", "lp", "cic", "cio", "co", "company", "incorporated", "inc", "llc",
    "cyfyngedig", "cyf", "ccc", "cbc",
)
"""Words at the end of a name that say what kind of body it is, not which one (Companies Act 2006
s.59 and s.60 allow "Limited" or "Cyfyngedig", and "Ltd"/"Cyf" as their short forms). Words such
as "UK" or "Group" are kept: "Acme Group Ltd" and "Acme Ltd" are often two companies."""

_SUFFIX = re.compile(r"(?:\s+(?:" + "|".join(LEGAL_SUFFIXES) + r"))+$")


KEYS_KEPT = 4096
"""Keys remembered (the same bidder is looked up a few times close together, as its bid is read,
matched and checked; a key takes 1-3 microseconds to work out again). Not one for every bidder:
20,000 bids' ids and names would hold some 10 MB to the end of a batch."""


@lru_cache(maxsize=KEYS_KEPT)
def bidder_key(text: str) -> str:
    """Company numbers and names compared without case, spaces or punctuation, in any script
    ("Acme Ltd." is "ACME LTD"; "Café" stays apart from "Cafe"); a number made only of digits
    without its leading zeros. Text of nothing but punctuation or symbols is compared whole, so
    two such names are never taken for the same bidder."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    key = re.sub(r"[\W_]+", "", folded)
    if key.isascii() and key.isdigit():  # 04567890 typed into a number cell is 4567890: the same company
        return key.lstrip("0") or "0"
    return key or folded.strip()


@lru_cache(maxsize=KEYS_KEPT)
def name_key(name: str) -> str:
    """A bidder's name as compared with another source's: :func:`bidder_key` after dropping the
    legal suffix, "&"/"and" differences and a leading "The"."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    words = re.sub(r"[\W_]+", " ", folded.replace("&", " and ")).strip()
    words = _SUFFIX.sub("", words)
    words = re.sub(r"^the\s+", "", words)
    return bidder_key(words.replace(" and ", " ")) if words else bidder_key(name)


def same_name(a: str, b: str) -> bool:
    """Whether two sources name the same bidder; a blank name agrees with any (nothing to compare)."""
    return not a.strip() or not b.strip() or name_key(a) == name_key(b)


def bid_key(lot_id: str | None, bidder_id: str) -> tuple[str, str]:
    """How one bid is told from another: its lot (a tender without lots has one, '1') and its bidder id compared as :func:`bidder_key`."""
    return (lot_id or "1", bidder_key(bidder_id))
