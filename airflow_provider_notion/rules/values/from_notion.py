"""Notion's normal form of a property value, so a sync compares what a row means, not how it was spelt.

``normal_form("number", {"number": 1}) == normal_form("number", {"id": "x", "type": "number", "number": 1.0})``.
Both sides are property values: the one about to be sent (built by :mod:`.to_notion`)
and the one Notion returned in a query. Rules:

- numbers by value (``1 == 1.0``); checkbox as a bool;
- title / rich_text by their text content (formatting is not compared);
- select / status by option name (by id when only an id was given); multi_select as the set of names;
- dates by instant: date-times in UTC (``10:00+02:00`` == ``08:00Z``), dates as calendar dates;
- url / email / phone_number as strings, empty = cleared; relation and people as sets of ids;
- files by name and external URL (Notion-hosted URLs change on every read, so only their names count).

A value Notion shortened (a relation or people list with ``has_more``) has no complete normal form:
:data:`UNKNOWN` never equals anything, so such a row is written rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from airflow_provider_notion.rules.ids import normalize_notion_id


class _Unknown:
    """Compares unequal to everything, itself included."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def body_of(prop_type: str, value: Any) -> Any:
    """The type-specific part of a property value (``value[prop_type]``), ``None`` when absent."""
    if isinstance(value, Mapping):
        return value.get(prop_type)
    return None


def plain_text(items: Any) -> str:
    """The text content of a rich-text list."""
    if not isinstance(items, list):
        return ""
    parts = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        text = item.get("plain_text")
        if text is None:
            body = item.get(str(item.get("type") or "text")) or item.get("text")
            text = (body.get("content") or body.get("expression") or "") if isinstance(body, Mapping) else ""
        parts.append(str(text))
    return "".join(parts)


def instant(text: Any) -> Hashable:
    """A date string as a calendar date, or a date-time as an aware UTC instant (naive = UTC)."""
    if not isinstance(text, str) or not text:
        return None
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _option(option: Any) -> Hashable:
    if not isinstance(option, Mapping):
        return None
    name = option.get("name")
    return ("name", name) if name is not None else ("id", option.get("id"))


def _ids(items: Any) -> Hashable:
    if not isinstance(items, list):
        return frozenset()
    ids = set()
    for item in items:
        raw = item.get("id") if isinstance(item, Mapping) else None
        try:
            ids.add(normalize_notion_id(raw, "id"))
        except Exception:
            return UNKNOWN
    return frozenset(ids)


def normal_form(prop_type: str, value: Any) -> Hashable:
    """The comparable form of a property value of ``prop_type`` (see the module docstring)."""
    body = body_of(prop_type, value)
    if prop_type in ("title", "rich_text"):
        return plain_text(body)
    if prop_type == "number":
        return None if body is None else float(body)
    if prop_type == "checkbox":
        return bool(body)
    if prop_type in ("select", "status"):
        return _option(body)
    if prop_type == "multi_select":
        return frozenset(_option(o) for o in body) if isinstance(body, list) else frozenset()
    if prop_type in ("url", "email", "phone_number"):
        return str(body) if body else None
    if prop_type == "date":
        if not isinstance(body, Mapping) or not body.get("start"):
            return None
        return instant(body.get("start")), instant(body.get("end"))
    if prop_type in ("relation", "people"):
        if isinstance(value, Mapping) and value.get("has_more"):
            return UNKNOWN
        return _ids(body)
    if prop_type == "files":
        if not isinstance(body, list):
            return frozenset()
        return frozenset(
            (f.get("name"), (f.get("external") or {}).get("url")) for f in body if isinstance(f, Mapping)
        )
    if prop_type == "unique_id":
        return body.get("number") if isinstance(body, Mapping) else None
    return UNKNOWN  # a type we cannot compare: always written


def same_value(prop_type: str, wanted: Any, current: Any) -> bool:
    """Whether Notion's ``current`` value already is the ``wanted`` one."""
    return bool(normal_form(prop_type, wanted) == normal_form(prop_type, current))
