"""Notion block tree -> Markdown.

A block's children are read from ``block[type]["children"]`` (request shape) or ``block["children"]`` (a tree
fetched with :meth:`NotionHook.get_block_tree`) and written indented by four spaces under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from airflow_provider_notion.markdown.inline import render_inline

_INDENT = "    "
_LIST_TYPES = frozenset({"bulleted_list_item", "numbered_list_item", "to_do"})
# A paragraph line that would read back as another block gets its first character escaped.
# A line starting with a line break written as ``<br>`` is not one: only ``<br>`` alone is (an empty paragraph).
_BLOCK_START = re.compile(r"^(#{1,6}\s|[-+*]\s|>|\d+[.)]\s|`{3}|\$\$|<(?!br>.)|\||-{3,}$|\*{3,}$|_{3,}$|!\[)")
_NUMBERED_START = re.compile(r"^(\d+)([.)]\s)")


_NOT_TYPES = frozenset({"object", "id", "type", "children", "has_children", "parent", "in_trash", "archived"})


def block_type(block: Mapping[str, Any]) -> str | None:
    """A block's type: ``type``, or the one content key of a request block that leaves ``type`` out."""
    kind = block.get("type")
    if isinstance(kind, str):
        return kind
    keys = [k for k, v in block.items() if k not in _NOT_TYPES and isinstance(v, Mapping)]
    return keys[0] if len(keys) == 1 else None


def children_of(block: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    kind = block_type(block)
    body = block.get(kind) if isinstance(kind, str) else None
    nested = body.get("children") if isinstance(body, Mapping) else None
    if not nested:
        nested = block.get("children")
    return [c for c in nested or [] if isinstance(c, Mapping)]


def blocks_to_markdown(blocks: Sequence[Mapping[str, Any]]) -> str:
    """Markdown for a list of blocks (and their children, at any depth: no recursion)."""
    return "\n".join(_render(blocks)).rstrip("\n") + "\n" if blocks else ""


@dataclass
class _Siblings:
    """Blocks of one level being written: what is left of them, and the state a list needs."""

    blocks: Iterator[Any]
    depth: int
    closing: str | None = None  # written after the last of them, one level up (``</details>``)
    previous: str | None = None
    number: int = 0


def _render(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []

    def emit(line: str, depth: int) -> None:
        lines.append(_INDENT * depth + line if line else line)

    levels = [_Siblings(iter(blocks), 0)]
    while levels:
        level = levels[-1]
        block = next(level.blocks, None)
        if block is None:
            levels.pop()
            if level.closing is not None:
                emit(level.closing, level.depth - 1)
            continue
        if not isinstance(block, Mapping):
            continue
        kind = str(block_type(block))
        level.number = level.number + 1 if kind == "numbered_list_item" and level.previous == kind else 1
        # Items of one list sit on consecutive lines; everything else is separated by a blank line.
        if level.previous is not None and not (kind in _LIST_TYPES and level.previous == kind):
            lines.append("")
        level.previous = kind
        head, holds_children = _render_block(block, kind, level.number)
        for line in head:
            emit(line, level.depth)
        if holds_children:
            closing = "</details>" if kind == "toggle" else None
            levels.append(_Siblings(iter(children_of(block)), level.depth + 1, closing))
    return lines


def _escape_start(line: str) -> str:
    if (numbered := _NUMBERED_START.match(line)) is not None:
        return numbered.group(1) + "\\" + line[len(numbered.group(1)) :]
    # Leading spaces would read back as indentation (children); Notion text rarely needs them.
    line = line.lstrip(" \t")
    return "\\" + line if _BLOCK_START.match(line) else line


def _render_block(block: Mapping[str, Any], kind: str, number: int) -> tuple[list[str], bool]:
    """The block's own lines, and whether its children are written under it."""
    body = block.get(kind)
    body = body if isinstance(body, Mapping) else {}
    rich = body.get("rich_text")
    text = render_inline(rich, newline="<br>").strip()  # whitespace at the edges does not read back
    head: list[str]
    if kind == "paragraph":
        head = _paragraph(rich)
    elif kind in ("heading_1", "heading_2", "heading_3"):
        head = ["#" * int(kind[-1]) + " " + text]
    elif kind == "bulleted_list_item":
        head = ["- " + text]
    elif kind == "numbered_list_item":
        head = [f"{number}. " + text]
    elif kind == "to_do":
        head = [f"- [{'x' if body.get('checked') else ' '}] " + text]
    elif kind == "quote":
        quoted = render_inline(rich).strip().split("\n")
        if any(line != line.rstrip() for line in quoted):  # trailing whitespace of a line does not read back
            quoted = ["<br>".join(quoted)]
        head = ["> " + line for line in quoted]
    elif kind == "callout":
        icon = body.get("icon") or {}
        emoji = icon.get("emoji") if isinstance(icon, Mapping) else None
        head = [f'<callout icon="{emoji}">' if emoji else "<callout>", text, "</callout>"]
    elif kind == "toggle":
        head = [f"<details><summary>{text}</summary>"]
    elif kind == "code":
        return _code(body), False
    elif kind == "equation":
        return ["$$", str(body.get("expression", "")), "$$"], False
    elif kind == "divider":
        return ["---"], False
    elif kind == "table":
        return _table(block, body), False
    elif kind in ("image", "file", "pdf", "video", "audio") and _url(body):
        caption = render_inline(body.get("caption"), newline="<br>")
        if kind == "image":
            return [f"![{caption}]({_url(body)})"], False
        return [f'<{kind} src="{_url(body)}">{caption}</{kind}>'], False
    else:
        return [_placeholder(block, kind)], False
    return head, True


def _paragraph(rich: Any) -> list[str]:
    """A paragraph's lines: its line breaks as new lines, or all as ``<br>`` on one line when a line would be
    blank (which would end the paragraph) or start or end with whitespace (which reading drops). Whitespace at
    the start and end of the whole text is not kept."""
    text = render_inline(rich).strip() if rich else ""
    if not text:
        return ["<br>"]  # an empty paragraph
    lines = text.split("\n")
    # An equation's line break cannot start a new line: the next line's first character would be escaped.
    breaks_equation = any(
        isinstance(item, Mapping) and "\n" in str((item.get("equation") or {}).get("expression", ""))
        for item in rich or []
    )
    if not breaks_equation and all(line and line == line.strip() for line in lines):
        return [_escape_start(line) for line in lines]
    return [_escape_start(text.replace("\n", "<br>"))]


def _url(body: Mapping[str, Any]) -> str | None:
    source = body.get(str(body.get("type")))
    url = source.get("url") if isinstance(source, Mapping) else None
    return str(url) if url else None


def _code(body: Mapping[str, Any]) -> list[str]:
    content = "".join(
        str((item.get("text") or {}).get("content", item.get("plain_text", "")))
        for item in body.get("rich_text") or []
        if isinstance(item, Mapping)
    )
    fence = "```"
    while fence in content:
        fence += "`"
    language = str(body.get("language") or "")
    return [fence + ("" if language == "plain text" else language), *content.split("\n"), fence]


def _table(block: Mapping[str, Any], body: Mapping[str, Any]) -> list[str]:
    rows = [child for child in children_of(block) if child.get("type") == "table_row"]
    width = int(body.get("table_width") or max((len(_row_cells(r)) for r in rows), default=1))
    rendered = []
    for row in rows:
        cells = [render_inline(cell, newline="<br>") for cell in _row_cells(row)]
        cells += [""] * (width - len(cells))
        rendered.append("| " + " | ".join(cells) + " |")
    if not rendered:
        return [_placeholder(block, "table")]
    # Markdown tables always have a header row; Notion's first row is used as it.
    return [rendered[0], "|" + "|".join(["---"] * width) + "|", *rendered[1:]]


def _row_cells(row: Mapping[str, Any]) -> list[Any]:
    body = row.get("table_row")
    cells = body.get("cells") if isinstance(body, Mapping) else None
    return list(cells or [])


def _placeholder(block: Mapping[str, Any], kind: str) -> str:
    """A visible line for a block the converter cannot express, so nothing disappears silently."""
    details = [kind]
    body = block.get(kind)
    title = body.get("title") if isinstance(body, Mapping) else None
    if title:
        details.append(f'"{title}"')
    if block.get("id"):
        details.append(f"id={block['id']}")
    return f"[unsupported block: {' '.join(details)}]"
