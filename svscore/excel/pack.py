"""The pack for partner councils: templates, tender, schemas, measures, a guide and a manifest.

``manifest.json`` lists every file with its size and SHA-256; :func:`verify_pack` checks a pack
against it (nothing missing, nothing added, nothing changed) and that each workbook is one svscore
can read. Packs are deterministic: the same tender gives a byte-identical zip.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from svscore import __version__
from svscore.errors import Problem, file_label
from svscore.excel.bid_return import build_bid_return
from svscore.excel.evaluation import build_evaluation
from svscore.excel.score_sheets import build_score_sheets
from svscore.excel.workbook import TEMPLATE_FORMAT_VERSION, ZIP_TIME, to_bytes
from svscore.model.measures import MeasuresTable
from svscore.model.schemas import DOCUMENTS, render, schema_for
from svscore.model.tender import Tender

MAX_PACK_MEMBERS = 200
MAX_PACK_BYTES = 200 * 1024 * 1024

GUIDE = """\
# {title}

Reference: {reference}. Issued by {authority}. Made with svscore {version}
(workbook format versions: {fmt}).

## What is in this pack

{files}

## How to use it

1. **Check the evaluation methodology.** Open the evaluation workbook's *Setup* sheet. Every
   group of weights has a check in the last column: it says OK when the weights add up, and turns
   red with the sum when they do not. The threshold decision and its reasons are shown there too.
2. **Send the bid return workbook to bidders.** They fill in the shaded cells only: cover details,
   a rate for each pricing line, social value commitments per contract year, quality responses
   and declarations. Everything else is protected.
3. **Give each evaluator the score sheets workbook.** Each evaluator scores every bid on their own
   sheet and justifies every score: the justifications become the explanations in each bidder's
   assessment summary (Procurement Act 2023 s.50).
4. **Score.** Enter agreed scores and prices in the evaluation workbook, or let svscore read the
   returned workbooks: `svscore batch {tender_file} RETURNS_FOLDER --out RESULTS_FOLDER`.
   The *Results* sheet calculates points, totals and ranks with ordinary Excel formulas; no add-in
   is needed.
5. **Keep the record.** Keep the results folder, with its manifest of checksums, for at least three
   years from the contract (Procurement Act 2023 s.98).

The measures table{measures_note}

To check this pack has not been changed since it was made: `svscore template verify PACK.zip`.
"""


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "tender"


def template_files(tender: Tender, measures: MeasuresTable | None, slots: int = 10,
                   evaluators: tuple[str, ...] = ("Evaluator 1", "Evaluator 2", "Evaluator 3"),
                   live: bool = False) -> dict[str, bytes]:
    """Every workbook for every lot of a tender, by file name (``live``: also the live variant)."""
    out = {}
    base = slug(tender.reference)
    for i, lot in enumerate(tender.all_lots()):
        prefix = f"{base}-lot-{slug(lot.id)}" if tender.lots else base
        out[f"{prefix}-evaluation.xlsx"] = to_bytes(build_evaluation(tender, i, measures, slots))
        if live:
            out[f"{prefix}-evaluation-live.xlsx"] = to_bytes(build_evaluation(tender, i, measures, slots, live=True))
        out[f"{prefix}-bid-return.xlsx"] = to_bytes(build_bid_return(tender, i, measures))
        out[f"{prefix}-score-sheets.xlsx"] = to_bytes(build_score_sheets(tender, i, measures, slots, evaluators))
    return out


def portable_name(name: str) -> str:
    """A file name every partner council can extract on Windows: bytes that are not UTF-8 (kept by
    Linux from another system's name) become U+FFFD, and characters Windows forbids in names
    (control characters, ``\\ / : * ? " < > |``) become ``_``."""
    text = os.fsencode(name).decode("utf-8", "replace") if not name.isascii() else name
    return re.sub(r'[\x00-\x1f\x7f\\/:*?"<>|]', "_", text).strip(" .") or "tender.json"


INSTALLER_GUIDE = """

## Installing svscore without a package index

`wheelhouse/` holds svscore's wheel and every wheel it needs on Windows x64, for Python {pythons}.
Nothing is downloaded while installing, so it works where a council's IT allows
no package index. The manifest lists every wheel with its checksum.

```
{steps}
```
"""


def build_pack(tender: Tender, tender_bytes: bytes, tender_name: str, measures: MeasuresTable | None,
               measures_bytes: bytes | None = None, measures_name: str | None = None,
               wheels: dict[str, bytes] | None = None) -> bytes:
    """The pack's zip; ``wheels`` (file name → bytes): a wheelhouse to include, with the guide's install steps."""
    files: dict[str, bytes] = {f"templates/{k}": v for k, v in template_files(tender, measures).items()}
    for name, data in sorted((wheels or {}).items()):
        files[f"wheelhouse/{name}"] = data
    tender_name = portable_name(tender_name)
    files[f"tender/{tender_name}"] = tender_bytes
    if measures_bytes is not None and measures_name:
        files[f"tender/{portable_name(measures_name)}"] = measures_bytes
    for (kind, version), doc in sorted(DOCUMENTS.items()):
        files[f"schemas/{doc.filename}"] = render(schema_for(kind, version)).encode("utf-8")
    listing = "\n".join(f"- `{name}`" for name in sorted(files))
    note = (" is ILLUSTRATIVE example data: replace it with your council's own before a real evaluation."
            if measures is not None and measures.illustrative else
            " is the council's own." if measures is not None else ": none (no social value measures).")
    formats = template_formats({n: b for n, b in files.items() if n.endswith(".xlsx")})
    guide = GUIDE.format(title=tender.title, reference=tender.reference, authority=tender.authority.name,
                                     version=__version__, fmt=", ".join(f"{k} {v}" for k, v in formats.items()), files=listing,
                                     tender_file=f"tender/{tender_name}", measures_note=note)
    if wheels:
        from svscore.xl.setup import offline_steps

        # The Pythons the wheelhouse serves, as its compiled wheels' tags say (cp312: Python 3.12).
        pythons = tuple(sorted({f"3.{m}" for m in re.findall(r"-cp3(\d+)-cp3\1-", " ".join(wheels))}, key=lambda v: int(v[2:])))
        steps = offline_steps(pythons or None)
        guide += INSTALLER_GUIDE.format(steps=steps.rstrip(), pythons=" and ".join(pythons) or "any version")
    files["GUIDE.md"] = guide.encode("utf-8")
    manifest = {
        "svscore_version": __version__,
        "template_format_versions": formats,
        "tender_reference": tender.reference,
        "files": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in sorted(files.items())],
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            # A wheel is a zip already: deflating it again takes time and saves nothing.
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".whl") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


def verify_pack(path: Path) -> list[Problem]:
    """Everything wrong with a pack (a zip, or the folder it was unzipped into); an empty list means
    it is intact.

    Folder entries are ignored: ``zip -r`` and common archive tools add one for each folder when a
    pack is unzipped and zipped again, and a folder holds no bytes the manifest could vouch for.
    """
    name = file_label(str(path))
    if path.is_dir():
        return _verify_files(name, _folder_files(path))
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [Problem(name, f"not a readable zip file ({exc})")]
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        if len(infos) > MAX_PACK_MEMBERS or sum(i.file_size for i in infos) > MAX_PACK_BYTES:
            return [Problem(name, "too many or too large files for a template pack; not opened")]
        return _verify_files(name, {i.filename: functools.partial(z.read, i) for i in infos})


def _folder_files(folder: Path) -> dict[str, Callable[[], bytes]] | None:
    """An unzipped pack's files by the names they have in the zip (``templates/x.xlsx``); None when
    there are too many or too large to be a pack."""
    files: dict[str, Callable[[], bytes]] = {}
    total = 0
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            total += p.stat().st_size
            if len(files) >= MAX_PACK_MEMBERS or total > MAX_PACK_BYTES:
                return None
            files[p.relative_to(folder).as_posix()] = p.read_bytes
    return files


def _verify_files(name: str, files: dict[str, Callable[[], bytes]] | None) -> list[Problem]:
    if files is None:
        return [Problem(name, "too many or too large files for a template pack; not opened")]
    if "manifest.json" not in files:
        return [Problem(name, "manifest.json is missing")]
    try:
        manifest = json.loads(files["manifest.json"]())
        listed = {f["name"]: f for f in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        return [Problem(f"{name} › manifest.json", f"not a valid manifest ({exc})")]
    names = set(files)
    problems = []
    for n in sorted(set(listed) - names):
        problems.append(Problem(f"{name} › {n}", "listed in the manifest but missing from the pack"))
    for n in sorted(names - set(listed) - {"manifest.json"}):
        problems.append(Problem(f"{name} › {n}", "in the pack but not in the manifest"))
    for n in sorted(set(listed) & names):
        data = files[n]()
        if len(data) != listed[n].get("size") or hashlib.sha256(data).hexdigest() != listed[n].get("sha256"):
            problems.append(Problem(f"{name} › {n}", "changed since the pack was made (size or SHA-256 differs)"))
        elif n.endswith(".xlsx"):
            problems += _check_template(f"{name} › {n}", data)
    return problems


def _template_meta(name: str, data: bytes) -> dict[str, str] | None:
    """A template's identity from its hidden metadata sheet (None when it has none)."""
    from svscore.excel.cells import load_values, metadata

    return metadata(load_values(Path(name), data=data))


def template_formats(templates: dict[str, bytes]) -> dict[str, int]:
    """Each kind of workbook in ``templates`` (file name → bytes) and the format version its
    metadata gives ("evaluation workbook": 3): each kind has its own versions, so the pack's guide
    and manifest name every one (a partner council's svscore must read each)."""
    from svscore.excel.readers import KINDS

    out: dict[str, int] = {}
    for name, data in sorted(templates.items()):
        meta = _template_meta(name, data) or {}
        kind = next((about.name for about in KINDS.values() if meta.get("template_kind") in about.template_kinds), None)
        if kind is not None:
            out[kind] = max(out.get(kind, 0), int(meta.get("format_version") or 0))
    return dict(sorted(out.items()))


def _check_template(where: str, data: bytes) -> list[Problem]:
    meta = _template_meta(where, data)
    if meta is None:
        return [Problem(where, "no svscore metadata: not a template svscore made")]
    from svscore.excel.readers import KINDS, versions

    version = int(meta.get("format_version") or 0)
    # each kind of workbook has its own format versions: compare with the newest this svscore reads of its kind
    kind = next((k for k, about in KINDS.items() if meta.get("template_kind") in about.template_kinds), None)
    newest = max(versions(kind)) if kind is not None else TEMPLATE_FORMAT_VERSION
    if version > newest:
        return [Problem(where, f"template format version {version} is newer than this svscore reads; upgrade svscore")]
    return []
