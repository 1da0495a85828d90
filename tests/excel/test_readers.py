"""One registry chooses the reader of every workbook kind by its format version; a workbook of a
newer or unknown version is refused by name, and svscore's own bugs are never taken for a damaged file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.batch.demo import EVALUATORS, fill_bid_return, fill_score_sheets
from svscore.batch.spec import Limits, read_specs
from svscore.errors import WorkbookError
from tests.batch.conftest import GOOD, MEASURES, TENDER, triples
from tests.conftest import EXAMPLES, run_cli


def _with_meta(data: bytes, key: str, value: str) -> bytes:
    """The workbook with one entry of its hidden _svscore sheet changed."""
    wb = load_workbook(io.BytesIO(data))
    row = next(r for r in wb["_svscore"].iter_rows() if r[0].value == key)
    row[1].value = value
    for cell in row[2:]:
        cell.value = None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("evaluation")
    assert run_cli("template", "build", str(EXAMPLES / "council-home-care.json"), "--out", str(out)).returncode == 0
    return next(out.glob("*-evaluation.xlsx")).read_bytes()


def _read_evaluation(tmp_path: Path, data: bytes) -> str:
    from svscore.excel.read import read_evaluation

    path = tmp_path / "evaluation.xlsx"
    path.write_bytes(data)
    with pytest.raises(WorkbookError) as info:
        read_evaluation(path)
    return str(info.value)


def _read_bid_return(tmp_path: Path, data: bytes) -> list[tuple[str, str, str]]:
    from svscore.batch.intake import inspect_file

    path = tmp_path / "bid.xlsx"
    path.write_bytes(data)
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert result.bid is None
    return triples(result.problems)


def _read_score_sheets(tmp_path: Path, data: bytes):
    from svscore.batch.scores import read_score_folder

    folder = tmp_path / "scores"
    folder.mkdir()
    (folder / "scores.xlsx").write_bytes(data)
    return read_score_folder(folder, TENDER, MEASURES)


@pytest.mark.parametrize("version", ["5", "17"])
def test_an_evaluation_workbook_of_a_newer_version_is_refused_by_name(tmp_path, evaluation, version):
    said = _read_evaluation(tmp_path, _with_meta(evaluation, "format_version", version))
    assert "evaluation.xlsx" in said
    assert f"format version {version} was written by a newer svscore than this one (which reads format versions 1, 2, 3, 4): " \
           "update svscore to read it" in said


def test_an_evaluation_workbook_whose_version_is_not_a_number_is_refused_not_a_traceback(tmp_path, evaluation):
    said = _read_evaluation(tmp_path, _with_meta(evaluation, "format_version", "one"))
    assert "evaluation.xlsx" in said and "format version 'one' is not one this svscore reads (it reads format versions 1, 2, 3, 4)" in said


def test_a_bid_return_of_a_newer_version_is_refused_by_name(tmp_path):
    problems = _read_bid_return(tmp_path, _with_meta(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), "format_version", "3"))
    assert problems == [("error", "bid.xlsx", "bid return workbook format version 3 was written by a newer svscore than this one "
                                              "(which reads format versions 1, 2): update svscore to read it")]


def test_score_sheets_of_a_newer_version_are_refused_by_name(tmp_path):
    book = _read_score_sheets(tmp_path, _with_meta(fill_score_sheets(TENDER, 0, MEASURES, GOOD, EVALUATORS), "format_version", "2"))
    assert not book.scores
    assert triples(book.problems) == [
        ("error", "scores.xlsx", "score sheets workbook format version 2 was written by a newer svscore than this one "
                                 "(which reads format version 1): update svscore to read it")]


def test_the_registry_names_the_file_for_an_unknown_kind():
    from svscore.excel.readers import reader_for

    with pytest.raises(WorkbookError) as info:
        reader_for({"template_kind": "pivot_report", "format_version": "1"}, "report.xlsx", "evaluation")
    assert str(info.value.problems[0]) == ("report.xlsx: not an svscore evaluation workbook: this is an svscore workbook of an "
                                           "unknown kind ('pivot_report')")


def test_every_kind_has_a_reader_for_the_version_svscore_writes():
    from svscore.excel import workbook as xw
    from svscore.excel.bid_return import build_bid_return
    from svscore.excel.cells import load_values, metadata
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.readers import KINDS, versions
    from svscore.excel.score_sheets import build_score_sheets
    from tests.excel.books import temporary

    built = {"evaluation": build_evaluation(TENDER, 0, MEASURES), "score_sheets": build_score_sheets(TENDER, 0, MEASURES),
             "bid_return": build_bid_return(TENDER, 0, MEASURES)}
    assert set(built) == set(KINDS)
    for kind, wb in built.items():
        meta = metadata(load_values(temporary(wb)))
        assert int(meta["format_version"]) == max(versions(kind)), kind
    assert xw.TEMPLATE_FORMAT_VERSION in versions("score_sheets")


class _Bug(KeyError):
    """Stands for a mistake in svscore's own code."""


def _bug(*args, **kwargs):
    raise _Bug("a bug in svscore")


def test_a_bug_while_reading_an_evaluation_workbook_is_not_called_an_unreadable_file(tmp_path, evaluation, monkeypatch):
    from svscore.excel import read

    path = tmp_path / "evaluation.xlsx"
    path.write_bytes(evaluation)
    monkeypatch.setattr(read, "load_values", _bug)
    with pytest.raises(_Bug):
        read.read_evaluation(path)


def test_a_bug_while_reading_a_returned_bid_is_not_called_an_unreadable_file(tmp_path, monkeypatch):
    from svscore.batch import intake

    monkeypatch.setattr(intake, "load_values", _bug)
    with pytest.raises(_Bug):
        _read_bid_return(tmp_path, fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))


def test_a_bug_in_the_package_checks_is_not_called_an_unreadable_file(tmp_path, monkeypatch):
    from svscore.batch import container, intake

    monkeypatch.setattr(intake, "check_container", _bug)
    with pytest.raises(_Bug):
        _read_bid_return(tmp_path, fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))
    monkeypatch.setattr(container, "check_container", _bug)
    path = tmp_path / "own.xlsx"
    path.write_bytes(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))
    with pytest.raises(_Bug):
        container.package_refused(path, path.read_bytes(), Limits())


def test_a_bug_while_reading_score_sheets_is_not_called_an_unreadable_file(tmp_path, monkeypatch):
    from svscore.batch import scores

    monkeypatch.setattr(scores, "load_values", _bug)
    with pytest.raises(_Bug):
        _read_score_sheets(tmp_path, fill_score_sheets(TENDER, 0, MEASURES, GOOD, EVALUATORS))


def test_a_workbook_the_reader_panics_on_is_unreadable_not_a_traceback(tmp_path):
    """python-calamine panics (a BaseException, not an Exception) on a time-formatted cell holding
    -1E+300: that is the reader refusing a damaged file, and is said as one."""
    from openpyxl import Workbook

    from tests.batch.conftest import rezip

    wb = Workbook()
    wb.active["A1"] = 5
    wb.active["A1"].number_format = "hh:mm"
    out = io.BytesIO()
    wb.save(out)
    data = rezip(out.getvalue(), lambda name, body: body.replace(b"<v>5</v>", b"<v>-1e300</v>") if "sheet1" in name else body)
    path = tmp_path / "panics.xlsx"
    path.write_bytes(data)
    r = run_cli("template", "read", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "panics.xlsx" in r.stderr and "not read" in r.stderr


def test_choosing_a_bid_returns_reader_imports_neither_the_evaluation_reader_nor_openpyxl():
    """Each batch worker chooses a reader for every returned file: the registry names its readers
    rather than importing them, so a worker does not import the evaluation workbook's reader, the
    models it needs and openpyxl (about a third of a second) before reading its first file."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from svscore.excel.readers import reader_for\n"
            "reader = reader_for({'template_kind': 'bid_return', 'format_version': '2'}, 'bid.xlsx', 'bid_return')\n"
            "print(reader.version, reader.read.__name__, sorted(m for m in ('openpyxl', 'svscore.excel.read', 'svscore.model.bids')"
            " if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["2", "read_v2", "[]"], r.stdout + r.stderr


def test_the_bid_return_versions_read_are_the_versions_built():
    """A bid return version is listed in three places: the readers, the Covers the tamper check
    builds for each version, and the version built now. A reader registered without its Cover (or
    the reverse) would fail every batch that meets such a return, so they must agree."""
    from svscore.excel.bid_return import BID_RETURN_FORMAT_VERSION, COVERS
    from svscore.excel.readers import versions

    assert sorted(versions("bid_return")) == sorted(COVERS)
    assert max(COVERS) == BID_RETURN_FORMAT_VERSION
