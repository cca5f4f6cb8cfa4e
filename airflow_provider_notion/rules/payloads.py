"""Input normalisation shared by the hook, operators and sensor.

Values may arrive as Python objects, as JSON strings (templated fields), or from upstream XComs; each helper
turns them into what the API expects or raises a :class:`NotionInputError` naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.filters import MAX_FILTER_NESTING, check_filter_depth  # noqa: F401 - re-exported
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.utils.checks import check_finite

# Notion's size limits (notion-api.md §6, Docs ``reference/request-limits``); a value over one is a 400
# ``validation_error``. They live here only: every builder of property values checks through
# :func:`check_property_value`, so a sync refuses them before its first write.
MAX_TEXT_LENGTH = 2000
"""Characters of one rich-text item's ``text.content`` (and of its ``text.link.url``)."""
MAX_ARRAY_LENGTH = 100
"""Items of any array: rich text, blocks, multi-select options, relations, people, files."""
MAX_RICH_TEXT_CHARACTERS = MAX_TEXT_LENGTH * MAX_ARRAY_LENGTH
"""The longest plain text one rich-text value can hold: 100 items of 2,000 characters."""
MAX_URL_LENGTH = 2000
MAX_EQUATION_LENGTH = 1000
MAX_EMAIL_OR_PHONE_LENGTH = 200
MAX_OPTION_NAME_LENGTH = 100
"""Characters of a select, status or multi-select option name (which may not contain a comma either)."""
MAX_FILE_NAME_LENGTH = 100
MAX_CHILDREN_PER_REQUEST = 100
#: Rows an operator or sensor may push to XCom before it asks for ``output_path`` or a narrower query.
DEFAULT_MAX_XCOM_RESULTS = 10_000


def parse_json_value(value: Any, field: str) -> Any:
    """Parse ``value`` if it is a JSON string; return other values unchanged."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise NotionInputError(
                field, f"is not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
            ) from None
    return value


def json_object(value: Any, field: str, *, required: bool = False) -> dict[str, Any] | None:
    """A JSON object (dict), given as a dict or a JSON string."""
    parsed = parse_json_value(value, field)
    if parsed is None:
        if required:
            raise NotionInputError(field, "is required")
        return None
    if not isinstance(parsed, Mapping):
        raise NotionInputError(field, f"expected a JSON object, got {type(parsed).__name__}")
    check_finite(parsed, field)
    return dict(parsed)


def json_list(value: Any, field: str) -> list[Any] | None:
    """A JSON array (list), given as a list/tuple or a JSON string."""
    parsed = parse_json_value(value, field)
    if parsed is None:
        return None
    if isinstance(parsed, tuple):
        parsed = list(parsed)
    if not isinstance(parsed, list):
        raise NotionInputError(field, f"expected a JSON array, got {type(parsed).__name__}")
    check_finite(parsed, field)
    return parsed


def rich_text(value: Any, field: str) -> list[dict[str, Any]]:
    """Rich text from a plain string (split into ≤2,000-character items) or a rich-text list."""
    if isinstance(value, str):
        if not value:
            return []
        if len(value) > MAX_RICH_TEXT_CHARACTERS:
            raise NotionInputError(
                field,
                f"is {len(value):,} characters long; one rich-text value holds at most "
                f"{MAX_RICH_TEXT_CHARACTERS:,} ({MAX_ARRAY_LENGTH} pieces of {MAX_TEXT_LENGTH:,})",
            )
        return [
            {"type": "text", "text": {"content": value[i : i + MAX_TEXT_LENGTH]}}
            for i in range(0, len(value), MAX_TEXT_LENGTH)
        ]
    items = json_list(value, field)
    if items is None:
        return []
    if len(items) > MAX_ARRAY_LENGTH:
        raise NotionInputError(
            field, f"has {len(items)} rich-text items; Notion accepts at most {MAX_ARRAY_LENGTH}"
        )
    for item in items:
        if not isinstance(item, Mapping):
            raise NotionInputError(field, f"rich-text items must be objects, got {type(item).__name__}")
    return [dict(item) for item in items]


def parent_object(value: Any, field: str, *, default_type: str = "page_id") -> dict[str, Any]:
    """A parent: an ID/URL (taken as ``default_type``) or a dict such as ``{"page_id": ...}``."""
    parsed = (
        parse_json_value(value, field) if isinstance(value, str) and value.lstrip().startswith("{") else value
    )
    if isinstance(parsed, str):
        return {"type": default_type, default_type: normalize_notion_id(parsed, field)}
    if not isinstance(parsed, Mapping):
        raise NotionInputError(
            field, f"expected a Notion ID, URL or parent object, got {type(parsed).__name__}"
        )
    known = ("page_id", "database_id", "data_source_id", "block_id")
    kinds = [k for k in known if k in parsed]
    if parsed.get("workspace") is True or parsed.get("type") == "workspace":
        return {"type": "workspace", "workspace": True}
    if len(kinds) != 1:
        raise NotionInputError(field, f"must name exactly one of {', '.join(known)} (or workspace: true)")
    kind = kinds[0]
    return {"type": kind, kind: normalize_notion_id(parsed[kind], f"{field}.{kind}")}


MAX_BLOCK_LEVELS_PER_REQUEST = 3
"""A block plus two levels of nested children: Notion's limit for one request (column_list -> column -> paragraph)."""


def check_children(children: list[Any], field: str = "children") -> None:
    """Refuse blocks Notion cannot take; the count is handled by batching, nesting depth is not."""
    for index, block in enumerate(children):
        if not isinstance(block, Mapping):
            raise NotionInputError(
                f"{field}[{index}]", f"expected a block object, got {type(block).__name__}"
            )
        if _nesting(block) > MAX_BLOCK_LEVELS_PER_REQUEST:
            raise NotionInputError(
                f"{field}[{index}]",
                "has children nested more than two levels deep; Notion takes two levels per request "
                "(append deeper levels later, e.g. with NotionAppendBlocksOperator, which splits them)",
            )


def _nesting(block: Mapping[str, Any]) -> int:
    block_type = block.get("type")
    body = block.get(block_type) if isinstance(block_type, str) else None
    nested = body.get("children") if isinstance(body, Mapping) else None
    if not nested:
        nested = block.get("children")
    if not isinstance(nested, list) or not nested:
        return 1
    return 1 + max(_nesting(child) for child in nested if isinstance(child, Mapping))


def property_values(properties: Any, field: str = "properties") -> dict[str, Any]:
    """Page property values ready to send, checked against Notion's size limits before any request.

    A plain string given for a ``title`` or ``rich_text`` value is turned into rich text split into
    2,000-character pieces; every value is then checked by :func:`check_property_value`.
    """
    props = json_object(properties, field) or {}
    clean: dict[str, Any] = {}
    for name, value in props.items():
        if not isinstance(value, Mapping):
            clean[name] = value
            continue
        value = dict(value)
        for key in ("title", "rich_text"):
            if key in value and not isinstance(value[key], list):
                value[key] = rich_text(value[key], f"{field}.{name}.{key}")
        check_property_value(value, f"{field}.{name}")
        clean[name] = value
    return clean


def check_property_value(value: Mapping[str, Any], field: str) -> None:
    """Refuse a page property value (``{"select": {"name": "x"}}``) that Notion would answer with a 400.

    The one home of the value limits: the plain-value builder (:mod:`~airflow_provider_notion.rules.values.
    to_notion`, used by the sync) and :func:`property_values` (the page operators) both call it, so a sync
    refuses a bad row before its first write. Linear in the value's size; the value itself is never echoed.
    """
    for key, body in value.items():
        check = _VALUE_CHECKS.get(key)
        if check is not None:
            check(body, field, key)


def _check_rich_text(items: Any, field: str, kind: str) -> None:
    if not isinstance(items, list):
        return
    _check_count(items, field, kind)
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        piece = f"{kind} item {index + 1}"
        text = item.get("text")
        if isinstance(text, Mapping):
            _check_length(text.get("content"), MAX_TEXT_LENGTH, field, f"the text of {piece}")
            link = text.get("link")
            if isinstance(link, Mapping):
                _check_length(link.get("url"), MAX_URL_LENGTH, field, f"the link of {piece}")
        equation = item.get("equation")
        if isinstance(equation, Mapping):
            _check_length(equation.get("expression"), MAX_EQUATION_LENGTH, field, f"the equation of {piece}")


def _check_url(url: Any, field: str, _kind: str) -> None:
    _check_length(url, MAX_URL_LENGTH, field, "the URL")


def _check_email_or_phone(text: Any, field: str, kind: str) -> None:
    _check_length(text, MAX_EMAIL_OR_PHONE_LENGTH, field, f"the {kind.replace('_', ' ')}")


def _check_option(option: Any, field: str, kind: str) -> None:
    if isinstance(option, Mapping):
        _check_option_name(option.get("name"), field, f"the {kind} option")


def _check_options(options: Any, field: str, kind: str) -> None:
    if not isinstance(options, list):
        return
    _check_count(options, field, kind)
    for index, option in enumerate(options):
        if isinstance(option, Mapping):
            _check_option_name(option.get("name"), field, f"option {index + 1}")


def _check_references(items: Any, field: str, kind: str) -> None:
    if isinstance(items, list):
        _check_count(items, field, kind)


def _check_files(files: Any, field: str, kind: str) -> None:
    if not isinstance(files, list):
        return
    _check_count(files, field, kind)
    for index, item in enumerate(files):
        if not isinstance(item, Mapping):
            continue
        external = item.get("external")
        url = external.get("url") if isinstance(external, Mapping) else None
        _check_length(url, MAX_URL_LENGTH, field, f"the URL of file {index + 1}")
        _check_length(item.get("name"), MAX_FILE_NAME_LENGTH, field, f"the name of file {index + 1}")


def _check_count(items: list[Any], field: str, kind: str) -> None:
    if len(items) > MAX_ARRAY_LENGTH:
        raise NotionInputError(
            field, f"has {len(items)} {kind} items; Notion accepts at most {MAX_ARRAY_LENGTH}"
        )


def _check_length(text: Any, limit: int, field: str, what: str) -> None:
    if isinstance(text, str) and len(text) > limit:
        raise NotionInputError(
            field, f"{what} is {len(text):,} characters long; Notion accepts at most {limit:,}"
        )


def _check_option_name(name: Any, field: str, what: str) -> None:
    if not isinstance(name, str):
        return
    if "," in name:
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise NotionInputError(
            field, f"the name of {what} ({shown!r}) contains a comma, which Notion does not allow"
        )
    _check_length(name, MAX_OPTION_NAME_LENGTH, field, f"the name of {what}")


#: What is checked in a property value, by the key holding its type's body.
_VALUE_CHECKS: dict[str, Callable[[Any, str, str], None]] = {
    "title": _check_rich_text,
    "rich_text": _check_rich_text,
    "url": _check_url,
    "email": _check_email_or_phone,
    "phone_number": _check_email_or_phone,
    "select": _check_option,
    "status": _check_option,
    "multi_select": _check_options,
    "relation": _check_references,
    "people": _check_references,
    "files": _check_files,
}
