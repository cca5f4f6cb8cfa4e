"""Rich text: request items → the response shape Notion returns, with Notion's size limits.

A request item such as ``{"text": {"content": "Hi"}}`` comes back from Notion as::

    {"type": "text", "text": {"content": "Hi", "link": null},
     "annotations": {"bold": false, "italic": false, "strikethrough": false, "underline": false,
                     "code": false, "color": "default"},
     "plain_text": "Hi", "href": null}

(shape taken from the recorded ``POST /v1/pages`` responses). Limits from notion-api.md §6: at most 100 items
per array, ``text.content`` and ``text.link.url`` at most 2,000 characters, ``equation.expression`` at most
1,000 characters.
"""

from __future__ import annotations

import json
from typing import Any

from notion_emulator.errors import EmulatorValidationError

MAX_ARRAY_ITEMS = 100
MAX_TEXT_CONTENT = 2000
MAX_URL_LENGTH = 2000
MAX_EQUATION_LENGTH = 1000

COLORS = frozenset({"default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red"})
RICH_TEXT_COLORS = COLORS | {f"{color}_background" for color in COLORS if color != "default"}
_BOOLEAN_ANNOTATIONS = ("bold", "italic", "strikethrough", "underline", "code")


class _Missing:
    """Marks a key absent from the request (Notion says ``undefined`` for it, ``null`` for JSON null)."""

    def __repr__(self) -> str:
        return "undefined"


MISSING: Any = _Missing()


def describe_value(value: Any) -> str:
    """Render a rejected value the way Notion's validation messages quote it (JSON text)."""
    if value is MISSING:
        return "undefined"
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return repr(value)


def body_error(path: str, expectation: str, value: Any) -> EmulatorValidationError:
    """``body failed validation: <path> <expectation>, instead was <value>.`` — Notion's wording."""
    return EmulatorValidationError(
        f"body failed validation: {path} {expectation}, instead was {describe_value(value)}."
    )


def length_error(path: str, limit: int, actual: int) -> EmulatorValidationError:
    return EmulatorValidationError(
        f"body failed validation: {path}.length should be ≤ `{limit}`, instead was `{actual}`."
    )


def check_array(value: Any, path: str, *, limit: int = MAX_ARRAY_ITEMS) -> list[Any]:
    if not isinstance(value, list):
        raise body_error(path, "should be an array", value)
    if len(value) > limit:
        raise length_error(path, limit, len(value))
    return value


def check_url(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise body_error(path, "should be a string", value)
    if len(value) > MAX_URL_LENGTH:
        raise length_error(path, MAX_URL_LENGTH, len(value))
    return value


def expand_rich_text(items: list[dict[str, Any]], *, path: str = "body.rich_text") -> list[dict[str, Any]]:
    """Turn a request rich-text array into Notion's response rich text; raise on Notion's size limits.

    ``path`` only feeds error messages (e.g. ``body.properties.Name.title``).
    """
    check_array(items, path)
    return [_expand_item(item, f"{path}[{index}]") for index, item in enumerate(items)]


def plain_text(rich_text: list[dict[str, Any]]) -> str:
    """Concatenated ``plain_text`` of a response rich-text array."""
    return "".join(item.get("plain_text", "") for item in rich_text)


def _expand_item(item: Any, path: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise body_error(path, "should be an object", item)
    kind = item.get("type")
    if kind is None:
        # The type may be omitted in requests; it is then implied by the one content key present.
        kind = next((key for key in ("text", "mention", "equation") if key in item), None)
    if kind == "text":
        content_obj, text = _expand_text(item.get("text", MISSING), f"{path}.text")
        href = content_obj["link"]["url"] if content_obj["link"] else None
        expanded: dict[str, Any] = {"type": "text", "text": content_obj}
    elif kind == "equation":
        expression = _expand_equation(item.get("equation", MISSING), f"{path}.equation")
        expanded = {"type": "equation", "equation": {"expression": expression}}
        text, href = expression, None
    elif kind == "mention":
        mention = item.get("mention", MISSING)
        if not isinstance(mention, dict):
            raise body_error(f"{path}.mention", "should be an object", mention)
        # The server knows page titles and user names; it may rewrite plain_text afterwards.
        expanded = {"type": "mention", "mention": dict(mention)}
        text, href = item.get("plain_text") or "Untitled", None
    else:
        raise body_error(path, "should have one of `text`, `mention` or `equation` defined", item)
    expanded["annotations"] = _expand_annotations(item.get("annotations"), f"{path}.annotations")
    expanded["plain_text"] = text
    expanded["href"] = href
    return expanded


def _expand_text(text_obj: Any, path: str) -> tuple[dict[str, Any], str]:
    if not isinstance(text_obj, dict):
        raise body_error(path, "should be an object", text_obj)
    content = text_obj.get("content", MISSING)
    if not isinstance(content, str):
        raise body_error(f"{path}.content", "should be a string", content)
    if len(content) > MAX_TEXT_CONTENT:
        raise length_error(f"{path}.content", MAX_TEXT_CONTENT, len(content))
    link = text_obj.get("link")
    expanded_link: dict[str, Any] | None = None
    if link is not None:
        if not isinstance(link, dict):
            raise body_error(f"{path}.link", "should be an object or `null`", link)
        expanded_link = {"url": check_url(link.get("url", MISSING), f"{path}.link.url")}
    return {"content": content, "link": expanded_link}, content


def _expand_equation(equation: Any, path: str) -> str:
    if not isinstance(equation, dict):
        raise body_error(path, "should be an object", equation)
    expression = equation.get("expression", MISSING)
    if not isinstance(expression, str):
        raise body_error(f"{path}.expression", "should be a string", expression)
    if len(expression) > MAX_EQUATION_LENGTH:
        raise length_error(f"{path}.expression", MAX_EQUATION_LENGTH, len(expression))
    return expression


def _expand_annotations(annotations: Any, path: str) -> dict[str, Any]:
    result: dict[str, Any] = dict.fromkeys(_BOOLEAN_ANNOTATIONS, False)
    result["color"] = "default"
    if annotations is None:
        return result
    if not isinstance(annotations, dict):
        raise body_error(path, "should be an object", annotations)
    for key, value in annotations.items():
        if key in _BOOLEAN_ANNOTATIONS:
            if not isinstance(value, bool):
                raise body_error(f"{path}.{key}", "should be a boolean", value)
            result[key] = value
        elif key == "color":
            if value not in RICH_TEXT_COLORS:
                raise body_error(f"{path}.color", "should be a valid color", value)
            result[key] = value
        else:
            raise body_error(f"{path}.{key}", "should be not present", value)
    return result
