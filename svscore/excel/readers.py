"""One registry of workbook readers: the reader of a workbook is chosen by its kind and format version.

Every workbook svscore builds says in its hidden ``_svscore`` sheet what kind it is (an evaluation
workbook, score sheets, a bid return) and which format version of that kind. Each kind's readers
live beside its layout in ``excel/``; this table says which reader reads which version. Add a
reader for each new format version and never remove one, so a workbook built by an earlier
svscore keeps reading. A workbook of another kind, of a version this svscore does not know, or of
a newer one is refused with its file named.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from svscore.errors import Problem, WorkbookError
from svscore.excel.cells import META, kind_name


@dataclass(frozen=True)
class Kind:
    """A kind of workbook svscore reads back, as messages name it."""

    name: str
    """What a workbook of this kind is called in a message ("bid return workbook")."""
    template_kinds: tuple[str, ...]
    """The ``template_kind`` values its metadata may give."""
    not_this: str
    """What is said of a workbook of another kind."""
    no_identity: str | None = None
    """What is said of a workbook with no metadata at all (None: as of another kind)."""


KINDS = {
    "evaluation": Kind("evaluation workbook", ("evaluation", "evaluation_live"), "not an svscore evaluation workbook"),
    "score_sheets": Kind("score sheets workbook", ("score_sheets",), "not a score sheets workbook"),
    "bid_return": Kind("bid return workbook", ("bid_return",), "not a bid return workbook",
                       "not made from an svscore bid return template (no svscore identity sheet): use the workbook issued "
                       "with the tender"),
}
"""The workbook kinds read back, by the name a reader asks for."""

READERS: dict[str, dict[int, str]] = {
    "evaluation": {1: "svscore.excel.read:_read_v1", 2: "svscore.excel.read:_read_v2", 3: "svscore.excel.read:_read_v3",
                   4: "svscore.excel.read:_read_v4"},
    "score_sheets": {1: "svscore.excel.read_score_sheets:read_v1"},
    "bid_return": {1: "svscore.excel.read_bid_return:read_v1", 2: "svscore.excel.read_bid_return:read_v2"},
}
"""Each kind's readers by format version, as ``module:function``. Add one per new version; never
remove one. Named rather than imported, so choosing a bid return's reader (in each batch worker)
does not import the evaluation workbook's reader and the models it needs."""


def _function(name: str) -> Callable[..., Any]:
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class Reader:
    """The reader chosen for one workbook, and the format version it was chosen for."""

    version: int
    read: Callable[..., Any]


def versions(kind: str) -> list[int]:
    """The format versions of a kind this svscore reads."""
    return sorted(READERS[kind])


def reader_for(meta: dict[str, str] | None, label: str, kind: str) -> Reader:
    """The reader for a workbook whose metadata is ``meta`` (None when it has none), read as ``kind``.

    Raises :class:`~svscore.errors.WorkbookError` naming ``label`` when the workbook is of another
    kind, gives no format version or one that is not a whole number, or is of a version this
    svscore has no reader for (said plainly when the version is newer than any it reads)."""
    about = KINDS[kind]

    def refused(message: str) -> WorkbookError:
        return WorkbookError(label, [Problem(label, message)])

    if meta is None and about.no_identity is not None:
        raise refused(about.no_identity)
    found = meta.get("template_kind") if meta is not None else None
    if meta is None or found not in about.template_kinds:
        raise refused(f"{about.not_this}: this is {kind_name(found)}")
    known = versions(kind)
    reads = f"format version{'s' if len(known) > 1 else ''} {', '.join(map(str, known))}"
    raw = (meta.get("format_version") or "").strip()
    if not raw:
        raise refused(f"the hidden {META} sheet gives no format version: use the {about.name} as svscore built it")
    version = int(raw) if raw.isascii() and raw.isdigit() else None
    if version is None:
        raise refused(f"{about.name} format version {raw!r} is not one this svscore reads (it reads {reads})")
    if version > known[-1]:
        raise refused(f"{about.name} format version {version} was written by a newer svscore than this one (which reads "
                      f"{reads}): update svscore to read it")
    if version not in READERS[kind]:
        raise refused(f"{about.name} format version {version} is not one this svscore reads (it reads {reads})")
    return Reader(version, _function(READERS[kind][version]))
