"""Query engine of the emulator: Notion's filter and sort language (notion-api.md §9) over stored pages.

A filter is validated and compiled once per query into a plain predicate; sort keys are computed once per row.
Pages are page objects in response shape (``properties`` keyed by name, ``created_time`` and
``last_edited_time`` as ISO strings).

Dates and granularity
    Notion keeps ``created_time`` / ``last_edited_time`` to the minute: the server stores them rounded down to
    the minute (``2026-07-04T09:09:00.000Z``, see ``properties.format_timestamp``). Filters on those timestamps
    therefore compare at minute granularity: the filter value is rounded down to its minute too, so
    ``on_or_after: "…T09:09:30Z"`` includes a page stored as ``…T09:09:00.000Z`` (edited at 09:09:xx) and
    ``after`` the same value excludes it. Date properties compare at the coarser granularity of the two sides:
    if either the stored value or the filter value is a plain date (``2026-07-04``), both are compared as UTC
    calendar dates (so ``equals: "2026-07-04"`` matches any time that day); otherwise as instants. Date ranges
    are compared by their ``start``. Relative conditions (``past_week`` …) work on UTC calendar days relative to
    ``now``; weeks start on Sunday (Notion's default).

Text conditions ``contains`` / ``does_not_contain`` / ``starts_with`` / ``ends_with`` ignore case; ``equals`` /
``does_not_equal`` are exact.
"""

from __future__ import annotations

import calendar
import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from notion_emulator.errors import EmulatorValidationError
from notion_emulator.richtext import MISSING, body_error

Page = Mapping[str, Any]
Predicate = Callable[[Page], bool]
Schema = Mapping[str, Mapping[str, Any]]

# Compound filters: the root compound may hold compounds, which may hold compounds, and no deeper
# (notion-api.md §6 / §9: "at most two levels deep").
MAX_COMPOUND_NESTING = 2
TIMESTAMP_KEYS = ("created_time", "last_edited_time")
_PLAIN_DATE_LENGTH = len("2026-07-04")

# Which filter keys a property type accepts, and which condition family each filter key uses.
_FILTER_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "rich_text"),
    "rich_text": ("rich_text",),
    "url": ("url", "rich_text"),
    "email": ("email", "rich_text"),
    "phone_number": ("phone_number", "rich_text"),
    "number": ("number",),
    "unique_id": ("unique_id",),
    "checkbox": ("checkbox",),
    "select": ("select",),
    "status": ("status",),
    "multi_select": ("multi_select",),
    "date": ("date",),
    "created_time": ("created_time", "date"),
    "last_edited_time": ("last_edited_time", "date"),
    "people": ("people",),
    "created_by": ("created_by", "people"),
    "last_edited_by": ("last_edited_by", "people"),
    "relation": ("relation",),
    "files": ("files",),
}
_FAMILY = {
    "title": "text",
    "rich_text": "text",
    "url": "text",
    "email": "text",
    "phone_number": "text",
    "number": "number",
    "unique_id": "number",
    "checkbox": "checkbox",
    "select": "select",
    "status": "select",
    "multi_select": "multi_select",
    "date": "date",
    "created_time": "date",
    "last_edited_time": "date",
    "people": "ids",
    "created_by": "ids",
    "last_edited_by": "ids",
    "relation": "ids",
    "files": "files",
}
_EMPTINESS = ("is_empty", "is_not_empty")
_CONDITIONS: dict[str, tuple[str, ...]] = {
    "text": (
        "equals",
        "does_not_equal",
        "contains",
        "does_not_contain",
        "starts_with",
        "ends_with",
        *_EMPTINESS,
    ),
    "number": (
        "equals",
        "does_not_equal",
        "greater_than",
        "greater_than_or_equal_to",
        "less_than",
        "less_than_or_equal_to",
        *_EMPTINESS,
    ),
    "checkbox": ("equals", "does_not_equal"),
    "select": ("equals", "does_not_equal", *_EMPTINESS),
    "multi_select": ("contains", "does_not_contain", *_EMPTINESS),
    "date": (
        "equals",
        "before",
        "after",
        "on_or_before",
        "on_or_after",
        *_EMPTINESS,
        "past_week",
        "past_month",
        "past_year",
        "this_week",
        "next_week",
        "next_month",
        "next_year",
    ),
    "ids": ("contains", "does_not_contain", *_EMPTINESS),
    "files": _EMPTINESS,
}
_RELATIVE_DATES = frozenset(
    {"past_week", "past_month", "past_year", "this_week", "next_week", "next_month", "next_year"}
)
_DATE_COMPARISONS: dict[str, Callable[[int], bool]] = {
    "equals": lambda sign: sign == 0,
    "before": lambda sign: sign < 0,
    "after": lambda sign: sign > 0,
    "on_or_before": lambda sign: sign <= 0,
    "on_or_after": lambda sign: sign >= 0,
}
_NUMBER_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": operator.eq,
    "greater_than": operator.gt,
    "greater_than_or_equal_to": operator.ge,
    "less_than": operator.lt,
    "less_than_or_equal_to": operator.le,
}


# --------------------------------------------------------------------------------------------- public API


def validate_filter(filter: dict[str, Any] | None, schema: Schema) -> None:
    """Raise ``EmulatorValidationError`` (worded like Notion) if ``filter`` is not a valid query filter."""
    compile_filter(filter, schema, now=datetime.now(UTC))


def validate_sorts(sorts: list[dict[str, Any]] | None, schema: Schema) -> None:
    """Raise ``EmulatorValidationError`` if ``sorts`` is not a valid list of query sorts."""
    _compile_sorts(sorts, schema)


def filter_and_sort(
    pages: Iterable[dict[str, Any]],
    filter: dict[str, Any] | None,
    sorts: list[dict[str, Any]] | None,
    schema: Schema,
    *,
    now: datetime,
) -> list[dict[str, Any]]:
    """The pages matching ``filter``, ordered by ``sorts`` (earlier sorts win, empty values last).

    Ties keep a stable order: ``created_time`` ascending, then ``id``. Without sorts the order is
    ``created_time`` descending, then ``id``. The page dicts are returned as they are (not copied).
    """
    predicate = compile_filter(filter, schema, now=now)
    sort_keys = _compile_sorts(sorts, schema)
    rows = [page for page in pages if predicate(page)]
    if not sort_keys:
        rows.sort(key=_id_key)
        rows.sort(key=_created_key, reverse=True)
        return rows
    rows.sort(key=_created_then_id_key)
    for sort_key in reversed(sort_keys):
        # Stable sorts applied last-to-first make earlier sorts win. Empty values go last in both
        # directions, keeping their current relative order: a partition instead of (is_empty, value)
        # tuple keys, which would allocate per row (and trigger GC pauses on 10,000 rows).
        value = sort_key.value
        present: list[dict[str, Any]] = []
        empty: list[dict[str, Any]] = []
        for row in rows:
            (empty if value(row) is None else present).append(row)
        present.sort(key=value, reverse=sort_key.descending)  # reverse=True keeps ties stable too
        present.extend(empty)
        rows = present
    return rows


def compile_filter(
    filter: dict[str, Any] | None,
    schema: Schema,
    *,
    now: datetime,
) -> Predicate:
    """Validate ``filter`` once and turn it into a predicate over page objects."""
    if filter is None or filter == {}:
        return _always
    return _compile_node(filter, "body.filter", 0, schema, now)


# --------------------------------------------------------------------------------------------- filters


def _always(page: Page) -> bool:
    return True


def _compile_node(node: Any, path: str, depth: int, schema: Schema, now: datetime) -> Predicate:
    if not isinstance(node, dict):
        raise body_error(path, "should be an object", node)
    compound = [key for key in ("and", "or") if key in node]
    if compound:
        if len(node) != 1:
            raise body_error(path, "should have exactly one of `and` or `or`", node)
        return _compile_compound(compound[0], node[compound[0]], path, depth, schema, now)
    if "timestamp" in node:
        return _compile_timestamp_filter(node, path, now)
    if "property" in node:
        return _compile_property_filter(node, path, schema, now)
    raise body_error(path, "should have one of `property`, `timestamp`, `and` or `or` defined", node)


def _compile_compound(
    kind: str, children: Any, path: str, depth: int, schema: Schema, now: datetime
) -> Predicate:
    # ``depth`` counts the compounds above this one: the root is 0, so two levels means depth 0 and 1
    # (a compound directly inside the root compound may hold only property and timestamp filters).
    if depth >= MAX_COMPOUND_NESTING:
        raise EmulatorValidationError(
            f"body failed validation: {path}.{kind} should be not present: compound filters can be nested "
            f"at most {MAX_COMPOUND_NESTING} levels deep."
        )
    child_path = f"{path}.{kind}"
    if not isinstance(children, list):
        raise body_error(child_path, "should be an array", children)
    predicates = tuple(
        _compile_node(child, f"{child_path}[{index}]", depth + 1, schema, now)
        for index, child in enumerate(children)
    )
    # Plain loops: noticeably faster than all()/any() over a generator on 10,000 rows.
    if kind == "and":

        def every(page: Page) -> bool:
            for predicate in predicates:  # noqa: SIM110 - faster than all(); see above
                if not predicate(page):
                    return False
            return True

        return every

    def some(page: Page) -> bool:
        for predicate in predicates:  # noqa: SIM110 - faster than any(); see above
            if predicate(page):
                return True
        return False

    return some


def _compile_timestamp_filter(node: Mapping[str, Any], path: str, now: datetime) -> Predicate:
    timestamp = node["timestamp"]
    if timestamp not in TIMESTAMP_KEYS:
        raise body_error(f"{path}.timestamp", 'should be "created_time" or "last_edited_time"', timestamp)
    extra = [key for key in node if key not in ("timestamp", "type", timestamp)]
    if extra:
        raise body_error(f"{path}.{extra[0]}", "should be not present", node[extra[0]])
    condition = node.get(timestamp, MISSING)

    def value(page: Page) -> Any:
        return page.get(timestamp)

    return _compile_condition(
        "date", timestamp, condition, f"{path}.{timestamp}", value, now, minute_granular=True
    )


def _compile_property_filter(node: Mapping[str, Any], path: str, schema: Schema, now: datetime) -> Predicate:
    key = node["property"]
    if not isinstance(key, str):
        raise body_error(f"{path}.property", "should be a string", key)
    name = _resolve(schema, key)
    if name is None:
        raise EmulatorValidationError(f"Could not find property with name or id: {key}")
    ptype = schema[name]["type"]
    filter_keys = [k for k in node if k not in ("property", "type")]
    if len(filter_keys) != 1:
        raise body_error(path, "should have exactly one filter condition type defined", node)
    filter_key = filter_keys[0]
    if ptype in ("formula", "rollup") and filter_key == ptype:
        return _compile_computed_filter(ptype, node[filter_key], f"{path}.{filter_key}", name, now)
    if filter_key not in _FILTER_KEYS.get(ptype, ()):
        raise EmulatorValidationError(f"database property {ptype} does not match filter {filter_key}")
    return _compile_condition(
        _FAMILY[filter_key],
        filter_key,
        node[filter_key],
        f"{path}.{filter_key}",
        _value_getter(name, ptype),
        now,
        minute_granular=ptype in TIMESTAMP_KEYS,
    )


# Formula filters name the result type (string / number / checkbox / date); rollup filters take number, date,
# or any / every / none with a condition on each item of an array rollup.
_FORMULA_FAMILIES = {"string": "text", "number": "number", "checkbox": "checkbox", "date": "date"}
_ROLLUP_QUANTIFIERS = ("any", "every", "none")


def _compile_computed_filter(ptype: str, condition: Any, path: str, name: str, now: datetime) -> Predicate:
    if not isinstance(condition, dict) or len(condition) != 1:
        raise body_error(path, "should have exactly one condition type defined", condition)
    ((sub_key, sub_condition),) = condition.items()
    sub_path = f"{path}.{sub_key}"

    def inner(page: Page) -> Mapping[str, Any]:
        prop = page["properties"].get(name) or {}
        value = prop.get(ptype)
        return value if isinstance(value, Mapping) else {}

    if ptype == "formula" and sub_key in _FORMULA_FAMILIES:
        family = _FORMULA_FAMILIES[sub_key]
        getters: dict[str, Callable[[Page], Any]] = {
            "text": lambda page: (
                inner(page).get("string") or "" if inner(page).get("type") == "string" else ""
            ),
            "number": lambda page: inner(page).get("number") if inner(page).get("type") == "number" else None,
            "checkbox": lambda page: inner(page).get("boolean") is True,
            "date": lambda page: (
                (inner(page).get("date") or {}).get("start") if inner(page).get("type") == "date" else None
            ),
        }
        return _compile_condition(
            family, sub_key, sub_condition, sub_path, getters[family], now, minute_granular=False
        )
    if ptype == "rollup" and sub_key in ("number", "date"):

        def getter(page: Page) -> Any:
            value = inner(page)
            return value.get("number") if sub_key == "number" else (value.get("date") or {}).get("start")

        return _compile_condition(
            sub_key, sub_key, sub_condition, sub_path, getter, now, minute_granular=False
        )
    if ptype == "rollup" and sub_key in _ROLLUP_QUANTIFIERS:
        if not isinstance(sub_condition, dict) or len(sub_condition) != 1:
            raise body_error(sub_path, "should have exactly one property condition defined", sub_condition)
        ((item_key, item_condition),) = sub_condition.items()
        if item_key not in _FAMILY:
            raise body_error(f"{sub_path}.{item_key}", "should be not present", item_condition)

        def item_value(item_page: Page) -> Any:
            item = item_page["properties"]["item"]
            return _value_getter("item", str(item.get("type")))(item_page)

        matches = _compile_condition(
            _FAMILY[item_key],
            item_key,
            item_condition,
            f"{sub_path}.{item_key}",
            item_value,
            now,
            minute_granular=False,
        )

        def quantified(page: Page) -> bool:
            items = inner(page).get("array") or []
            results = (matches({"properties": {"item": item}}) for item in items)
            if sub_key == "any":
                return any(results)
            if sub_key == "every":
                return all(results)
            return not any(results)

        return quantified
    raise body_error(f"{path}.{sub_key}", "should be not present", sub_condition)


def _compile_condition(
    family: str,
    filter_key: str,
    condition: Any,
    path: str,
    value: Callable[[Page], Any],
    now: datetime,
    *,
    minute_granular: bool,
) -> Predicate:
    if not isinstance(condition, dict):
        raise body_error(path, "should be an object", condition)
    if len(condition) != 1:
        raise body_error(path, "should have exactly one condition defined", condition)
    ((op, operand),) = condition.items()
    if op not in _CONDITIONS[family]:
        raise body_error(f"{path}.{op}", "should be not present", operand)
    op_path = f"{path}.{op}"
    if op in _EMPTINESS:
        if operand is not True:
            raise body_error(op_path, "should be `true`", operand)
        is_empty = _EMPTY_CHECKS[family]
        if op == "is_empty":
            return lambda page: is_empty(value(page))
        return lambda page: not is_empty(value(page))
    builder = _CONDITION_BUILDERS[family]
    return builder(op, operand, op_path, value, now, minute_granular)


def _empty_text(value: Any) -> bool:
    return not value


def _empty_none(value: Any) -> bool:
    return value is None


_EMPTY_CHECKS: dict[str, Callable[[Any], bool]] = {
    "text": _empty_text,
    "number": _empty_none,
    "select": _empty_none,
    "multi_select": _empty_text,
    "date": _empty_none,
    "ids": _empty_text,
    "files": _empty_text,
}


def _text_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    if not isinstance(operand, str):
        raise body_error(path, "should be a string", operand)
    if op == "equals":
        return lambda page: value(page) == operand
    if op == "does_not_equal":
        return lambda page: value(page) != operand
    needle = operand.casefold()
    if op == "contains":
        return lambda page: needle in value(page).casefold()
    if op == "does_not_contain":
        return lambda page: needle not in value(page).casefold()
    if op == "starts_with":
        return lambda page: value(page).casefold().startswith(needle)
    return lambda page: value(page).casefold().endswith(needle)  # ends_with


def _number_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    if isinstance(operand, bool) or not isinstance(operand, int | float):
        raise body_error(path, "should be a number", operand)
    if op == "does_not_equal":
        return lambda page: value(page) != operand
    compare = _NUMBER_COMPARISONS[op]

    def predicate(page: Page) -> bool:
        current = value(page)
        return current is not None and compare(current, operand)

    return predicate


def _checkbox_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    if not isinstance(operand, bool):
        raise body_error(path, "should be a boolean", operand)
    if op == "equals":
        return lambda page: value(page) is operand
    return lambda page: value(page) is not operand


def _select_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    if not isinstance(operand, str):
        raise body_error(path, "should be a string", operand)
    if op == "equals":
        return lambda page: value(page) == operand
    return lambda page: value(page) != operand


def _multi_select_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    if not isinstance(operand, str):
        raise body_error(path, "should be a string", operand)
    if op == "contains":
        return lambda page: operand in value(page)
    return lambda page: operand not in value(page)


def _ids_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    wanted = _uuid_or_none(operand)
    if wanted is None:
        raise body_error(path, "should be a valid uuid", operand)
    if op == "contains":
        return lambda page: wanted in value(page)
    return lambda page: wanted not in value(page)


def _date_condition(
    op: str, operand: Any, path: str, value: Callable[[Page], Any], now: datetime, minute_granular: bool
) -> Predicate:
    if op in _RELATIVE_DATES:
        if operand != {}:
            raise body_error(path, "should be an empty object", operand)
        first, last = _relative_range(op, now)

        def in_range(page: Page) -> bool:
            moment = _parse_moment(value(page))
            return moment is not None and first <= moment.day <= last

        return in_range
    target = _parse_moment(operand) if isinstance(operand, str) else None
    if target is None:
        raise body_error(path, "should be a valid ISO 8601 date string", operand)
    if minute_granular and target.instant is not None:
        target = _Moment(target.day, target.instant.replace(second=0, microsecond=0))
    accept = _DATE_COMPARISONS[op]
    if target.instant is None:

        def by_day(page: Page) -> bool:
            moment = _parse_moment(value(page))
            return moment is not None and accept(_compare_moments(moment, target))

        return by_day
    # Fast path for the common case (timestamps): one cached parse of the stored text into POSIX seconds.
    target_seconds = target.instant.timestamp()

    def by_instant(page: Page) -> bool:
        text = value(page)
        if not isinstance(text, str):
            return False
        if len(text) == _PLAIN_DATE_LENGTH:  # a plain-date value compares by calendar day
            moment = _parse_moment_text(text)
            return moment is not None and accept(_compare_moments(moment, target))
        seconds = _instant_seconds_text(text)
        return seconds is not None and accept((seconds > target_seconds) - (seconds < target_seconds))

    return by_instant


_CONDITION_BUILDERS: dict[
    str, Callable[[str, Any, str, Callable[[Page], Any], datetime, bool], Predicate]
] = {
    "text": _text_condition,
    "number": _number_condition,
    "checkbox": _checkbox_condition,
    "select": _select_condition,
    "multi_select": _multi_select_condition,
    "ids": _ids_condition,
    "date": _date_condition,
}


# --------------------------------------------------------------------------------------------- values


def _resolve(schema: Schema, key: str) -> str | None:
    if key in schema:
        return key
    decoded = unquote(key)
    for name, entry in schema.items():
        entry_id = entry.get("id")
        if entry_id == key or (isinstance(entry_id, str) and unquote(entry_id) == decoded):
            return name
    return None


def _value_getter(name: str, ptype: str) -> Callable[[Page], Any]:
    """A function reading the comparable value of property ``name`` from a page (no copies)."""

    def raw(page: Page) -> Any:
        prop = page["properties"].get(name)
        return None if prop is None else prop.get(ptype)

    if ptype in ("title", "rich_text"):
        return lambda page: "".join([item["plain_text"] for item in raw(page) or ()])
    if ptype in ("url", "email", "phone_number"):
        return lambda page: raw(page) or ""
    if ptype == "checkbox":
        return lambda page: raw(page) is True
    if ptype in ("select", "status"):

        def option_name(page: Page) -> Any:
            option = raw(page)
            return None if option is None else option["name"]

        return option_name
    if ptype == "multi_select":
        return lambda page: [option["name"] for option in raw(page) or ()]
    if ptype == "date":

        def start(page: Page) -> Any:
            value = raw(page)
            return None if value is None else value.get("start")

        return start
    if ptype == "unique_id":

        def number(page: Page) -> Any:
            value = raw(page)
            return None if value is None else value.get("number")

        return number
    if ptype in ("people", "relation"):
        return lambda page: [_uuid_or_none(item.get("id")) for item in raw(page) or ()]
    if ptype in ("created_by", "last_edited_by"):

        def user(page: Page) -> list[str | None]:
            value = raw(page)
            return [] if value is None else [_uuid_or_none(value.get("id"))]

        return user
    if ptype == "files":
        return lambda page: raw(page) or []
    if ptype in ("formula", "rollup"):
        return lambda page: _computed_plain(raw(page))
    return raw  # number, created_time, last_edited_time


def _computed_plain(value: Any) -> Any:
    """The sortable part of a formula or rollup value: its number, text, boolean or date start."""
    if not isinstance(value, Mapping):
        return None
    inner = value.get(str(value.get("type")))
    if isinstance(inner, Mapping):
        return inner.get("start")
    return None if isinstance(inner, list) else inner


def _uuid_or_none(value: Any) -> str | None:
    """Lower-case dashed form of a UUID (Notion accepts ids with or without dashes), else None."""
    return _normalize_uuid(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=65536)
def _normalize_uuid(value: str) -> str | None:
    compact = value.replace("-", "").lower()
    if len(compact) != 32 or any(char not in "0123456789abcdef" for char in compact):
        return None
    return f"{compact[:8]}-{compact[8:12]}-{compact[12:16]}-{compact[16:20]}-{compact[20:]}"


@dataclass(frozen=True, slots=True)
class _Moment:
    """A parsed date value: its UTC calendar ``day``, and its ``instant`` unless it is a plain date."""

    day: date
    instant: datetime | None


def _parse_moment(text: Any) -> _Moment | None:
    return _parse_moment_text(text) if isinstance(text, str) else None


@functools.lru_cache(maxsize=65536)
def _parse_moment_text(text: str) -> _Moment | None:
    try:
        if len(text) == _PLAIN_DATE_LENGTH:
            return _Moment(date.fromisoformat(text), None)
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Notion treats date-times without an offset as UTC.
    instant = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    return _Moment(instant.date(), instant)


def _compare_moments(left: _Moment, right: _Moment) -> int:
    """Sign of ``left - right`` at the coarser granularity of the two (calendar day if either is a date)."""
    if left.instant is None or right.instant is None:
        return (left.day > right.day) - (left.day < right.day)
    return (left.instant > right.instant) - (left.instant < right.instant)


def _relative_range(op: str, now: datetime) -> tuple[date, date]:
    today = (now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)).date()
    if op == "past_week":
        return today - timedelta(days=7), today
    if op == "past_month":
        return _add_months(today, -1), today
    if op == "past_year":
        return _add_months(today, -12), today
    if op == "this_week":
        sunday = today - timedelta(days=(today.weekday() + 1) % 7)
        return sunday, sunday + timedelta(days=6)
    if op == "next_week":
        return today, today + timedelta(days=7)
    if op == "next_month":
        return today, _add_months(today, 1)
    return today, _add_months(today, 12)  # next_year


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------------------------- sorts


@dataclass(frozen=True, slots=True)
class _SortKey:
    value: Callable[[Page], Any]  # None for an empty value
    descending: bool


def _compile_sorts(sorts: list[dict[str, Any]] | None, schema: Schema) -> list[_SortKey]:
    if sorts is None:
        return []
    if not isinstance(sorts, list):
        raise body_error("body.sorts", "should be an array", sorts)
    compiled: list[_SortKey] = []
    for index, sort in enumerate(sorts):
        path = f"body.sorts[{index}]"
        if not isinstance(sort, dict):
            raise body_error(path, "should be an object", sort)
        direction = sort.get("direction", MISSING)
        if direction not in ("ascending", "descending"):
            raise body_error(f"{path}.direction", 'should be "ascending" or "descending"', direction)
        extra = [key for key in sort if key not in ("property", "timestamp", "direction")]
        if extra:
            raise body_error(f"{path}.{extra[0]}", "should be not present", sort[extra[0]])
        if ("property" in sort) == ("timestamp" in sort):
            raise body_error(path, "should have exactly one of `property` or `timestamp` defined", sort)
        descending = direction == "descending"
        if "timestamp" in sort:
            timestamp = sort["timestamp"]
            if timestamp not in TIMESTAMP_KEYS:
                raise body_error(
                    f"{path}.timestamp", 'should be "created_time" or "last_edited_time"', timestamp
                )
            value = _timestamp_sort_value(timestamp)
        else:
            key = sort["property"]
            name = _resolve(schema, key) if isinstance(key, str) else None
            if name is None:
                raise EmulatorValidationError(f"Could not find sort property with name or id: {key}")
            value = _sort_value(name, schema[name])
        compiled.append(_SortKey(value, descending))
    return compiled


def _instant_seconds(text: Any) -> float | None:
    """POSIX seconds of a date value (a plain date counts as midnight UTC), for sorting."""
    return _instant_seconds_text(text) if isinstance(text, str) else None


@functools.lru_cache(maxsize=65536)
def _instant_seconds_text(text: str) -> float | None:
    try:
        if len(text) == _PLAIN_DATE_LENGTH:
            return float(calendar.timegm(date.fromisoformat(text).timetuple()))
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Notion treats date-times without an offset as UTC.
    return (instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant).timestamp()


def _timestamp_sort_value(timestamp: str) -> Callable[[Page], Any]:
    return lambda page: _instant_seconds(page.get(timestamp))


def _sort_value(name: str, entry: Mapping[str, Any]) -> Callable[[Page], Any]:
    """Comparable non-None value of a property, or None when it is empty (sorted last)."""
    ptype = entry["type"]
    get = _value_getter(name, ptype)
    if ptype in ("title", "rich_text", "url", "email", "phone_number"):
        return lambda page: (text.casefold(), text) if (text := get(page)) else None
    if ptype in ("number", "unique_id", "checkbox"):
        return get
    if ptype in ("select", "status", "multi_select"):
        # Notion orders select-like values by the position of the option in the schema, not by name.
        positions = {option["name"]: index for index, option in enumerate(entry[ptype]["options"])}
        unknown = len(positions)
        if ptype == "multi_select":
            return lambda page: (
                tuple(positions.get(n, unknown) for n in names) if (names := get(page)) else None
            )
        return lambda page: None if (option := get(page)) is None else positions.get(option, unknown)
    if ptype in ("date", "created_time", "last_edited_time"):
        return lambda page: _instant_seconds(get(page))
    if ptype in ("formula", "rollup"):
        # A formula has one result type; mixed types (empty values aside) sort by type name first.
        return lambda page: None if (value := get(page)) is None else (type(value).__name__, value)
    if ptype == "files":
        return lambda page: tuple(str(item.get("name")) for item in files) if (files := get(page)) else None
    # people, created_by, last_edited_by, relation: by id (user names are not always known)
    return lambda page: tuple(str(item) for item in ids) if (ids := get(page)) else None


def _id_key(page: Page) -> str:
    return str(page.get("id", ""))


def _created_key(page: Page) -> float:
    seconds = _instant_seconds(page.get("created_time"))
    return float("-inf") if seconds is None else seconds


def _created_then_id_key(page: Page) -> tuple[float, str]:
    return _created_key(page), _id_key(page)
