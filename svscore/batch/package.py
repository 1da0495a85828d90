"""Which parts of a returned workbook's package are XML, and which say the file holds macros or
reaches outside itself: decided by what the package says a part is, with names compared as Office
compares them (ignoring case), never by a lower-case suffix alone.

A part named ``sheet2.XML`` that the relationships point to and the content types call a worksheet
is read as a worksheet by every program, so it gets the same entity checks as ``sheet2.xml``.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable

XML_SUFFIXES = (".xml", ".rels", ".vml")
"""Names of parts that are XML whatever the content types say (compared ignoring case)."""
BINARY_RELATIONSHIPS = frozenset({"vbaproject", "image", "oleobject", "printersettings", "package", "activexcontrolbinary",
                                  "customization", "attachedtoolbars"})
"""The last word of relationship types whose targets are not XML (macros, pictures, embedded files)."""
MACRO_PART = "xl/vbaproject.bin"
"""The macro project of a macro-enabled workbook (ECMA-376 names it ``vbaProject.bin``; case is not significant)."""
OUTSIDE_FOLDERS = {"xl/externallinks/": "links", "xl/embeddings/": "embedded", "xl/activex/": "embedded"}
"""Folders whose parts reach outside the workbook, by what they are (compared ignoring case)."""

_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(Default|Override|Relationship)\b([^>]*)>")
_ATTR = re.compile(rb"""([\w.:-]+)\s*=\s*(["'])(.*?)\2""", re.S)


LISTING_LIMIT = 4 * 1024 * 1024
"""Bytes beyond which a content types or relationships part is not parsed (Excel's are a few KB)."""


def key(name: str) -> str:
    """A part name as Office compares names: ignoring case, with no leading slash."""
    return name.replace("\\", "/").lstrip("/").casefold()


def xml_parts(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
              read: Callable[[zipfile.ZipInfo], bytes | None] | None = None) -> list[zipfile.ZipInfo]:
    """The parts a program would parse as XML: by name ignoring case, by the content types
    (an extension's default or a part's own override, both ignoring case), and every part a
    relationship points to that is not a known binary kind. The content types and relationship
    parts themselves are XML by name, so they are always among them. ``read`` gives a part's bytes
    faster than the zip module can (None falls back to it)."""

    def body(info: zipfile.ZipInfo) -> bytes:
        return (read(info) if read is not None else None) or z.read(info)

    by_key = {key(i.filename): i for i in infos}
    chosen = {k for k in by_key if k.endswith(XML_SUFFIXES)}
    types = by_key.get("[content_types].xml")
    if (types is not None and types.file_size > LISTING_LIMIT) or \
            any(k.endswith(".rels") and i.file_size > LISTING_LIMIT for k, i in by_key.items()):
        # A listing far larger than any workbook's is not parsed for its names: every part is then
        # taken for XML, so padding a listing cannot hide a part from the entity check.
        return list(infos)
    if types is not None:
        xml_extensions = set()
        for tag, attrs in _elements(body(types)):
            kind = attrs.get("ContentType", "").casefold()
            if not kind.endswith("xml"):
                continue
            if tag == "Default":
                xml_extensions.add("." + attrs.get("Extension", "").casefold())
            elif tag == "Override":
                chosen.add(key(attrs.get("PartName", "")))
        chosen.update(k for k in by_key if k.endswith(tuple(xml_extensions)))
    for k, info in by_key.items():
        if not k.endswith(".rels"):
            continue
        base = k.rpartition("_rels/")[0]  # the folder of the part whose relationships these are
        for tag, attrs in _elements(body(info)):
            if tag != "Relationship" or attrs.get("TargetMode", "").casefold() == "external":
                continue
            if attrs.get("Type", "").rstrip("/").rpartition("/")[2].casefold() in BINARY_RELATIONSHIPS:
                continue
            chosen.add(_resolve(base, attrs.get("Target", "")))
    return [by_key[k] for k in by_key if k in chosen]


def _elements(xml: bytes) -> list[tuple[str, dict[str, str]]]:
    out = []
    for m in _ELEMENT.finditer(xml):
        attrs = {n.decode("utf-8", "replace").rpartition(":")[2]: html.unescape(v.decode("utf-8", "replace"))
                 for n, _, v in _ATTR.findall(m.group(2))}
        out.append((m.group(1).decode(), attrs))
    return out


def _resolve(base: str, target: str) -> str:
    """A relationship's target as a part name key, resolved against its source part's folder."""
    if target.startswith("/"):
        return key(target)
    parts = [p for p in base.split("/") if p]
    for piece in target.replace("\\", "/").split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts).casefold()


def has_macros(names: set[str], file_name: str) -> bool:
    """Whether a workbook is macro-enabled: it holds a macro project (in any letter case) or is named ``.xlsm``."""
    return any(key(n) == MACRO_PART for n in names) or file_name.casefold().endswith(".xlsm")


def reaches_outside(names: set[str], what: str) -> bool:
    """Whether any part lies in a folder of the given kind (``links`` or ``embedded``), ignoring case."""
    folders = tuple(f for f, kind in OUTSIDE_FOLDERS.items() if kind == what)
    return any(key(n).startswith(folders) for n in names)
