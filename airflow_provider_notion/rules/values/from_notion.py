"""Notion property values read back as plain Python: the one reader, used by the sync diff, the update
operator's "only when" condition and the export columns, so all three agree on what a value is.

:func:`plain_value` turns a property value into a plain value:

| property type | plain value |
|---|---|
| title, rich_text | the text (formatting dropped) |
| number | the number (``None`` when empty) |
| checkbox | ``True``/``False`` |
| select, status | the option name (``None`` when empty) |
| multi_select | the option names, in Notion's order |
| date | the ``start`` text as Notion wrote it (:func:`date_parts` has start, end and time zone) |
| people, relation, created_by, last_edited_by | canonical dashed ids (a list; one id for the ``*_by`` types) |
| url, email, phone_number | the text (``None`` when empty) |
| files | the file URLs |
| formula | the plain value of its result |
| rollup | the plain value of its result (an array: a list of plain values) |
| unique_id | ``"PREFIX-12"``, or the number ``12`` without a prefix |
| created_time, last_edited_time | the text as Notion wrote it |

:func:`same_value` decides whether two property values of one type mean the same (the sync writes a property
only when it does not; the update condition proceeds only when it does):

- numbers by value (``1 == 1.0``); checkbox as a bool; text by content, not formatting;
- select / status / multi-select options by name, or by id for an option given only by its id (Notion answers
  with both, so ``{"id": "a1"}`` equals ``{"id": "a1", "name": "Done"}``); multi-select as a set;
- dates by instant: date-times in UTC (``10:00+02:00`` == ``08:00Z``), dates as calendar dates (a day is not
  its midnight);
- url / email / phone_number as strings, empty = cleared; relation and people as sets of ids, dashed or not;
- files by name and external URL (Notion-hosted URLs change on every read, so only their names count).

A value Notion shortened (a relation or people list with ``has_more``) has no complete normal form:
:data:`UNKNOWN` never equals anything, so such a row is written rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date, datetime
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.timestamps import read_calendar_value, read_instant

TEXT_TYPES = frozenset({"title", "rich_text"})
STRING_TYPES = frozenset({"url", "email", "phone_number"})
OPTION_TYPES = frozenset({"select", "status"})
ID_LIST_TYPES = frozenset({"people", "relation"})
USER_TYPES = frozenset({"created_by", "last_edited_by"})
#: Keys of a property value that are not its type-specific body.
_ENVELOPE = frozenset({"id", "type", "name", "has_more", "object"})


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


def type_of(value: Any) -> str | None:
    """A property value's type: its ``type`` key, else its one type-specific key (``{"status": {...}}``)."""
    if not isinstance(value, Mapping):
        return None
    kind = value.get("type")
    if isinstance(kind, str):
        return kind
    return next((str(k) for k in value if k not in _ENVELOPE), None)


def plain_text(items: Any) -> str:
    """The text content of a rich-text list (a mention or equation counts by its displayed text)."""
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


def canonical_id(raw: Any) -> str:
    """A Notion id as its dashed lower-case form; text that is no Notion id is kept as it is."""
    try:
        return normalize_notion_id(raw, "id")
    except NotionInputError:
        return str(raw)


def _ids(items: Any) -> list[str]:
    return [canonical_id(item["id"]) for item in items or [] if isinstance(item, Mapping) and "id" in item]


def _file_url(item: Mapping[str, Any]) -> str | None:
    for key in ("file", "external", "file_upload"):
        inner = item.get(key)
        if isinstance(inner, Mapping) and inner.get("url"):
            return str(inner["url"])
    return None


def plain_value(value: Any, prop_type: str | None = None) -> Any:
    """A property value as a plain Python value (see the module's table).

    ``prop_type`` defaults to the value's own type (:func:`type_of`). A value that is not a property value
    (already plain) is returned unchanged, so an expected value can be given either way.
    """
    kind = prop_type or type_of(value)
    if kind is None or not isinstance(value, Mapping):
        return value
    inner = value.get(kind)
    if kind in TEXT_TYPES:
        return inner if isinstance(inner, str) else plain_text(inner)
    if kind in OPTION_TYPES:
        return inner.get("name") if isinstance(inner, Mapping) else inner
    if kind == "multi_select":
        return [str(o.get("name")) for o in inner or [] if isinstance(o, Mapping)]
    if kind in ID_LIST_TYPES:
        return _ids(inner)
    if kind in USER_TYPES:
        return canonical_id(inner["id"]) if isinstance(inner, Mapping) and "id" in inner else None
    if kind == "checkbox":
        return None if inner is None else bool(inner)
    if kind in STRING_TYPES:
        return None if inner is None or inner == "" else str(inner)
    if kind == "date":
        return inner.get("start") if isinstance(inner, Mapping) else inner
    if kind == "files":
        return [url for item in inner or [] if isinstance(item, Mapping) and (url := _file_url(item))]
    if kind == "unique_id":
        if not isinstance(inner, Mapping) or inner.get("number") is None:
            return None
        prefix = inner.get("prefix")
        return f"{prefix}-{inner['number']}" if prefix else inner["number"]
    if kind in ("formula", "rollup") and isinstance(inner, Mapping):
        result_type = str(inner.get("type"))
        result = inner.get(result_type)
        if result_type == "array" and isinstance(result, list):
            return [plain_value(item) for item in result]
        if result_type == "date":
            return result.get("start") if isinstance(result, Mapping) else result
        return result
    return inner


def date_parts(value: Any) -> tuple[datetime | None, datetime | None, str | None]:
    """A date property value's ``start`` and ``end`` as UTC datetimes (a date: midnight UTC) and its time zone."""
    body = body_of("date", value)
    if not isinstance(body, Mapping):
        return None, None, None
    zone = body.get("time_zone")
    return read_instant(body.get("start")), read_instant(body.get("end")), None if zone is None else str(zone)


def _calendar(text: Any) -> Hashable:
    """A date/date-time for comparison; text that is no date compares as itself."""
    if not isinstance(text, str) or not text:
        return None
    found = read_calendar_value(text)
    return text if found is None else found


def _id_set(value: Any, body: Any) -> Hashable:
    if isinstance(value, Mapping) and value.get("has_more"):
        return UNKNOWN
    if not isinstance(body, list):
        return frozenset()
    ids = set()
    for item in body:
        raw = item.get("id") if isinstance(item, Mapping) else None
        try:
            ids.add(normalize_notion_id(raw, "id"))
        except NotionInputError:
            return UNKNOWN
    return frozenset(ids)


def _loose(value: Any) -> Hashable:
    """A plain value in comparable form: numbers by value, lists as sets, dates by instant."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        found = read_calendar_value(value) if value[:4].isdigit() else None
        return value if found is None else found
    if isinstance(value, date):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(_loose(item) for item in value)
    return UNKNOWN


def normal_form(prop_type: str, value: Any) -> Hashable:
    """The comparable form of a property value of ``prop_type`` (options: see :func:`same_value`)."""
    body = body_of(prop_type, value)
    if prop_type in TEXT_TYPES:
        return plain_text(body)
    if prop_type == "number":
        return None if body is None else float(body)
    if prop_type == "checkbox":
        return bool(body)
    if prop_type in OPTION_TYPES:
        return _option(body)
    if prop_type == "multi_select":
        return frozenset(_option(o) for o in body) if isinstance(body, list) else frozenset()
    if prop_type in STRING_TYPES:
        return str(body) if body else None
    if prop_type == "date":
        if not isinstance(body, Mapping) or not body.get("start"):
            return None
        return _calendar(body.get("start")), _calendar(body.get("end"))
    if prop_type in ID_LIST_TYPES:
        return _id_set(value, body)
    if prop_type == "files":
        if not isinstance(body, list):
            return frozenset()
        return frozenset(
            (f.get("name"), (f.get("external") or {}).get("url")) for f in body if isinstance(f, Mapping)
        )
    if prop_type == "unique_id":
        return body.get("number") if isinstance(body, Mapping) else None
    return UNKNOWN  # computed by Notion or unknown: never equal, so a sync never skips it


def _option(option: Any) -> Hashable:
    if not isinstance(option, Mapping):
        return None
    name = option.get("name")
    return ("name", name) if name is not None else ("id", option.get("id"))


def _same_options(wanted: Any, current: Any) -> bool:
    """Option lists equal as sets; a wanted option given only by id matches the current option with that id."""
    wanted_list = [o for o in wanted if isinstance(o, Mapping)] if isinstance(wanted, list) else []
    current_list = [o for o in current if isinstance(o, Mapping)] if isinstance(current, list) else []
    names = {o["name"] for o in wanted_list if o.get("name") is not None}
    ids = {o.get("id") for o in wanted_list if o.get("name") is None}
    if not names <= {o.get("name") for o in current_list} or not ids <= {o.get("id") for o in current_list}:
        return False
    return all(o.get("name") in names or o.get("id") in ids for o in current_list)


def same_value(prop_type: str, wanted: Any, current: Any) -> bool:
    """Whether Notion's ``current`` value already is the ``wanted`` one (both property values)."""
    if prop_type in OPTION_TYPES:
        wanted_body, current_body = body_of(prop_type, wanted), body_of(prop_type, current)
        wanted_list = [wanted_body] if isinstance(wanted_body, Mapping) else []
        current_list = [current_body] if isinstance(current_body, Mapping) else []
        return _same_options(wanted_list, current_list)
    if prop_type == "multi_select":
        return _same_options(body_of(prop_type, wanted), body_of(prop_type, current))
    return bool(normal_form(prop_type, wanted) == normal_form(prop_type, current))


def same_plain(prop_type: str, expected: Any, current: Any) -> bool:
    """Whether the property value ``current`` reads as the plain value ``expected`` (for computed types)."""
    return bool(_loose(expected) == _loose(plain_value(current, prop_type)))
