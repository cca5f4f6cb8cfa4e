"""Generic value checks shared by the request core, the payload rules and the connection settings.

They know nothing about Notion: JSON's lack of NaN/Infinity, HTTP headers' latin-1 charset, optional fields
left out instead of sent as null. Each failure is a :class:`NotionInputError` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy without ``None`` values (Notion rejects explicit nulls in most optional fields)."""
    return {key: value for key, value in values.items() if value is not None}


def is_latin1(text: str) -> bool:
    """Whether ``text`` can travel in an HTTP header."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def non_finite_path(value: Any, path: str) -> str | None:
    """The dotted path of the first NaN/Infinity inside ``value``, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = non_finite_path(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = non_finite_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def check_finite(value: Any, field: str) -> None:
    """Refuse NaN/Infinity anywhere inside ``value`` (JSON has no such numbers), naming where it is."""
    where = non_finite_path(value, field)
    if where:
        raise NotionInputError(where, "NaN and Infinity are not valid JSON numbers")


def finite_number(value: Any, field: str, *, minimum: float = 0.0) -> float:
    """A finite number >= ``minimum`` (``nan``/``inf`` refused, naming the field)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NotionInputError(field, f"must be a number, got {value!r}")
    if not math.isfinite(value) or value < minimum:
        raise NotionInputError(field, f"must be a finite number >= {minimum:g}, got {value!r}")
    return float(value)
