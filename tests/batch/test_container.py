"""Package safety: zip packages no Office program writes are refused before anything parses them."""
from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest

from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, read_specs
from tests.batch.conftest import (
    GOOD,
    MEASURES,
    TENDER,
    _good,
    file_report,
    messages,
    rezip,
    triples,
)
from tests.conftest import run_cli


@pytest.mark.parametrize("second", ["xl/worksheets/sheet2.xml", "XL/Worksheets/Sheet2.xml"])
def test_a_package_holding_two_parts_of_one_name_is_refused(tmp_path, second):
    """calamine reads the last copy of a part; another program may show the first. The bidder
    name in the second copy differs, so reading either one would be a guess."""
    import warnings
    warnings.simplefilter("ignore", UserWarning)  # zipfile warns when writing the second copy: that is the point
    good = _good(tmp_path).read_bytes()
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, body)
            if info.filename == "xl/worksheets/sheet2.xml":  # the Cover sheet
                assert GOOD[0].bidder.encode() in body
                dst.writestr(second, body.replace(GOOD[0].bidder.encode(), b"Someone Else Ltd"))
    path = tmp_path / "two-copies.xlsx"
    path.write_bytes(out.getvalue())
    result = inspect_file(path, path.name, read_specs(TENDER, MEASURES), Limits())
    assert not result.ok and result.bid is None
    assert triples(result.problems) == [("error", "two-copies.xlsx", "the package holds two parts named "
                                + ("xl/worksheets/sheet2.xml" if second.islower() else f"xl/worksheets/sheet2.xml and {second}")
                                + ": a damaged or altered file, which programs may read differently; not opened "
                                  "(ask the bidder to save the workbook again in Excel and send it again)")]


def test_an_empty_file_is_told_apart_from_a_damaged_one(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    result = inspect_file(path, path.name, read_specs(TENDER, MEASURES), Limits())
    assert triples(result.problems) == [("error", "empty.xlsx", "the file is empty (0 bytes): it may not have finished downloading "
                                                       "or copying; ask for it again")]


def test_a_shared_strings_count_beyond_its_size_is_refused_before_reading(tmp_path):
    """The reader sets aside room for the strings a workbook claims before reading them: a claim of
    2,147,483,647 would ask for about 50 GB. (Workbooks saved by Excel or LibreOffice hold such a
    part with an honest count: the LibreOffice round-trip test reads one.)"""
    from tests.batch.conftest import _add_member
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="2147483647">'
           '<si><t>x</t></si></sst>')
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_add_member(_good(tmp_path).read_bytes(), "xl/sharedStrings.xml", sst.encode()))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert triples(result.problems) == [("error", "bid.xlsx", "part xl/sharedStrings.xml says it holds 2,147,483,647 text values but has "
                                                     f"room for at most {len(sst) // 5}: a damaged or altered file, which would "
                                                     "exhaust the reader's memory; not opened (ask the bidder to save the "
                                                     "workbook again in Excel and send it again)")]


@pytest.mark.parametrize(("part", "warning"), [
    ("xl/externalLinks/externalLink1.xml", "the workbook links to other files: the links were not followed"),
    ("xl/embeddings/oleObject1.bin", "the workbook holds embedded objects or ActiveX controls: svscore did not open them "
                                     "(take care before opening this file in Excel)"),
    ("xl/activeX/activeX1.xml", "the workbook holds embedded objects or ActiveX controls: svscore did not open them "
                                "(take care before opening this file in Excel)"),
])
def test_parts_that_reach_outside_the_workbook_are_flagged_and_never_opened(tmp_path, part, warning):
    """The bid is still read and scored; the officer is told what the file holds."""
    from tests.batch.conftest import _add_member
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_add_member(_good(tmp_path).read_bytes(), part, b"<x/>" if part.endswith(".xml") else b"\xd0\xcf\x11\xe0"))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert result.ok and ("warning", "bid.xlsx", warning) in triples(result.problems)


def _understated(data: bytes, part: str, extra: int) -> bytes:
    """A copy of a package whose ``part`` inflates to ``extra`` more bytes (spaces before its
    closing tag) than its headers declare: the sizes are the original part's, the data is not."""
    import struct
    import zlib

    z = zipfile.ZipFile(io.BytesIO(data))
    info, body = z.getinfo(part), z.read(part)
    end = body.rfind(b"</")
    pack = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = pack.compress(body[:end]) + pack.compress(b" " * extra) + pack.compress(body[end:]) + pack.flush()
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data[:start] + deflated + data[start + info.compress_size:])
    delta = len(deflated) - info.compress_size
    struct.pack_into("<I", out, info.header_offset + 18, len(deflated))  # the local header's compressed size
    eocd = out.rfind(b"PK\x05\x06")
    directory = struct.unpack_from("<I", out, eocd + 16)[0] + delta
    struct.pack_into("<I", out, eocd + 16, directory)
    at = directory
    while out[at:at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, at + 28)
        offset = struct.unpack_from("<I", out, at + 42)[0]
        if out[at + 46:at + 46 + name_len].decode() == part:
            struct.pack_into("<I", out, at + 20, len(deflated))
        elif offset > info.header_offset:
            struct.pack_into("<I", out, at + 42, offset + delta)
        at += 46 + name_len + extra_len + comment_len
    return bytes(out)


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused_and_named(tmp_path):
    """A zip bomb that hides behind small declared sizes passes the size checks: the reader stops
    at the declared size, and the report says which part lied, in words an officer can pass on."""

    from svscore.batch.intake import start_reading
    good = _good(tmp_path)
    bomb = tmp_path / "lying.xlsx"
    bomb.write_bytes(_understated(good.read_bytes(), "xl/worksheets/sheet2.xml", 50 * 1024 * 1024))
    assert zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet2.xml").file_size < 100_000  # it declares a small part
    result = start_reading(bomb, bomb.name, Limits()).result
    assert not result.ok
    assert result.problems[0].message.startswith("part xl/worksheets/sheet2.xml unpacks to more than the")
    assert "possibly a zip bomb" in result.problems[0].message


def _repacked(data: bytes, method: int) -> bytes:
    """The package with its Cover sheet compressed by zip method ``method``."""
    return rezip(data, methods={"xl/worksheets/sheet2.xml": method})


def _zip_encrypted_flag(data: bytes) -> bytes:
    """The package with every part marked as zip-password encrypted (bit 0 of the flags), in its
    local header and its central directory entry, found by their offsets."""
    import struct

    out = bytearray(data)
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        struct.pack_into("<H", out, info.header_offset + 6, info.flag_bits | 1)
    at = struct.unpack_from("<I", out, out.rfind(b"PK\x05\x06") + 16)[0]
    while out[at:at + 4] == b"PK\x01\x02":
        struct.pack_into("<H", out, at + 8, struct.unpack_from("<H", out, at + 8)[0] | 1)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, at + 28)
        at += 46 + name_len + extra_len + comment_len
    return bytes(out)


@pytest.mark.parametrize(("make", "expected"), [
    (lambda d: _repacked(d, 12), "part xl/worksheets/sheet2.xml is compressed with bzip2, which the Office file format does not allow"),
    (lambda d: _repacked(d, 14), "part xl/worksheets/sheet2.xml is compressed with LZMA, which the Office file format does not allow"),
    (_zip_encrypted_flag, "is encrypted with a zip password, which the Office file format does not allow"),
])
def test_a_package_no_office_program_writes_is_refused_in_words_an_officer_can_pass_on(tmp_path, make, expected):
    from svscore.batch.intake import start_reading
    path = tmp_path / "odd.xlsx"
    path.write_bytes(make(_good(tmp_path).read_bytes()))
    result = start_reading(path, path.name, Limits()).result
    assert not result.ok and expected in result.problems[0].message, result.problems
    assert result.problems[0].message.endswith("ask the bidder to save the workbook again in Excel and send it again)")


def test_a_stored_part_is_read_like_a_deflated_one(tmp_path):

    from svscore.batch.intake import finish_reading, start_reading
    good = _good(tmp_path)
    stored = tmp_path / "stored.xlsx"
    stored.write_bytes(_repacked(good.read_bytes(), zipfile.ZIP_STORED))
    specs = read_specs(TENDER, MEASURES)
    a = finish_reading(start_reading(good, "a.xlsx", Limits()), specs)
    b = finish_reading(start_reading(stored, "a.xlsx", Limits()), specs)
    assert a.ok and b.ok and a.bid == b.bid


def test_a_score_sheet_package_is_refused_with_the_remedy_for_the_councils_own_file(tmp_path):
    from svscore.batch.container import package_refused
    path = tmp_path / "scores.xlsx"
    path.write_bytes(_repacked(_good(tmp_path).read_bytes(), 12))
    why = package_refused(path, path.read_bytes(), Limits())
    assert why is not None and why.endswith("not read (save the workbook again in Excel)") and "bidder" not in why


def test_a_file_far_larger_than_a_workbook_is_refused_without_being_held_in_memory_and_still_hashed(folder, tmp_path):
    """A 200 MB file under a 64 MB memory budget: read whole, it would fail as "needed more memory"
    with no hash; it is refused for its size and hashed in chunks for the manifest."""
    import hashlib
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    with (returns / "big.xlsx").open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "o"), "--memory-mb", "64")
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert messages(doc, "big.xlsx") == "the file is 200 MB, more than the 25 MB allowed for a bid return workbook: not opened"
    assert file_report(doc, "a.xlsx")["status"] == "scored"
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    big = next(i for i in manifest["inputs"] if i["name"] == "returns/big.xlsx")
    with (returns / "big.xlsx").open("rb") as fh:
        assert big == {"name": "returns/big.xlsx", "size": 200 * 1024 * 1024, "sha256": hashlib.file_digest(fh, "sha256").hexdigest()}


def test_reading_a_file_stops_one_byte_past_the_cap_and_follows_a_file_that_grew(tmp_path, monkeypatch):
    import os

    from svscore.batch import container as inspect

    path = tmp_path / "f.bin"
    for size, cap, expected in ((10, 20, 10), (20, 20, 20), (21, 20, 21), (5000, 20, 21)):
        path.write_bytes(b"x" * size)
        with path.open("rb") as fh:
            assert len(inspect.read_capped(fh, cap)) == expected
    path.write_bytes(b"x" * 100)
    real = os.fstat
    monkeypatch.setattr(inspect.os, "fstat", lambda fd: os.stat_result((*real(fd)[:6], 10, *real(fd)[7:])))  # listed at 10 bytes
    with path.open("rb") as fh:
        assert len(inspect.read_capped(fh, 1000)) == 100
    with path.open("rb") as fh:
        assert len(inspect.read_capped(fh, 50)) == 51
