"""Mentions in rich text, read back as Notion renders them: the mentioned user, page or database is looked up
when the object is read, so a renamed page or user shows its current name.

A request sends ``{"mention": {"user": {"id": …}}}``; Notion answers
``{"type": "mention", "mention": {"type": "user", "user": {"object": "user", "id", "name", "avatar_url",
"type": "person", "person": {…}}}, …, "plain_text": "@Ada Lovelace", "href": null}``. Pages and databases
read back with their title as ``plain_text`` and their URL as ``href``; dates with their text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notion_emulator.records import plain_text
from notion_emulator.util import normalize_id

if TYPE_CHECKING:
    from notion_emulator.state import EmulatorState

MENTION_TYPES = ("user", "page", "database", "data_source", "date", "link_preview", "template_mention")
_TEXT_PROPERTY_TYPES = ("title", "rich_text")
UNKNOWN_USER_TEXT = "@Anonymous"


def has_mention(items: Any) -> bool:
    return isinstance(items, list) and any(isinstance(i, dict) and i.get("type") == "mention" for i in items)


def resolve_rich_text(items: list[dict[str, Any]], state: EmulatorState) -> list[dict[str, Any]]:
    """``items`` with every mention rendered; the same list when there is none (nothing copied)."""
    if not has_mention(items):
        return items
    return [_resolve(item, state) if item.get("type") == "mention" else item for item in items]


def resolve_properties(properties: dict[str, Any], state: EmulatorState) -> dict[str, Any]:
    """Page property values with mentions in titles and rich text rendered (the same dict when none)."""
    resolved: dict[str, Any] | None = None
    for name, value in properties.items():
        kind = value.get("type") if isinstance(value, dict) else None
        if kind in _TEXT_PROPERTY_TYPES and has_mention(value.get(kind)):
            if resolved is None:
                resolved = dict(properties)
            resolved[name] = {**value, kind: resolve_rich_text(value[kind], state)}
    return resolved if resolved is not None else properties


def resolve_block_content(content: dict[str, Any], state: EmulatorState) -> dict[str, Any]:
    """A block's content with mentions in ``rich_text`` and ``caption`` rendered."""
    changed = {
        key: resolve_rich_text(content[key], state)
        for key in ("rich_text", "caption")
        if has_mention(content.get(key))
    }
    return {**content, **changed} if changed else content


def _resolve(item: dict[str, Any], state: EmulatorState) -> dict[str, Any]:
    mention = item.get("mention")
    if not isinstance(mention, dict):
        return item
    kind = mention.get("type") or next((key for key in MENTION_TYPES if key in mention), None)
    if kind is None or not isinstance(mention.get(kind), dict):
        return item
    target: dict[str, Any] = mention[kind]
    text = item.get("plain_text") or "Untitled"
    href = item.get("href")
    if kind == "user":
        target, text = _user(target, state)
    elif kind == "page":
        page_id = normalize_id(str(target.get("id", ""))) or str(target.get("id", ""))
        target = {"id": page_id}
        page = state.pages.get(page_id)
        text = (state.page_title(page) if page is not None else "") or "Untitled"
        href = f"https://www.notion.so/{page_id.replace('-', '')}"
    elif kind in ("database", "data_source"):
        object_id = normalize_id(str(target.get("id", ""))) or str(target.get("id", ""))
        target = {"id": object_id}
        record = state.databases.get(object_id) or state.data_sources.get(object_id)
        text = (plain_text(record.title) if record is not None else "") or "Untitled"
        href = f"https://www.notion.so/{object_id.replace('-', '')}"
    elif kind == "date":
        start, end = target.get("start"), target.get("end")
        text = f"{start} → {end}" if end else str(start)
        target = {"start": start, "end": end, "time_zone": target.get("time_zone")}
    elif kind == "link_preview":
        text = href = str(target.get("url", ""))
    return {**item, "mention": {"type": kind, kind: target}, "plain_text": text, "href": href}


def _user(reference: dict[str, Any], state: EmulatorState) -> tuple[dict[str, Any], str]:
    user_id = normalize_id(str(reference.get("id", ""))) or str(reference.get("id", ""))
    user = state.user_map().get(user_id)
    if user is None:
        return {"object": "user", "id": user_id}, UNKNOWN_USER_TEXT
    return dict(user), f"@{user['name']}"
