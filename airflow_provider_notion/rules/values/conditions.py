"""The "only when a property currently has this value" check of the update operator.

Notion has no conditional writes: the page is read, compared and then written, so a change made by someone
else between the read and the write is not detected. The check narrows the window to two requests; it does
not close it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain_value(value: Any) -> Any:
    """A property value as a plain Python value: text for title/rich text, the option name for select and
    status, names for multi-select, ids for people and relations, the start for dates, else the raw value.

    A plain value passes through unchanged, so an expected value can be given either way.
    """
    if not isinstance(value, Mapping):
        return value
    kind = value.get("type")
    if not isinstance(kind, str):
        kind = next((k for k in value if k not in ("id", "type", "name", "has_more")), None)
    if kind is None:
        return dict(value)
    inner = value.get(kind)
    if kind in ("title", "rich_text"):
        if isinstance(inner, str):
            return inner
        return "".join(
            str(item.get("plain_text") or (item.get("text") or {}).get("content", ""))
            for item in inner or []
            if isinstance(item, Mapping)
        )
    if kind in ("select", "status"):
        return inner.get("name") if isinstance(inner, Mapping) else inner
    if kind == "multi_select":
        return sorted(str(o.get("name")) for o in inner or [] if isinstance(o, Mapping))
    if kind in ("people", "relation"):
        return sorted(str(o.get("id")).replace("-", "") for o in inner or [] if isinstance(o, Mapping))
    if kind == "date":
        return inner.get("start") if isinstance(inner, Mapping) else inner
    if kind == "formula" and isinstance(inner, Mapping):
        return inner.get(str(inner.get("type")))
    return inner


def property_matches(page: Mapping[str, Any], name: str, expected: Any) -> tuple[bool, Any]:
    """Whether the page's property ``name`` currently equals ``expected``; also returns the current value."""
    properties = page.get("properties") or {}
    if name not in properties:
        return False, None
    current = plain_value(properties[name])
    wanted = plain_value(expected)
    if isinstance(current, list) and isinstance(wanted, list | tuple):
        return sorted(map(str, current)) == sorted(map(str, wanted)), current
    return current == wanted, current
