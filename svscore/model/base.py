"""Shared building blocks of every svscore file model: frozen models and exact numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from svscore.fmt import LARGEST


def _to_decimal(value: Any) -> Any:
    # Numbers are kept exactly as written: files are parsed with Decimal, and a float from
    # Python code is taken at its shortest repr (33.3 -> Decimal("33.3"), not 33.29999...).
    # Text is refused here as it is by the schema: "40" in a weight is a mistake to report.
    kind = type(value)
    if kind is int:  # a whole number of a parsed file (a score, a quantity): the commonest case, checked first
        if 0 <= value <= _SHARED_WHOLE:
            return _WHOLE[value]
        value = Decimal(value)
    elif kind is not Decimal:  # every other number of a parsed file is a Decimal: it goes straight to the checks
        value = _from_other(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("expected a finite number")
    if isinstance(value, Decimal) and abs(value) >= LARGEST:
        raise ValueError(f"{value:.3E} is far too large; svscore reads numbers smaller than {LARGEST:,}")
    return value


_SHARED_WHOLE = 1000
_WHOLE = [Decimal(i) for i in range(_SHARED_WHOLE + 1)]
"""The whole numbers 0 to 1,000 as Decimals, made once: a large bids file holds hundreds of
thousands of small whole numbers (scores, years, quantities), each otherwise its own object."""


def _from_other(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, float):
        try:
            value = Decimal(repr(value))
        except InvalidOperation as exc:  # pragma: no cover - repr of a float always parses
            raise ValueError("expected a number") from exc
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        raise ValueError(f"expected a number, not the text {value!r}")
    return value


def decimal_to_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    PlainSerializer(decimal_to_json, return_type=Any, when_used="json"),
    WithJsonSchema({"type": "number", "exclusiveMinimum": -LARGEST, "exclusiveMaximum": LARGEST}),
]
"""An exact decimal number; JSON schema type ``number``, smaller in size than ``LARGEST``. Never text."""


class Frozen(BaseModel):
    """Immutable, closed model: unknown fields are errors, values never change after loading."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def revised(self, **changes: Any) -> Any:
        """A new, validated copy with some fields changed (the original never changes).

        Unlike ``model_copy(update=...)``, the changes are validated like a file's contents.
        """
        return type(self).model_validate({**self.model_dump(exclude_unset=True), **changes})
