"""Templated values to Python values: one set of rules for every operator and the sensor.

Templated fields arrive rendered as strings, so each helper accepts the Python value or its text form:

- booleans: ``True``/``False`` or the strings ``true``/``false``, ``1``/``0``, ``yes``/``no`` (any case,
  surrounding spaces ignored); anything else is an error (``"maybe"``, ``2``, ``None`` where required);
- numbers: an int or float, or a string holding one; NaN and Infinity are refused, and so are booleans;
- whole numbers: an int, or a string of digits (``"10"``; not ``"10.0"``);
- choices: one of a fixed list of words, any case, surrounding spaces ignored.

Each failure is a :class:`NotionInputError` naming the field, raised before any request is sent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def as_bool(value: Any, field: str) -> bool:
    """A flag, also from a rendered template (``"True"``, ``"no"``, ``"1"``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
    raise NotionInputError(field, f"expected true or false (also yes/no, 1/0), got {value!r}")


def as_optional_bool(value: Any, field: str) -> bool | None:
    """:func:`as_bool`, with ``None`` or ``""`` meaning unset."""
    return None if value is None or value == "" else as_bool(value, field)


def as_number(
    value: Any,
    field: str,
    *,
    whole: bool = False,
    minimum: float = 0,
    maximum: float | None = None,
    required: bool = False,
) -> Any:
    """An int (``whole``) or finite float in ``[minimum, maximum]``; ``None``/``""`` is unset unless ``required``."""
    if value is None or value == "":
        if required:
            raise NotionInputError(field, "is required")
        return None
    number: Any = value
    if isinstance(value, str):
        try:
            number = int(value.strip()) if whole else float(value.strip())
        except ValueError:
            number = None
    if (
        isinstance(number, bool)
        or not isinstance(number, int | float)
        or (whole and not isinstance(number, int))
        or not math.isfinite(number)
        or number < minimum
        or (maximum is not None and number > maximum)
    ):
        kind = "a whole number" if whole else "a finite number"
        bounds = f">= {minimum:g}" if maximum is None else f"from {minimum:g} to {maximum:g}"
        raise NotionInputError(field, f"expected {kind} {bounds}, got {value!r}")
    return number


def whole_number(value: Any, field: str, minimum: int = 0, maximum: int | None = None) -> int:
    """A required whole number from ``minimum`` (to ``maximum``)."""
    number = as_number(value, field, whole=True, minimum=minimum, maximum=maximum, required=True)
    assert isinstance(number, int)
    return number


def as_choice(value: Any, field: str, allowed: Sequence[str]) -> str:
    """One of ``allowed`` (compared in lower case, spaces around ignored)."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in allowed:
        raise NotionInputError(field, f"{value!r} is not one of {', '.join(allowed)}")
    return str(text)
