"""Read svscore's JSON files: parse exactly, validate against the schema, then build the model.

Every error names the JSON path of the offending value and says, in plain English, what was
wrong and what was expected. All errors in a file are reported at once, not just the first.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

try:  # a compiled validator that answers "valid or not" fast; not built for Pyodide, where jsonschema alone is used
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised where jsonschema-rs has no build
    jsonschema_rs = None  # type: ignore[assignment]

from svscore.errors import Problem, TenderFileError, json_path
from svscore.model.bids import Bid, BidsFile
from svscore.model.contract import ContractRecord
from svscore.model.measures import MeasuresTable
from svscore.model.schemas import DOCUMENTS, latest, schema_for
from svscore.model.tender import Tender
from svscore.model.thresholds import ThresholdsTable

if TYPE_CHECKING:  # jsonschema itself is imported only for a file with an error (it takes a tenth of a second)
    import jsonschema

M = TypeVar("M", bound=BaseModel)
MAX_PROBLEMS = 50


class _DuplicateKey(ValueError):
    pass


def _objects() -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """The objects of one file: a field given twice refused, and text that recurs (an evaluator's
    name, a criterion or measure id, in every bid of a large file) kept once, not once a bid."""
    seen: dict[str, str] = {}

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            out[key] = seen.setdefault(value, value) if type(value) is str and len(value) <= SHARED_TEXT else value
        if len(out) != len(pairs):  # a field given twice (found by the count: quicker than a test of each key)
            raise _DuplicateKey(_first_repeated(pairs))
        return out

    return no_duplicates


def _first_repeated(pairs: list[tuple[str, Any]]) -> str:
    names: set[str] = set()
    for key, _ in pairs:
        if key in names:
            return key
        names.add(key)
    raise AssertionError("no key is repeated")  # pragma: no cover - called only when one is


SHARED_TEXT = 64
"""Text up to this length is kept once however often a file repeats it (longer text rarely repeats)."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


INT_DIGITS = 40
"""More digits than any whole number in an svscore file could need (prices stay below 10**15)."""


def _whole_number(text: str) -> int:
    if len(text) > INT_DIGITS and len(text.lstrip("-")) > INT_DIGITS:
        raise ValueError(f"a whole number {len(text.lstrip('-')):,} digits long, far larger than any value an svscore file holds")
    return int(text)


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text exactly (numbers as Decimal), refusing duplicate keys, NaN, numbers of
    absurd length and nesting deeper than Python can follow."""
    try:
        return json.loads(
            text, parse_float=Decimal, parse_int=_whole_number, object_pairs_hook=_objects(), parse_constant=_no_constants
        )
    except RecursionError:
        raise TenderFileError(source, [Problem("$", "lists or objects are nested more deeply than svscore can follow (about a thousand levels): "
                                                    "not a file svscore writes or reads")]) from None
    except json.JSONDecodeError as exc:
        raise TenderFileError(
            source, [Problem(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}")]
        ) from None
    except _DuplicateKey as exc:
        raise TenderFileError(source, [Problem("$", f"the field {exc.args[0]!r} appears twice in one object")]) from None
    except ValueError as exc:
        raise TenderFileError(source, [Problem("$", str(exc))]) from None


def read_json(path: str | Path) -> Any:
    """Read and parse a JSON file, with a clear error when it cannot be read."""
    p = Path(path)
    try:
        raw = p.read_bytes()
        # UTF-8 (with or without the mark Windows Notepad adds), or UTF-16 with its mark ("Unicode" in Notepad's Save As)
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise TenderFileError(str(p), [Problem(str(p), "no such file")]) from None
    except IsADirectoryError:
        raise TenderFileError(str(p), [Problem(str(p), "this is a folder, not a file")]) from None
    except UnicodeDecodeError:
        raise TenderFileError(str(p), [Problem(str(p), "not a text file (expected UTF-8 JSON)")]) from None
    return parse_json(text, str(p))


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(value)


_TYPE_WORDS = {
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def _expected_type(t: Any) -> str:
    if isinstance(t, list):
        return " or ".join(_TYPE_WORDS.get(x) or str(x) for x in t)
    return _TYPE_WORDS.get(t, str(t))


def _is_null_branch(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _translate(error: jsonschema.ValidationError) -> Problem:
    """Turn one jsonschema error into a located, plain-English problem."""
    parts = list(error.absolute_path)
    v, value = error.validator, error.instance
    if v in ("anyOf", "oneOf") and error.context:
        # Optional fields are "X or null": explain the X branch, the one the author meant.
        branches = [e for e in error.context if not _is_null_branch(e.schema)]
        deepest = max(branches or error.context, key=lambda e: len(e.absolute_path))
        if len({tuple(e.relative_schema_path)[:1] for e in branches}) == 1 or len(branches) == 1:
            return _translate(deepest)
        return Problem(json_path(parts), f"{_describe(value)} does not match any of the allowed forms")
    if v == "type":
        msg = f"expected {_expected_type(error.validator_value)}, but found {_describe(value)}"
    elif v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        parts.append(missing)
        msg = "this required field is missing"
    elif v == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        extras = sorted(set(value) - set(allowed)) if isinstance(value, dict) else []
        name = extras[0] if extras else "?"
        parts.append(name)
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; allowed fields: {', '.join(allowed)}"
        msg = f"unknown field {name!r}{hint}"
    elif v == "enum":
        options = ", ".join(repr(x) for x in error.validator_value)
        msg = f"{_describe(value)} is not allowed; expected one of: {options}"
    elif v == "const":
        msg = f"expected {error.validator_value!r}, but found {_describe(value)}"
    elif v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "more than",
                 "maximum": "at most", "exclusiveMaximum": "less than"}[v]
        msg = f"must be {words} {error.validator_value}, but is {value}"
    elif v == "minLength":
        msg = "must not be empty" if error.validator_value == 1 else f"must be at least {error.validator_value} characters"
    elif v == "minItems":
        msg = f"must have at least {error.validator_value} item(s)"
    elif v == "pattern":
        msg = f"{_describe(value)} is not allowed here (ids may not contain spaces or line breaks)" if r"\S" in str(
            error.validator_value) else f"{_describe(value)} does not match the pattern {_published(str(error.validator_value))}"
    elif v == "format":
        fmt = error.validator_value
        example = {"date": "an ISO date such as 2026-03-01"}.get(fmt, f"a valid {fmt}")
        msg = f"expected {example}, but found {_describe(value)}"
    else:
        msg = error.message
    return Problem(json_path(parts), msg)


def _is_integer(checker: Any, instance: Any) -> bool:
    """JSON Schema's integer: a number with a zero fractional part (2020-12 validation, §6.1.1), so
    ``1.0`` is one as ``1`` is. svscore parses decimals exactly, as ``Decimal``; jsonschema's own check
    knows only ``int`` and ``float``, and would refuse ``1.0`` where the fast validator accepts it."""
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal | float):
        return math.isfinite(instance) and instance == int(instance)
    return isinstance(instance, int)


def _ecma_end(node: Any) -> Any:
    """The schema with each pattern's closing ``$`` as ``\\Z``: in JSON Schema (ECMA-262) ``$`` is
    the end of the text, but Python's ``$`` also matches before a final line break, so jsonschema
    accepted ``"abc\\n"`` as an id matching ``^\\S+$`` where jsonschema-rs (and the standard) refuse it."""
    if isinstance(node, dict):
        return {k: (v[:-1] + "\\Z" if k == "pattern" and isinstance(v, str) and v.endswith("$") and not v.endswith("\\$")
                    else _ecma_end(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_ecma_end(v) for v in node]
    return node


def _published(pattern: str) -> str:
    """A pattern as the schema publishes it (undoing :func:`_ecma_end`), for messages."""
    return pattern[:-2] + "$" if pattern.endswith("\\Z") else pattern


@cache
def _validator(kind: str, version: int) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = _ecma_end(schema_for(kind, version))
    cls = jsonschema.validators.validator_for(schema)
    cls = jsonschema.validators.extend(cls, type_checker=cls.TYPE_CHECKER.redefine("integer", _is_integer))
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# Python's \s (str.isspace) also counts the separators U+001C-U+001F as white space; the Rust regex
# engine's \s (Unicode White_Space) does not. The fast validator is given Python's meaning, so that it
# accepts exactly what jsonschema accepts (tests/model/test_fast_validation.py compares the two).
_PYTHON_NON_SPACE = "[^\\s\\x1c-\\x1f]"


def _python_patterns(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (v.replace("\\S", _PYTHON_NON_SPACE) if k == "pattern" and isinstance(v, str) else _python_patterns(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_python_patterns(v) for v in node]
    return node


@cache
def _fast_validator(kind: str, version: int) -> Any:
    """A jsonschema-rs validator of the same schema, or None where jsonschema-rs is not installed."""
    if jsonschema_rs is None:
        return None
    return jsonschema_rs.validator_for(_python_patterns(schema_for(kind, version)), validate_formats=True)


def _fast_valid(data: Any, kind: str, version: int) -> bool:
    """True when the fast validator finds ``data`` valid; False when it finds it invalid, cannot take
    one of its values, or is not installed: jsonschema then decides, and names every path."""
    fast = _fast_validator(kind, version)
    try:
        return fast is not None and fast.is_valid(data)
    except ValueError:  # "Unsupported type" from a jsonschema-rs too old for Decimal
        return False


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(json_path(loc), msg))
    return problems


def validate_document(data: Any, kind: str, source: str, *, consume: bool = False) -> BaseModel:
    """Validate parsed JSON as a document of ``kind``: schema first, then the model's own rules.

    ``consume``: ``data`` is the caller's to lose; a bids file's bids are then built one at a time,
    each bid's parsed JSON let go as its model is made, so a large file is not held twice."""
    version = latest(kind).version
    if isinstance(data, dict) and "format_version" in data:
        found = data["format_version"]
        if isinstance(found, Decimal) and _is_integer(None, found):
            found = int(found)  # 2.0 is version 2, as the schema's integer type says
        if isinstance(found, int) and not isinstance(found, bool) and (kind, found) not in DOCUMENTS:
            newest = latest(kind).version
            why = ("is newer than this svscore understands; upgrade svscore" if found > newest
                   else "is not a version svscore ever wrote")
            raise TenderFileError(source, [Problem("$.format_version", f"{kind} format version {found} {why} (it reads up to {newest})")])
        if (kind, found) in DOCUMENTS:
            version = found
    errors = [] if _fast_valid(data, kind, version) else sorted(
        _validator(kind, version).iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        problems = []
        for e in errors[:MAX_PROBLEMS]:
            p = _translate(e)
            if p not in problems:
                problems.append(p)
        raise TenderFileError(source, problems)
    current = latest(kind)
    if version != current.version and isinstance(data, dict):  # an older file: read as the newest version
        data = {**data, "format_version": current.version}
    model = DOCUMENTS[(kind, version)].model
    try:
        if consume and model is BidsFile and isinstance(data, dict) and isinstance(data.get("bids"), list):
            return _bids_one_at_a_time(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise TenderFileError(source, _pydantic_problems(exc)) from None


def _bids_one_at_a_time(data: dict[str, Any]) -> BidsFile:
    """A bids file's model, its bids built one at a time and each one's parsed JSON let go.

    At the first bid that fails, the file is validated whole (the bids built so far as models, the
    rest as read), so its errors, their paths and their order are those of one pass over the file."""
    raw: list[Any] = data["bids"]
    built: list[Bid] = []
    fields_sets: list[set[str]] = []
    for i in range(len(raw)):
        try:
            bid = Bid.model_validate(raw[i])
        except ValidationError:
            return BidsFile.model_validate({**data, "bids": built + raw[i:]})  # raises, naming every path
        raw[i] = None
        for part in (bid, *bid.scores, *bid.commitments):
            _share_fields_set(part, fields_sets)
        built.append(bid)
    return BidsFile.model_validate({**data, "bids": built})


def _share_fields_set(model: BaseModel, shared: list[set[str]]) -> None:
    """Give a frozen model the shared set of the names of its given fields equal to its own: pydantic
    makes a set (216 bytes) for each of a bid's many scores and commitments, which no frozen model
    changes (pydantic copies it before changing it, for ``model_copy``), and which came to a third
    of a large file's models' memory. A file has only a few such sets: they are compared in turn."""
    names = model.__pydantic_fields_set__
    for known in shared:
        if known == names:
            object.__setattr__(model, "__pydantic_fields_set__", known)
            return
    shared.append(names)


KIND_NAME = {"tender": "tender file", "bids": "bids file", "measures": "measures table", "thresholds": "thresholds table",
             "contract": "contract record"}
# What each kind of file is for, said when a file of that kind is given where another is wanted.
KIND_USE = {
    "tender": "a tender file is checked with 'svscore check TENDER'",
    "bids": "a bids file is scored with 'svscore score TENDER BIDS'",
    "measures": "a measures table is named by the tender's social_value.measures_file, or given with --measures",
    "thresholds": "a thresholds table is given with --thresholds, or named by the tender's thresholds_table",
    "contract": "a contract record is made at award and read by the monitoring of the contract",
}


def _load(path: str | Path, kind: str, model: type[M]) -> M:
    data = read_json(path)
    try:
        result = validate_document(data, kind, str(path), consume=True)
    except TenderFileError as exc:
        other = other_kind(data, kind)
        if other is None:
            raise
        raise TenderFileError(str(path), [Problem("$", f"this is a {KIND_NAME[other]}, not a {KIND_NAME[kind]}: {KIND_USE[other]}")]) from exc
    assert isinstance(result, model)
    return result


def other_kind(data: Any, kind: str) -> str | None:
    """The kind of svscore file ``data`` is when it is not the ``kind`` wanted: it lacks a field the
    wanted kind requires, has every field the other requires, and no field the other does not allow.
    None when it is no kind in particular (a broken file of the wanted kind is reported as such)."""
    if not isinstance(data, dict):
        return None
    wanted = schema_for(kind, latest(kind).version)
    if all(f in data for f in wanted.get("required", [])):
        return None
    for (other, version) in sorted(DOCUMENTS):
        schema = schema_for(other, version)
        if (other != kind and version == latest(other).version and all(f in data for f in schema.get("required", []))
                and set(data) <= set(schema.get("properties", {}))):
            return other
    return None


def load_tender(path: str | Path) -> Tender:
    """Load and validate a tender file; its relative paths are relative to its own folder."""
    return _load(path, "tender", Tender).read_from(Path(path).parent)


def tender_measures(tender: Tender, override: str | Path | None = None,
                    base_dir: Path | None = None) -> tuple[MeasuresTable | None, Path | None]:
    """The measures table a tender is scored with, and its path: ``override`` when given, else the
    tender's ``social_value.measures_file`` relative to ``base_dir`` or the tender's own folder.
    The one place the table is found, for the library, the command line and the batch alike."""
    if override is not None:
        path = Path(override)
    elif tender.social_value.measures_file:
        path = Path(tender.social_value.measures_file)
        folder = base_dir if base_dir is not None else tender.source_dir
        if not path.is_absolute() and folder is not None:
            path = folder / path
    else:
        return None, None
    return load_measures(path), path


def load_bids(path: str | Path) -> BidsFile:
    """Load and validate a bids file."""
    return _load(path, "bids", BidsFile)


def load_measures(path: str | Path) -> MeasuresTable:
    """Load and validate a council's measures table."""
    return _load(path, "measures", MeasuresTable)


def load_contract(path: str | Path) -> ContractRecord:
    """Load and validate a contract record."""
    return _load(path, "contract", ContractRecord)


def load_thresholds(path: str | Path) -> ThresholdsTable:
    """Load and validate a thresholds table."""
    return _load(path, "thresholds", ThresholdsTable)
