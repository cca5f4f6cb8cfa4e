"""Markdown -> Notion block objects (request shape: children inside the type's body).

Line based: each block starts on a line; lines indented deeper than a block that can hold children become its
children (any indentation, a tab counts as four spaces). Consecutive plain lines form one paragraph whose
lines are joined with line breaks, as Notion shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from airflow_provider_notion.markdown.inline import MAX_TEXT_LENGTH, parse_inline

#: Block types whose children may be given with the block (Notion refuses them on the others).
CHILD_BEARING = frozenset(
    {
        "paragraph",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "heading_1",
        "heading_2",
        "heading_3",
    }
)

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_TODO = re.compile(r"^[-*+]\s+\[([ xX])\]\s?(.*)$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\d+[.)]\s+(.*)$")
_DIVIDER = re.compile(r"^(-{3,}|\*{3,}|_{3,})$")
_FENCE = re.compile(r"^(`{3,})\s*(.*)$")
_MEDIA = re.compile(r'^<(file|pdf|video|audio) src="([^"]*)">(.*)</\1>$')
_CALLOUT = re.compile(r'^<callout(?: icon="([^"]*)")?>(.*?)(</callout>)?$')
_TOGGLE = re.compile(r"^<details><summary>(.*)</summary>(</details>)?$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")


@dataclass
class _Line:
    indent: int
    text: str


def _lines(markdown: str) -> list[_Line]:
    out = []
    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        expanded = raw.expandtabs(4)
        stripped = expanded.lstrip(" ")
        out.append(_Line(len(expanded) - len(stripped), stripped.rstrip()))
    return out


def markdown_to_blocks(markdown: str) -> list[dict[str, Any]]:
    """Block objects for ``markdown``, ready to send as ``children`` (nesting as deep as the Markdown's)."""
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be a string, not {type(markdown).__name__}")
    return _parse(_lines(markdown))


def _block(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"object": "block", "type": kind, kind: body}


def _text_body(text: str, **extra: Any) -> dict[str, Any]:
    return {"rich_text": parse_inline(text), **extra}


@dataclass
class _Level:
    """One indentation level being read: its blocks, and where they go when the level ends."""

    base: int
    blocks: list[dict[str, Any]]
    #: The block these are the children of; ``None``: siblings of the parent level's last block (read deeper
    #: under a block that takes no children).
    owner: dict[str, Any] | None = None


def _parse(lines: list[_Line]) -> list[dict[str, Any]]:
    """The blocks of ``lines``; lines indented deeper than a block are its children (any depth, no recursion:
    a list nested thousands of levels deep is read like a flat one)."""
    root = _Level(0, [])
    levels = [root]
    i = 0
    while True:
        while i < len(lines) and not lines[i].text:
            i += 1
        level = levels[-1]
        if i >= len(lines) or lines[i].indent < level.base:
            if level is root:
                return root.blocks
            levels.pop()
            i = _close(level, levels[-1], lines, i)
            continue
        indent = lines[i].indent
        block, i = _one_block(lines, i)
        if block is None:
            continue
        level.blocks.append(block)
        # Deeper-indented lines that follow belong to this block, when it can hold children.
        j = i
        while j < len(lines) and not lines[j].text:
            j += 1
        if j < len(lines) and lines[j].indent > indent:
            owner = block if block["type"] in CHILD_BEARING else None
            levels.append(_Level(lines[j].indent, [], owner))
            i = j


def _close(level: _Level, parent: _Level, lines: list[_Line], i: int) -> int:
    """Attach a finished level's blocks; returns where reading goes on."""
    if level.owner is None:
        # Code, dividers, tables... take no children: the indented lines are read as siblings.
        parent.blocks.extend(level.blocks)
        return i
    kind = level.owner["type"]
    if level.blocks:
        level.owner[kind]["children"] = level.blocks
        if kind.startswith("heading_"):
            level.owner[kind]["is_toggleable"] = True
    if kind == "toggle" and i < len(lines) and lines[i].text == "</details>":
        i += 1
    return i


def _one_block(lines: list[_Line], i: int) -> tuple[dict[str, Any] | None, int]:
    text = lines[i].text
    if text == "</details>":
        return None, i + 1
    if text == "<br>":
        return _block("paragraph", {"rich_text": []}), i + 1
    if fence := _FENCE.match(text):
        return _code(lines, i, fence.group(1), fence.group(2))
    if text == "$$":
        end = i + 1
        while end < len(lines) and lines[end].text != "$$":
            end += 1
        expression = "\n".join(line.text for line in lines[i + 1 : end])
        return _block("equation", {"expression": expression}), end + 1
    if heading := _HEADING.match(text):
        level = len(heading.group(1))
        return _block(f"heading_{level}", _text_body(heading.group(2))), i + 1
    if _DIVIDER.match(text):
        return _block("divider", {}), i + 1
    if todo := _TODO.match(text):
        return _block("to_do", _text_body(todo.group(2), checked=todo.group(1) != " ")), i + 1
    if bullet := _BULLET.match(text):
        return _block("bulleted_list_item", _text_body(bullet.group(1))), i + 1
    if number := _NUMBER.match(text):
        return _block("numbered_list_item", _text_body(number.group(1))), i + 1
    if text.startswith(">"):
        return _quote(lines, i)
    if image := _image(text):
        return _media("image", image[1], image[0]), i + 1
    if media := _MEDIA.match(text):
        return _media(media.group(1), media.group(2), media.group(3)), i + 1
    if toggle := _TOGGLE.match(text):
        return _block("toggle", _text_body(toggle.group(1))), i + 1
    if callout := _CALLOUT.match(text):
        return _callout(lines, i, callout)
    if text.startswith("|") and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1].text):
        return _table(lines, i)
    return _paragraph(lines, i)


def _paragraph(lines: list[_Line], i: int) -> tuple[dict[str, Any], int]:
    indent = lines[i].indent
    parts = [lines[i].text]
    i += 1
    while i < len(lines) and lines[i].text and lines[i].indent == indent and _is_plain(lines, i):
        parts.append(lines[i].text)
        i += 1
    return _block("paragraph", _text_body("\n".join(parts))), i


def _is_plain(lines: list[_Line], i: int) -> bool:
    """Whether line ``i`` continues a paragraph (it does not start another block)."""
    text = lines[i].text
    patterns = (_FENCE, _HEADING, _DIVIDER, _BULLET, _NUMBER, _MEDIA, _TOGGLE, _CALLOUT)
    if text in ("$$", "</details>") or text.startswith((">", "|")) or _image(text):
        return False
    return not any(p.match(text) for p in patterns)


def _code(lines: list[_Line], i: int, fence: str, language: str) -> tuple[dict[str, Any], int]:
    indent = lines[i].indent
    end = i + 1
    body: list[str] = []
    while end < len(lines) and not (lines[end].text.startswith(fence) and not lines[end].text.strip("`")):
        line = lines[end]
        body.append(" " * max(0, line.indent - indent) + line.text)
        end += 1
    content = "\n".join(body)
    rich = [
        {"type": "text", "text": {"content": content[k : k + MAX_TEXT_LENGTH]}}
        for k in range(0, len(content), MAX_TEXT_LENGTH)
    ]
    code = {"rich_text": rich, "language": language.strip() or "plain text"}
    return _block("code", code), end + 1


def _quote(lines: list[_Line], i: int) -> tuple[dict[str, Any], int]:
    indent = lines[i].indent
    parts = []
    while i < len(lines) and lines[i].indent == indent and lines[i].text.startswith(">"):
        parts.append(lines[i].text[1:].removeprefix(" "))
        i += 1
    return _block("quote", _text_body("\n".join(parts))), i


def _callout(lines: list[_Line], i: int, match: re.Match[str]) -> tuple[dict[str, Any], int]:
    icon, text, closed = match.group(1), match.group(2), match.group(3)
    parts = [text] if text else []
    i += 1
    if not closed:
        while i < len(lines) and lines[i].text != "</callout>":
            parts.append(lines[i].text)
            i += 1
        i += 1
    body = _text_body("\n".join(parts))
    if icon:
        body["icon"] = {"type": "emoji", "emoji": icon}
    return _block("callout", body), i


def _image(text: str) -> tuple[str, str] | None:
    """``(caption, url)`` of a line ``![caption](url)`` (the URL without spaces), else ``None``.

    The caption ends at the last ``](``: what a greedy regular expression would take, in one pass (the regular
    expression backtracked quadratically on a line of repeated ``![](``).
    """
    if not (text.startswith("![") and text.endswith(")")):
        return None
    split = text.rfind("](", 2)
    if split < 0:
        return None
    url = text[split + 2 : -1]
    if any(ch.isspace() for ch in url):
        return None
    return text[2:split], url


def _media(kind: str, url: str, caption: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "external", "external": {"url": url}}
    if caption:
        body["caption"] = parse_inline(caption)
    return _block(kind, body)


def _cells(row: str) -> list[str]:
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    cells, current, k = [], [], 0
    while k < len(text):
        if text[k] == "\\" and k + 1 < len(text):
            current.append(text[k : k + 2])
            k += 2
            continue
        if text[k] == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(text[k])
        k += 1
    if "".join(current).strip():
        cells.append("".join(current).strip())
    return cells


def _table(lines: list[_Line], i: int) -> tuple[dict[str, Any], int]:
    indent = lines[i].indent
    rows = [_cells(lines[i].text)]
    i += 2
    while i < len(lines) and lines[i].indent == indent and lines[i].text.startswith("|"):
        rows.append(_cells(lines[i].text))
        i += 1
    width = max(len(r) for r in rows)
    children = [
        _block("table_row", {"cells": [parse_inline(c) for c in row + [""] * (width - len(row))]})
        for row in rows
    ]
    table = {"table_width": width, "has_column_header": True, "has_row_header": False, "children": children}
    return _block("table", table), i
