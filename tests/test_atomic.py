"""Outputs written atomically, also when written in pieces."""

from __future__ import annotations

import pytest

from svscore.atomic import write_atomic


def test_pieces_are_written_in_order(tmp_path):
    target = tmp_path / "out.json"
    write_atomic(target, iter([b"{", b'\n  "a": 1', b"\n}\n"]))
    assert target.read_bytes() == b'{\n  "a": 1\n}\n'


def test_an_error_while_the_pieces_are_made_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def pieces():
        yield b"new, half"
        raise RuntimeError("stopped while writing")

    with pytest.raises(RuntimeError, match="stopped while writing"):
        write_atomic(target, pieces())
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
