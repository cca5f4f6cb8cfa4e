"""Flat, typed columns from a Notion data source's schema, and a page's values in them.

The columns are derived from the data source's **properties** (its schema), never guessed from values, so every
file of an export has the same columns and types whatever rows it holds, including none.

| Notion property type | column(s) | type |
|---|---|---|
| title, rich_text | the plain text | string |
| number | the number | float64 (Notion's number formats never promise an integer) |
| select, status | the option name | string |
| multi_select | the option names | list<string> |
| date | ``<name>.start``, ``<name>.end``, ``<name>.time_zone`` | timestamp (UTC), timestamp, string |
| people, relation | the ids | list<string> |
| checkbox | the box | bool |
| url, email, phone_number | the text | string |
| files | the file URLs (Notion-hosted URLs expire after an hour) | list<string> |
| formula | the result as text (the schema does not say the result type) | string |
| rollup | by its function (below) | list<string>, timestamp or float64 |
| unique_id | ``PREFIX-12`` (``12`` without a prefix) | string |
| created_time, last_edited_time | the time | timestamp |
| created_by, last_edited_by | the user id | string |
| anything else (button, verification, place...) | the value as JSON text | string |

A rollup's column follows its function: ``show_original``/``show_unique`` -> list<string> (items as text);
``earliest_date``, ``latest_date``, ``date_range`` -> timestamp (the start); any other (count, sum...) -> float64.

System columns come first: ``id``, ``url``, ``created_time``, ``last_edited_time`` (timestamps), ``in_trash``
(bool; ``archived`` before 2026-03-11).

**Column names.** ``column_names="default"`` uses the property names as they are; ``"snake_case"`` lower-cases
them and turns every run of characters other than letters (of any script) and digits into ``_`` (``Due date (UTC)`` ->
``due_date_utc``; a name starting with a digit gets a leading ``_``; an empty result becomes ``property``).
**Collisions** (compared case-insensitively, as warehouses do) are resolved deterministically: the system columns
keep their names; then the properties are taken in order of name (then property id), and a column whose name is
already taken gets the first free suffix ``_2``, ``_3``... So a property called ``id`` becomes ``id_2``.
With an export state, names given in earlier runs are **bound** to their property id and kept (see
:func:`build_columns`), so a property added later never takes an existing column's name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from airflow_provider_notion.exceptions import NotionError
from airflow_provider_notion.rules.timestamps import read_instant
from airflow_provider_notion.rules.values.from_notion import (
    ID_LIST_TYPES,
    OPTION_TYPES,
    STRING_TYPES,
    TEXT_TYPES,
    USER_TYPES,
    date_parts,
    plain_value,
)

ColumnType = Literal["string", "float64", "bool", "timestamp", "list<string>"]
ColumnNames = Literal["default", "snake_case"]
COLUMN_NAME_STYLES: tuple[ColumnNames, ...] = ("default", "snake_case")

SYSTEM_PROPERTY_TYPE = "system"
_ROLLUP_LISTS = frozenset({"show_original", "show_unique"})
_ROLLUP_DATES = frozenset({"earliest_date", "latest_date", "date_range"})
#: Property types whose column holds :func:`plain_value` (others: their own rule below, or JSON text).
_PLAIN_TYPES = frozenset(
    {
        *TEXT_TYPES,
        *STRING_TYPES,
        *OPTION_TYPES,
        *ID_LIST_TYPES,
        *USER_TYPES,
        "number",
        "checkbox",
        "multi_select",
        "files",
        "formula",
        "unique_id",
    }
)


@dataclass(frozen=True)
class Column:
    """One output column: its name and type, and where its value comes from.

    :param source: the property name (or the page field, for system columns).
    :param property_type: the Notion property type, or ``"system"``.
    :param part: which part of the value (``value``; ``start``/``end``/``time_zone`` of a date).
    """

    name: str
    type: ColumnType
    source: str
    property_type: str
    part: str = "value"
    #: For a column widened to ``string`` (see :mod:`~airflow_provider_notion.jobs.export.state`): the type its value
    #: is read as before it is turned into text.
    extract_as: ColumnType | None = None
    #: The Notion property id (``None`` for system columns): what an export state binds the column name to.
    property_id: str | None = None

    def describe(self) -> dict[str, str]:
        """The sidecar schema entry (``*.schema.json``)."""
        entry = {
            "name": self.name,
            "type": self.type,
            "source": self.source,
            "property_type": self.property_type,
            "part": self.part,
        }
        if self.extract_as is not None:
            entry["widened_from"] = self.extract_as
        return entry


def snake_case(name: str) -> str:
    """``Due date (UTC)`` -> ``due_date_utc`` (see the module docstring)."""
    text = re.sub(r"[\W_]+", "_", name.lower()).strip("_")  # letters of any script are kept
    if not text:
        return "property"
    return f"_{text}" if text[0].isdigit() else text


def _rollup_type(spec: Mapping[str, Any]) -> ColumnType:
    function = str((spec.get("rollup") or {}).get("function") or "show_original")
    if function in _ROLLUP_LISTS:
        return "list<string>"
    if function in _ROLLUP_DATES:
        return "timestamp"
    return "float64"


def _property_parts(prop_type: str, spec: Mapping[str, Any]) -> list[tuple[str, ColumnType]]:
    """``(part, type)`` of each column a property becomes."""
    if prop_type == "date":
        return [("start", "timestamp"), ("end", "timestamp"), ("time_zone", "string")]
    simple: dict[str, ColumnType] = {
        "number": "float64",
        "checkbox": "bool",
        "multi_select": "list<string>",
        "people": "list<string>",
        "relation": "list<string>",
        "files": "list<string>",
        "created_time": "timestamp",
        "last_edited_time": "timestamp",
    }
    if prop_type == "rollup":
        return [("value", _rollup_type(spec))]
    return [("value", simple.get(prop_type, "string"))]


SYSTEM_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("id", "string"),
    ("url", "string"),
    ("created_time", "timestamp"),
    ("last_edited_time", "timestamp"),
    ("in_trash", "bool"),
)


def build_columns(
    properties: Mapping[str, Any],
    column_names: ColumnNames = "default",
    *,
    bound: Mapping[tuple[str, str], str] | None = None,
) -> list[Column]:
    """The columns of a data source whose schema is ``properties`` (``{name: {"id", "type", ...}}``).

    :param bound: ``(property id, part) -> column name`` from earlier runs (the export state): such a property
        keeps its column name whatever was added or renamed since, and no other property ever gets one of these
        names (a removed property's name stays reserved), so a column never holds different data in two files.
    """
    rename: Callable[[str], str] = snake_case if column_names == "snake_case" else (lambda name: name)
    taken: set[str] = set()
    bound = bound or {}

    def claim(wanted: str) -> str:
        name, suffix = wanted, 1
        while name.lower() in taken:
            suffix += 1
            name = f"{wanted}_{suffix}"
        taken.add(name.lower())
        return name

    columns = [Column(claim(name), kind, name, SYSTEM_PROPERTY_TYPE) for name, kind in SYSTEM_COLUMNS]
    for (property_id, part), name in sorted(bound.items()):
        if name.lower() in taken:
            raise NotionError(
                f"the export state binds the column name {name!r} to property {property_id!r} ({part}), but "
                "another column already has that name (was the state edited, or written by another export?); "
                "fix or delete the state file"
            )
        taken.add(name.lower())
    ordered = sorted(
        ((str(name), spec) for name, spec in properties.items() if isinstance(spec, Mapping)),
        key=lambda item: (item[0], str(item[1].get("id", ""))),
    )
    for prop_name, spec in ordered:
        prop_type = str(spec.get("type", ""))
        property_id = str(spec.get("id") or prop_name)
        for part, kind in _property_parts(prop_type, spec):
            column_name = bound.get((property_id, part))
            if column_name is None:
                label = prop_name if part == "value" else f"{prop_name}.{part}"
                if part != "value" and column_names == "snake_case":
                    label = f"{snake_case(prop_name)}_{part}"
                column_name = claim(rename(label))
            columns.append(Column(column_name, kind, prop_name, prop_type, part, property_id=property_id))
    return columns


# ---------------------------------------------------------------------------------------------- values


def value_text(value: Any) -> str | None:
    """A typed value (formula result, rollup item) as text: its plain value (:func:`plain_value`) written out."""
    plain = plain_value(value)
    if plain is None:
        return None
    if isinstance(plain, bool):
        return "true" if plain else "false"
    if isinstance(plain, float):
        return format(plain, "g")
    if isinstance(plain, str | int):
        return str(plain)
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _property_value(column: Column, prop: Mapping[str, Any]) -> Any:
    prop_type = column.property_type
    if prop_type == "date":
        start, end, zone = date_parts(prop)
        return {"start": start, "end": end, "time_zone": zone}.get(column.part)
    if prop_type == "rollup":
        return _rollup_value(column.type, prop.get(prop_type))
    if prop_type in ("created_time", "last_edited_time"):
        return read_instant(prop.get(prop_type))
    if prop_type not in _PLAIN_TYPES:
        raw = prop.get(prop_type)
        return None if raw is None else json.dumps(raw, ensure_ascii=False, sort_keys=True)
    value = plain_value(prop, prop_type)
    if prop_type == "number":
        return _number(value)
    if prop_type == "formula":
        return value_text(prop.get(prop_type))
    if prop_type == "unique_id":
        return None if value is None else str(value)
    return value


def _rollup_value(kind: ColumnType, raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return None
    inner = raw.get(str(raw.get("type")))
    if kind == "list<string>":
        items = inner if isinstance(inner, list) else []
        return [text for item in items if (text := value_text(item)) is not None]
    if kind == "timestamp":
        return read_instant(inner.get("start")) if isinstance(inner, Mapping) else None
    return _number(inner)


def _system_value(column: Column, page: Mapping[str, Any]) -> Any:
    if column.type == "timestamp":
        return read_instant(page.get(column.source))
    if column.source == "in_trash":
        trashed = page.get("in_trash", page.get("archived"))
        return None if trashed is None else bool(trashed)
    value = page.get(column.source)
    return None if value is None else str(value)


def flatten_page(page: Mapping[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    """The page's value in each column (``None`` where it has no value or the property is missing)."""
    properties = page.get("properties") or {}
    row: dict[str, Any] = {}
    for column in columns:
        if column.property_type == SYSTEM_PROPERTY_TYPE:
            row[column.name] = _system_value(column, page)
            continue
        prop = properties.get(column.source)
        if not isinstance(prop, Mapping) or prop.get("type") != column.property_type:
            # Missing, or retyped since the schema was read: no value rather than a mixed type.
            row[column.name] = None
            continue
        if column.extract_as is not None:
            value = _property_value(replace(column, type=column.extract_as), prop)
            row[column.name] = as_text(value)
        else:
            row[column.name] = _property_value(column, prop)
    return row


def as_text(value: Any) -> str | None:
    """A typed value as the text a widened ``string`` column holds."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(text_form(value))  # numbers as Python writes them: 2.5, 3.0


def text_form(value: Any) -> Any:
    """A column value as JSON Lines carries it: timestamps as ISO 8601 text, everything else unchanged."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value
