"""Row keys: which property types can identify a row, and a key's normal form. One rule for the upsert
(``unique_property``) and the sync (``key``), so a property that identifies a row for one does for the other.

A key type must be able to hold a different value in every row: title, rich_text, url, email, phone_number,
number, select, status, date and unique_id. A checkbox holds two values, so it cannot identify the rows of a
table; multi-select, relation, people and files hold sets, and computed types (formula, rollup, times) change
by themselves.

Keys are compared in normal form (:func:`key_of`): text by content, a number ``1`` matches ``1.0``, a select or
status by option name, a date by its start (a day as ``2026-01-31``, a moment in UTC), a unique ID by its
number (``"TASK-12"`` matches ``12``: the prefix is not compared). Notion assigns unique IDs itself, so a row
keyed by one can be updated but never created.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.timestamps import read_calendar_value
from airflow_provider_notion.rules.values.from_notion import OPTION_TYPES, TEXT_TYPES, body_of, plain_text

KEY_TYPES = (
    "title",
    "rich_text",
    "url",
    "email",
    "phone_number",
    "number",
    "select",
    "status",
    "date",
    "unique_id",
)
_UNIQUE_ID = re.compile(r"^(?:[A-Za-z0-9]+-)?(\d+)$")

Key = str | int | float


def check_key_type(key: str, schema: Mapping[str, Any], field: str = "key") -> str:
    """The key property's type; an error naming ``field`` unless the property exists and can identify a row."""
    prop = schema.get(key)
    if not isinstance(prop, Mapping):
        raise NotionInputError(
            field, f"{key!r} is not a property of the database (it has: {', '.join(sorted(schema))})"
        )
    key_type = str(prop.get("type") or "")
    if key_type not in KEY_TYPES:
        raise NotionInputError(
            field,
            f"a {key_type or 'missing'} property cannot identify a row; use one of {', '.join(KEY_TYPES)}",
        )
    return key_type


def _date_key(text: Any) -> str | None:
    found = read_calendar_value(text)
    if isinstance(found, datetime):
        return found.isoformat().replace("+00:00", "Z")
    if isinstance(found, date):
        return found.isoformat()
    return None


def key_of(key_type: str, value: Any) -> Key | None:
    """A row's key in normal form from its property value (``None``: the row has no key)."""
    body = body_of(key_type, value)
    if key_type in TEXT_TYPES:
        return plain_text(body) or None
    if key_type == "number":
        return None if body is None or isinstance(body, bool) else float(body)
    if key_type in OPTION_TYPES:
        return str(body["name"]) if isinstance(body, Mapping) and body.get("name") else None
    if key_type == "date":
        return _date_key(body.get("start")) if isinstance(body, Mapping) else None
    if key_type == "unique_id":
        number = body.get("number") if isinstance(body, Mapping) else None
        return int(number) if isinstance(number, int | float) and not isinstance(number, bool) else None
    return str(body) if isinstance(body, str) and body else None


def unique_id_key(value: Any, where: str) -> int:
    """A ``unique_id`` key from a source value: ``12``, ``"12"``, ``"TASK-12"`` or a property value."""
    if isinstance(value, Mapping):
        found = key_of("unique_id", value)
        if found is not None:
            return int(found)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _UNIQUE_ID.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise NotionInputError(where, f"{value!r} is not a unique ID (a number, or PREFIX-number)")
    return int(match.group(1))


def key_filter(name: str, key_type: str, key: Key) -> dict[str, Any]:
    """The query filter matching the rows whose property ``name`` has ``key`` (in normal form)."""
    if key_type == "unique_id" or (key_type == "number" and isinstance(key, float) and key.is_integer()):
        key = int(key)
    return {"property": name, key_type: {"equals": key}}
