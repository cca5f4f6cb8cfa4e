"""Plain Python values as Notion property values, mapped by the target database's schema.

``to_property_values(schema, {"Name": "Widget", "Price": Decimal("9.5"), "Tags": ["a", "b"]})`` looks up each
column's property type in the schema (a data source's ``properties`` object) and builds the value Notion
expects. Values that already are Notion property values (``{"select": {"name": "x"}}``) pass through.

The rules (one home, shared by the sync and the update-page operator):

- ``str``: title / rich_text (split into 2,000-character pieces), select, status, url, email, phone_number;
  also a number, a checkbox (``true``/``false``/``yes``/``no``/``1``/``0``) or an ISO date when the property
  has that type (CSV files and SQL drivers hand over strings); multi_select, relation and people take a
  comma-separated list (Notion option names cannot contain commas).
- ``int``/``float``/``Decimal``: number (finite only); also the text of a title, rich_text, select, status or
  phone_number.
- ``bool``: checkbox.
- ``date``/``datetime``/ISO string: date. A naive ``datetime`` (or an ISO string without an offset) is taken
  as **UTC**.
- ``list``/``tuple``: multi_select (names), relation (page ids or Notion URLs), people (user ids, or e-mail
  addresses resolved through ``users_by_email``: one users listing for the whole call), files (URLs).
- ``None``: the property is cleared (``false`` for a checkbox).

Errors are :class:`NotionInputError` naming ``<field>.<column>``; nothing here sends a request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import MAX_FILE_NAME_LENGTH, check_property_value, rich_text
from airflow_provider_notion.rules.users import user_id_for_email
from airflow_provider_notion.rules.values.from_notion import TEXT_TYPES

LIST_TYPES = frozenset({"multi_select", "relation", "people", "files"})
#: Computed by Notion: never written.
READ_ONLY_TYPES = frozenset(
    {
        "formula",
        "rollup",
        "created_time",
        "created_by",
        "last_edited_time",
        "last_edited_by",
        "unique_id",
        "verification",
        "button",
    }
)
_TRUE = frozenset({"true", "yes", "y", "1", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "f", ""})
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")

Number = int | float | Decimal


def to_property_values(
    schema: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    field: str = "properties",
    users_by_email: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Notion property values for ``values`` (column name -> plain value or Notion value) by ``schema``.

    :param schema: the data source's (or, before 2025-09-03, the database's) ``properties`` object.
    :param field: how errors name the input, e.g. ``rows[key='A-1']``; the column is appended.
    :param users_by_email: e-mail -> user id, for people given by e-mail address.
    :raises NotionInputError: a column that is not a property, a read-only property, or a value that does not
        fit its property's type.
    """
    mapped: dict[str, Any] = {}
    for column, value in values.items():
        where = f"{field}.{column}"
        prop = schema.get(column)
        if not isinstance(prop, Mapping):
            known = ", ".join(sorted(schema)) or "none"
            raise NotionInputError(where, f"{column!r} is not a property of the database (it has: {known})")
        mapped[column] = property_value(str(prop.get("type")), value, where, users_by_email)
    return mapped


def property_value(
    prop_type: str, value: Any, where: str, users_by_email: Mapping[str, str] | None = None
) -> Any:
    """One property value of ``prop_type`` from a plain value (or a Notion value, passed through).

    Either way the result is checked against Notion's size limits
    (:func:`~airflow_provider_notion.rules.payloads.check_property_value`), so a value Notion would refuse
    fails here, before anything is sent.
    """
    if prop_type in READ_ONLY_TYPES:
        raise NotionInputError(where, f"a {prop_type} property is computed by Notion and cannot be written")
    if isinstance(value, Mapping) and prop_type in value:
        built = dict(value)  # already a Notion property value
    elif value is None:
        built = {prop_type: _cleared(prop_type)}
    else:
        builder = _BUILDERS.get(prop_type)
        if builder is None:
            raise NotionInputError(
                where,
                f"plain values cannot be mapped to a {prop_type} property; give a Notion property value",
            )
        built = {prop_type: builder(value, where, users_by_email)}
    check_property_value(built, where)
    return built


def _cleared(prop_type: str) -> Any:
    if prop_type in TEXT_TYPES or prop_type in LIST_TYPES:
        return []
    if prop_type == "checkbox":
        return False
    return None


def _problem(where: str, value: Any, prop_type: str) -> NotionInputError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return NotionInputError(
        where, f"{shown} ({type(value).__name__}) is not a value of a {prop_type} property"
    )


def _text(value: Any, where: str, prop_type: str) -> str:
    """The text of a scalar: strings, numbers and dates (not booleans, lists or objects)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise _problem(where, value, prop_type)
    if isinstance(value, int | float | Decimal):
        return str(_number(value, where, prop_type))
    if isinstance(value, datetime | date):
        return _date_text(value)
    raise _problem(where, value, prop_type)


def _rich_text(value: Any, where: str, _users: Mapping[str, str] | None) -> list[dict[str, Any]]:
    if isinstance(value, list):  # a rich-text list
        return rich_text(value, where)
    return rich_text(_text(value, where, "text"), where)


def _number(value: Any, where: str, prop_type: str = "number") -> int | float:
    if isinstance(value, bool):
        raise _problem(where, value, prop_type)
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _problem(where, value, prop_type) from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _problem(where, value, prop_type)
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise _problem(where, value, prop_type)


def _number_value(value: Any, where: str, _users: Mapping[str, str] | None) -> int | float | None:
    if isinstance(value, str) and not value.strip():
        return None
    return _number(value, where)


def _checkbox(value: Any, where: str, _users: Mapping[str, str] | None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _problem(where, value, "checkbox")


def _named(value: Any, where: str, _users: Mapping[str, str] | None) -> dict[str, str] | None:
    if isinstance(value, Mapping) and ("name" in value or "id" in value):
        return {k: str(value[k]) for k in ("id", "name") if k in value}
    text = _text(value, where, "select").strip()
    return {"name": text} if text else None


def _string(value: Any, where: str, _users: Mapping[str, str] | None) -> str | None:
    text = _text(value, where, "url, email or phone_number").strip()
    return text or None


def _items(value: Any) -> list[Any]:
    """A list from a list/tuple/set or a comma-separated string."""
    if isinstance(value, str):
        items: list[Any] = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        items = [value]
    return items  # how many Notion takes is checked once the value is built


def _multi_select(value: Any, where: str, _users: Mapping[str, str] | None) -> list[dict[str, str]]:
    options: list[dict[str, str]] = []
    for item in _items(value):
        if isinstance(item, Mapping) and ("name" in item or "id" in item):
            options.append({k: str(item[k]) for k in ("id", "name") if k in item})
            continue
        name = _text(item, where, "multi_select").strip()
        if name:
            options.append({"name": name})
    return options


def _relation(value: Any, where: str, _users: Mapping[str, str] | None) -> list[dict[str, str]]:
    refs = []
    for item in _items(value):
        raw = item.get("id") if isinstance(item, Mapping) else item
        refs.append({"id": normalize_notion_id(raw, where)})
    return refs


def _people(value: Any, where: str, users: Mapping[str, str] | None) -> list[dict[str, str]]:
    people = []
    for item in _items(value):
        raw = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(raw, str) and "@" in raw:
            raw = user_id_for_email(users or {}, raw, where)
        people.append({"object": "user", "id": normalize_notion_id(raw, where)})
    return people


def _files(value: Any, where: str, _users: Mapping[str, str] | None) -> list[dict[str, Any]]:
    files = []
    for item in _items(value):
        if isinstance(item, Mapping):
            files.append(dict(item))
            continue
        url = _text(item, where, "files").strip()
        if not url.startswith(("http://", "https://")):
            raise NotionInputError(where, f"{url!r} is not a file URL (http:// or https://)")
        name = url.rstrip("/").rsplit("/", 1)[-1][:MAX_FILE_NAME_LENGTH] or url[:MAX_FILE_NAME_LENGTH]
        files.append({"name": name, "type": "external", "external": {"url": url}})
    return files


def _date_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value.isoformat()


def _iso_text(text: str, where: str) -> str:
    text = text.strip()
    if not _ISO_DATE.match(text):
        raise NotionInputError(where, f"{text!r} is not an ISO 8601 date or date-time")
    if len(text) == 10:
        date.fromisoformat(text)
        return text
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise NotionInputError(where, f"{text!r} is not an ISO 8601 date or date-time") from None
    return _date_text(moment)


def _date(value: Any, where: str, _users: Mapping[str, str] | None) -> dict[str, Any] | None:
    if isinstance(value, Mapping) and "start" in value:
        body = dict(value)
        for edge in ("start", "end"):
            if isinstance(body.get(edge), datetime | date):
                body[edge] = _date_text(body[edge])
            elif isinstance(body.get(edge), str):
                body[edge] = _iso_text(body[edge], where)
        return body
    if isinstance(value, datetime | date):
        return {"start": _date_text(value)}
    if isinstance(value, str):
        if not value.strip():
            return None
        return {"start": _iso_text(value, where)}
    raise _problem(where, value, "date")


_BUILDERS: dict[str, Any] = {
    "title": _rich_text,
    "rich_text": _rich_text,
    "number": _number_value,
    "checkbox": _checkbox,
    "select": _named,
    "status": _named,
    "url": _string,
    "email": _string,
    "phone_number": _string,
    "multi_select": _multi_select,
    "relation": _relation,
    "people": _people,
    "files": _files,
    "date": _date,
}


def is_mappable(prop_type: str) -> bool:
    """Whether a plain value can be mapped to a property of ``prop_type`` (else a Notion value is needed)."""
    return prop_type in _BUILDERS


def mentions_email(value: Any) -> bool:
    """Whether a people value names someone by e-mail address (then one users listing is needed)."""
    if isinstance(value, str):
        return any("@" in part for part in value.split(","))
    if isinstance(value, list | tuple | set | frozenset):
        return any(isinstance(item, str) and "@" in item for item in value)
    return False


def infer_property_type(value: Any) -> str:
    """The property type a new column gets with ``add_missing_properties`` (from its first non-empty value)."""
    if isinstance(value, bool):
        return "checkbox"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, datetime | date):
        return "date"
    if isinstance(value, list | tuple | set | frozenset):
        return "multi_select"
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.match(text):
            return "date"
        if text.startswith(("http://", "https://")):
            return "url"
        if _EMAIL.match(text):
            return "email"
    return "rich_text"
