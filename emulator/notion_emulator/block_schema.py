"""Which block payloads Notion accepts: known types, which types may carry children, two levels of nesting per
request, and a PATCH body that matches the block's type.

Messages follow Notion's validator: ``body failed validation: <path> should be …, instead was `<value>`.`` with
the value as JSON cut at 55 characters, and ``body failed validation. Fix one:`` followed by one line per
alternative when a block object matches no type (as Notion answers for a union of block types).
"""

from __future__ import annotations

import json
from typing import Any

from notion_emulator.errors import EmulatorValidationError

MAX_CHILDREN = 100
# Blocks at the top of a request may hold children, and those children may hold children: two levels.
MAX_NESTING = 2

# Every type a request may create, in the order Notion lists them in its "Fix one" messages.
CREATABLE_TYPES: tuple[str, ...] = (
    "embed",
    "bookmark",
    "image",
    "video",
    "pdf",
    "file",
    "audio",
    "code",
    "equation",
    "divider",
    "breadcrumb",
    "table_of_contents",
    "link_to_page",
    "table_row",
    "table",
    "column_list",
    "column",
    "heading_1",
    "heading_2",
    "heading_3",
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "quote",
    "to_do",
    "toggle",
    "template",
    "callout",
    "synced_block",
)
_HEADINGS = frozenset({"heading_1", "heading_2", "heading_3"})
# Types whose blocks may have children (headings only when toggleable).
PARENT_TYPES = frozenset(
    {
        "paragraph",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "column_list",
        "column",
        "table",
        "synced_block",
        "template",
    }
    | _HEADINGS
)
# Types that only exist inside a given parent type, and the children some parents require.
_REQUIRED_PARENT = {"column": "column_list", "table_row": "table"}
_REQUIRED_CHILD = {"column_list": "column", "table": "table_row"}
# What a new block of each type must carry (a PATCH may send any subset).
_TEXT_TYPES = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "toggle",
    "quote",
    "callout",
    "code",
)
_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_TEXT_TYPES, ("rich_text",)),
    "equation": ("expression",),
    "bookmark": ("url",),
    "embed": ("url",),
    "table": ("table_width",),
    "table_row": ("cells",),
}
_RESERVED = frozenset({"object", "type", "id"})
_QUOTE_LIMIT = 55


def quoted(value: Any) -> str:
    """A value as Notion quotes it in validation messages: JSON, cut at 55 characters."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + "..."


def block_type(child: Any, where: str) -> tuple[str, dict[str, Any]]:
    """The type of a block object in a request and its type-specific content."""
    if not isinstance(child, dict):
        raise EmulatorValidationError(
            f"body failed validation: {where} should be an object, instead was `{quoted(child)}`."
        )
    declared = child.get("type")
    if declared is not None and declared not in CREATABLE_TYPES:
        raise EmulatorValidationError(
            f"body failed validation: {where}.type should be one of {', '.join(f'`{t}`' for t in CREATABLE_TYPES)}"
            f", instead was `{quoted(declared)}`."
        )
    keys = [k for k in child if k not in _RESERVED]
    known = [k for k in keys if k in CREATABLE_TYPES]
    kind = declared if declared is not None else (known[0] if known else None)
    if declared is not None and declared not in child:
        raise EmulatorValidationError(
            f"body failed validation: {where}.{declared} should be defined, instead was `undefined`."
        )
    if kind is None:
        raise EmulatorValidationError(
            "body failed validation. Fix one:\n"
            + "\n".join(f"{where}.{t} should be defined, instead was `undefined`." for t in CREATABLE_TYPES)
        )
    extra = [k for k in keys if k != kind]
    if extra:
        raise EmulatorValidationError(
            f"body failed validation: {where}.{extra[0]} should be not present, instead was "
            f"`{quoted(child[extra[0]])}`."
        )
    content = child[kind]
    if not isinstance(content, dict):
        raise EmulatorValidationError(
            f"body failed validation: {where}.{kind} should be an object, instead was `{quoted(content)}`."
        )
    for field in _REQUIRED_FIELDS.get(kind, ()):
        if field not in content:
            raise EmulatorValidationError(
                f"body failed validation: {where}.{kind}.{field} should be defined, instead was `undefined`."
            )
    return kind, content


def may_have_children(kind: str, content: dict[str, Any]) -> bool:
    if kind in _HEADINGS:
        return content.get("is_toggleable") is True
    return kind in PARENT_TYPES


def validate_children(
    children: Any, where: str = "body.children", *, depth: int = 1, parent_type: str | None = None
) -> None:
    """At most 100 blocks per array, known types, children only under types that take them, and at most two
    levels of nesting below the blocks of the request (Notion's documented limits).

    ``parent_type`` is the type of the block the array is appended to (None for a page)."""
    if not isinstance(children, list):
        raise EmulatorValidationError(
            f"body failed validation: {where} should be an array, instead was `{quoted(children)}`."
        )
    if len(children) > MAX_CHILDREN:
        raise EmulatorValidationError(
            f"body failed validation: {where}.length should be ≤ `{MAX_CHILDREN}`, instead was `{len(children)}`."
        )
    for index, child in enumerate(children):
        item = f"{where}[{index}]"
        kind, content = block_type(child, item)
        required_parent = _REQUIRED_PARENT.get(kind)
        if required_parent is not None and parent_type != required_parent:
            raise EmulatorValidationError(
                f"body failed validation: {item}.{kind} should be not present, instead was `{quoted(content)}`. "
                f"A {kind} block can only be created inside a {required_parent} block."
            )
        required_child = _REQUIRED_CHILD.get(parent_type or "")
        if required_child is not None and kind != required_child:
            raise EmulatorValidationError(
                f"body failed validation: {item}.{required_child} should be defined, instead was `undefined`."
            )
        nested = content.get("children")
        if nested is None:
            if kind in _REQUIRED_CHILD:
                raise EmulatorValidationError(
                    f"body failed validation: {item}.{kind}.children should be defined, instead was `undefined`."
                )
            continue
        if not may_have_children(kind, content) or depth > MAX_NESTING:
            raise EmulatorValidationError(
                f"body failed validation: {item}.{kind}.children should be not present, instead was "
                f"`{quoted(nested)}`."
            )
        validate_children(nested, f"{item}.{kind}.children", depth=depth + 1, parent_type=kind)


def validate_update(body: dict[str, Any], existing_type: str) -> dict[str, Any] | None:
    """The content of a ``PATCH /v1/blocks/{id}`` body for a block of ``existing_type`` (None when the body
    only trashes or restores). A body for another block type, or with children, is refused naming the path."""
    if "type" in body:
        raise EmulatorValidationError(
            f"body failed validation: body.type should be not present, instead was `{quoted(body['type'])}`."
        )
    for key in body:
        if key in CREATABLE_TYPES and key != existing_type:
            raise EmulatorValidationError(
                f"body failed validation: body.{key} should be not present, instead was `{quoted(body[key])}`. "
                f"The block is a {existing_type}: send body.{existing_type}."
            )
    if existing_type not in body:
        return None
    content = body[existing_type]
    if not isinstance(content, dict):
        raise EmulatorValidationError(
            f"body failed validation: body.{existing_type} should be an object, instead was `{quoted(content)}`."
        )
    if "children" in content:
        raise EmulatorValidationError(
            f"body failed validation: body.{existing_type}.children should be not present, instead was "
            f"`{quoted(content['children'])}`."
        )
    return content
