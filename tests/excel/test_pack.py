"""The partner pack: contents, manifest checksums, determinism, and verification of tampering."""

from __future__ import annotations

import json
import zipfile

import pytest

from svscore.excel.pack import verify_pack
from tests.conftest import EXAMPLES, run_cli


def make_pack(tmp_path):
    out = tmp_path / "pack.zip"
    r = run_cli("template", "pack", str(EXAMPLES / "council-home-care.json"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_pack_contents_and_verify(tmp_path):
    pack = make_pack(tmp_path)
    names = zipfile.ZipFile(pack).namelist()
    assert "manifest.json" in names and "GUIDE.md" in names
    assert "tender/council-home-care.json" in names and "tender/measures-illustrative.json" in names
    assert "schemas/tender-v1.schema.json" in names
    assert {"templates/BCC-2026-014-evaluation.xlsx", "templates/BCC-2026-014-bid-return.xlsx",
            "templates/BCC-2026-014-score-sheets.xlsx"} <= set(names)
    manifest = json.loads(zipfile.ZipFile(pack).read("manifest.json"))
    assert len(manifest["files"]) == len(names) - 1
    assert "ILLUSTRATIVE" in zipfile.ZipFile(pack).read("GUIDE.md").decode()
    assert verify_pack(pack) == []
    r = run_cli("template", "verify", str(pack))
    assert r.returncode == 0 and "intact" in r.stdout


def test_the_guide_and_manifest_give_each_kind_of_workbooks_own_format_version(tmp_path):
    """Each kind of workbook has its own format versions; the pack said "workbook format version 1"
    for all of them after the evaluation workbook and bid return had moved on."""
    from svscore.excel.layout import EVALUATION_FORMAT_VERSION
    from svscore.excel.readers import versions

    pack = zipfile.ZipFile(make_pack(tmp_path))
    want = {"bid return workbook": max(versions("bid_return")), "evaluation workbook": EVALUATION_FORMAT_VERSION,
            "score sheets workbook": max(versions("score_sheets"))}
    assert json.loads(pack.read("manifest.json"))["template_format_versions"] == want
    assert "(workbook format versions: " + ", ".join(f"{k} {v}" for k, v in want.items()) + ")" in " ".join(
        pack.read("GUIDE.md").decode().split())


@pytest.mark.slow
def test_pack_is_deterministic(tmp_path):
    a = make_pack(tmp_path).read_bytes()
    b = make_pack(tmp_path).read_bytes()
    assert a == b


def _rewrite(src, dst, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info, data)


def test_verify_finds_changed_missing_and_added_files(tmp_path):
    pack = make_pack(tmp_path)
    changed = tmp_path / "changed.zip"
    _rewrite(pack, changed, lambda n, d: d.replace(b"Borsetshire", b"Barsetshire") if n.endswith(".json") and "tender/" in n else d)
    problems = verify_pack(changed)
    assert [p.location for p in problems] == [f"{changed} › tender/council-home-care.json"]  # the folder kept
    assert "changed since the pack was made" in problems[0].message
    missing = tmp_path / "missing.zip"
    _rewrite(pack, missing, lambda n, d: None if n == "GUIDE.md" else d)
    assert "missing from the pack" in verify_pack(missing)[0].message
    r = run_cli("template", "verify", str(missing))
    assert r.returncode == 1 and "NOT intact" in r.stdout
    (tmp_path / "junk.zip").write_bytes(b"nope")
    assert "not a readable zip" in verify_pack(tmp_path / "junk.zip")[0].message


def test_a_tender_file_whose_name_windows_cannot_hold_is_packed_under_a_name_it_can(tmp_path):
    """A tender saved on Linux may be named with bytes that are not UTF-8 or with characters Windows
    forbids; the pack must still be made, and extract on a partner council's Windows machine."""
    import os
    import shutil

    for raw, packed in ((b"t\xe9nder.json", "tender/t\ufffdnder.json"), (b"tender: v2?.json", "tender/tender_ v2_.json")):
        folder = tmp_path / raw.hex()
        folder.mkdir()
        tender = os.fsdecode(bytes(folder) + b"/" + raw)
        shutil.copy(EXAMPLES / "council-home-care.json", tender)
        shutil.copy(EXAMPLES / "measures-illustrative.json", folder / "measures-illustrative.json")
        out = folder / "pack.zip"
        r = run_cli("template", "pack", tender, "--out", str(out))
        assert r.returncode == 0, r.stderr
        names = zipfile.ZipFile(out).namelist()
        assert packed in names and "tender/measures-illustrative.json" in names
        assert f"`{packed}`" in zipfile.ZipFile(out).read("GUIDE.md").decode()
        assert verify_pack(out) == []
