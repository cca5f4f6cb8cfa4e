"""The emulator's own Notion-flavoured Markdown, for ``/v1/pages/{id}/markdown`` and ``POST /v1/pages``
with ``markdown`` (2026-03-11).

Written separately from the provider's converter (``airflow_provider_notion.markdown``), on purpose: tests that
write with one and read with the other catch mistakes in either. Children are indented with tabs, as Notion's
enhanced Markdown does; bold-italic is ``***x***``, italic ``*x*``. Blocks it does not render come out as
``<unknown type="..."/>`` lines, the way Notion marks what it cannot show.
"""

from __future__ import annotations

import re
from typing import Any

from notion_emulator.records import BlockRecord
from notion_emulator.state import EmulatorState

_SPECIAL = re.compile(r"([\\*_~`\[\]$<|])")


def _wrap(item: dict[str, Any]) -> str:
    kind = item.get("type")
    if kind == "equation":
        return "$" + str(item["equation"]["expression"]) + "$"
    text = item.get("plain_text", "")
    notes = item.get("annotations") or {}
    body = "`" + text + "`" if notes.get("code") else _SPECIAL.sub(r"\\\1", text)
    core = body.strip(" ")
    if not core:
        return body
    left = body[: len(body) - len(body.lstrip(" "))]
    right = body[len(body.rstrip(" ")) :]
    if notes.get("bold") and notes.get("italic"):
        core = f"***{core}***"
    elif notes.get("bold"):
        core = f"**{core}**"
    elif notes.get("italic"):
        core = f"*{core}*"
    if notes.get("strikethrough"):
        core = f"~~{core}~~"
    href = item.get("href")
    if href:
        core = f"[{core}]({href})"
    return left + core + right


def rich_to_md(rich: list[dict[str, Any]], *, br: bool = False) -> str:
    runs: list[dict[str, Any]] = []
    for item in rich:
        same = (
            runs
            and item.get("type") == "text"
            and runs[-1].get("type") == "text"
            and runs[-1].get("annotations") == item.get("annotations")
            and runs[-1].get("href") == item.get("href")
        )
        if same:
            runs[-1] = {**runs[-1], "plain_text": runs[-1]["plain_text"] + item.get("plain_text", "")}
        else:
            runs.append(item)
    out = "".join(_wrap(r) for r in runs)
    return out.replace("\n", "<br>") if br else out


def render(state: EmulatorState, container_id: str, depth: int = 0) -> list[str]:
    """Markdown lines of a page's (or block's) live children."""
    lines: list[str] = []
    previous = ""
    counter = 0
    lists = ("bulleted_list_item", "numbered_list_item", "to_do")
    for child_id in state.live_children(container_id):
        block = state.blocks.get(child_id)
        kind = block.type if block else ("child_page" if child_id in state.pages else "child_database")
        counter = counter + 1 if kind == "numbered_list_item" and previous == kind else 1
        if lines and not (kind in lists and previous in lists):
            lines.append("")
        own = _render_one(state, child_id, block, kind, counter)
        lines.extend(own)
        if block is not None and kind not in ("table",) and state.live_children(child_id):
            lines.extend("\t" + line if line else line for line in render(state, child_id, depth + 1))
            if kind == "toggle":
                lines.append("</details>")
        previous = kind
    return lines


def _render_one(
    state: EmulatorState, block_id: str, block: BlockRecord | None, kind: str, number: int
) -> list[str]:
    if block is None:
        if kind == "child_page":
            page = state.pages[block_id]
            return [f'<page url="{page.row.get("url", "")}">{state.page_title(page)}</page>']
        return [f'<database id="{block_id}"/>']
    content = block.content
    rich = content.get("rich_text") or []
    simple = {
        "heading_1": "# ",
        "heading_2": "## ",
        "heading_3": "### ",
        "bulleted_list_item": "- ",
        "numbered_list_item": f"{number}. ",
    }
    if kind in simple:
        return [simple[kind] + rich_to_md(rich, br=True)]
    if kind == "paragraph":
        return rich_to_md(rich).split("\n") if rich else ["<br>"]
    if kind == "to_do":
        return [("- [x] " if content.get("checked") else "- [ ] ") + rich_to_md(rich, br=True)]
    if kind == "quote":
        return ["> " + line for line in rich_to_md(rich).split("\n")]
    if kind == "code":
        language = content.get("language", "plain text")
        code = "".join(i.get("plain_text", "") for i in rich)
        return ["```" + ("" if language == "plain text" else language), *code.split("\n"), "```"]
    if kind == "divider":
        return ["---"]
    if kind == "equation":
        return ["$$", content.get("expression", ""), "$$"]
    if kind == "callout":
        emoji = (content.get("icon") or {}).get("emoji")
        opening = f'<callout icon="{emoji}">' if emoji else "<callout>"
        return [opening, rich_to_md(rich, br=True), "</callout>"]
    if kind == "toggle":
        return [f"<details><summary>{rich_to_md(rich, br=True)}</summary>"]
    if kind == "table":
        rows = [state.blocks[r].content.get("cells", []) for r in state.live_children(block_id)]
        out = ["| " + " | ".join(rich_to_md(c, br=True) for c in row) + " |" for row in rows]
        width = int(content.get("table_width") or 1)
        return [*out[:1], "|" + "|".join("---" for _ in range(width)) + "|", *out[1:]]
    if kind in ("image", "file", "pdf", "video", "audio"):
        source = content.get(content.get("type", ""), {}) or {}
        url = source.get("url", "")
        caption = rich_to_md(content.get("caption") or [], br=True)
        if kind == "image":
            return [f"![{caption}]({url})"]
        return [f'<{kind} src="{url}">{caption}</{kind}>']
    return [f'<unknown type="{kind}" id="{block_id}"/>']


def render_page(state: EmulatorState, page_id: str) -> str:
    lines = render(state, page_id)
    return "\n".join(lines) + ("\n" if lines else "")


# ---------------------------------------------------------------------------------------------- parsing

_INLINE = re.compile(
    r"(?P<esc>\\(?P<escaped>[^A-Za-z0-9]))"
    r"|(?P<br><br>)"
    r"|`(?P<code>[^`]+)`"
    r"|\$(?P<eq>[^$\s][^$]*)\$"
    r"|\[(?P<ltext>(?:\\.|[^\]])+)\]\((?P<href>[^)\s]+)\)"
    r"|\*\*\*(?P<bi>.+?)\*\*\*"
    r"|\*\*(?P<b>.+?)\*\*"
    r"|~~(?P<s>.+?)~~"
    r"|(?<![A-Za-z0-9])_(?P<u>[^_]+?)_(?![A-Za-z0-9])"
    r"|\*(?P<i>[^*]+?)\*"
)


def md_to_rich(
    text: str, notes: dict[str, bool] | None = None, href: str | None = None
) -> list[dict[str, Any]]:
    notes = notes or {}
    out: list[dict[str, Any]] = []

    def plain(chunk: str) -> None:
        if not chunk:
            return
        if out and out[-1].get("_plain") and out[-1]["_notes"] == notes:
            out[-1]["text"]["content"] += chunk
            return
        item: dict[str, Any] = {"type": "text", "text": {"content": chunk}, "_plain": True, "_notes": notes}
        if href:
            item["text"]["link"] = {"url": href}
        if notes:
            item["annotations"] = dict(notes)
        out.append(item)

    position = 0
    for match in _INLINE.finditer(text):
        plain(text[position : match.start()])
        position = match.end()
        group = match.lastgroup
        if group == "esc":
            plain(match.group("escaped"))
        elif group == "br":
            plain("\n")
        elif group == "code":
            out.extend(_strip(md_to_rich_literal(match.group("code"), {**notes, "code": True}, href)))
        elif group == "eq":
            out.append({"type": "equation", "equation": {"expression": match.group("eq")}})
        elif group == "href":
            out.extend(md_to_rich(match.group("ltext"), notes, match.group("href")))
        else:
            flags = {"bi": ("bold", "italic"), "b": ("bold",), "s": ("strikethrough",), "u": ("italic",)}
            names = flags.get(str(group), ("italic",))
            out.extend(md_to_rich(match.group(str(group)), {**notes, **dict.fromkeys(names, True)}, href))
    plain(text[position:])
    return _strip(out)


def md_to_rich_literal(text: str, notes: dict[str, bool], href: str | None) -> list[dict[str, Any]]:
    item: dict[str, Any] = {"type": "text", "text": {"content": text}, "annotations": dict(notes)}
    if href:
        item["text"]["link"] = {"url": href}
    return [item]


def _strip(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("heading", re.compile(r"^(#{1,3}) (.*)$")),
    ("to_do", re.compile(r"^[-*] \[( |x|X)\] ?(.*)$")),
    ("bulleted_list_item", re.compile(r"^[-*+] (.*)$")),
    ("numbered_list_item", re.compile(r"^\d+\. (.*)$")),
    ("quote", re.compile(r"^> ?(.*)$")),
    ("divider", re.compile(r"^---+$")),
    ("image", re.compile(r"^!\[(.*)\]\((.*)\)$")),
    ("media", re.compile(r'^<(file|pdf|video|audio) src="(.*)">(.*)</(?:file|pdf|video|audio)>$')),
    ("toggle", re.compile(r"^<details><summary>(.*)</summary>$")),
]


def parse(markdown: str) -> list[dict[str, Any]]:
    """Block objects (request shape) for ``markdown``; children from deeper indentation (tabs or 4 spaces)."""
    rows = []
    for raw in markdown.split("\n"):
        stripped = raw.lstrip("\t ")
        lead = raw[: len(raw) - len(stripped)]
        rows.append((lead.count("\t") + lead.count(" ") // 4, stripped.rstrip()))
    blocks, _ = _parse_level(rows, 0, 0)
    return blocks


def _parse_level(rows: list[tuple[int, str]], i: int, level: int) -> tuple[list[dict[str, Any]], int]:
    blocks: list[dict[str, Any]] = []
    while i < len(rows):
        depth, text = rows[i]
        if not text or text == "</details>":
            i += 1
            continue
        if depth < level:
            break
        if depth > level and blocks:
            children, i = _parse_level(rows, i, depth)
            kind = blocks[-1]["type"]
            blocks[-1][kind].setdefault("children", []).extend(children)
            continue
        block, i = _parse_block(rows, i)
        blocks.append(block)
    return blocks, i


def _parse_block(rows: list[tuple[int, str]], i: int) -> tuple[dict[str, Any], int]:
    text = rows[i][1]
    body: dict[str, Any]
    if text.startswith("```"):
        end = i + 1
        while end < len(rows) and rows[end][1] != "```":
            end += 1
        code = "\n".join(r[1] for r in rows[i + 1 : end])
        body = {
            "rich_text": [{"type": "text", "text": {"content": code}}],
            "language": text[3:] or "plain text",
        }
        return {"type": "code", "code": body}, end + 1
    if text == "$$":
        end = rows.index(next(r for r in rows[i + 1 :] if r[1] == "$$"), i + 1)
        return {
            "type": "equation",
            "equation": {"expression": "\n".join(r[1] for r in rows[i + 1 : end])},
        }, end + 1
    if text.startswith("<callout"):
        icon = re.match(r'<callout icon="(.*)">', text)
        end = i + 1
        while end < len(rows) and rows[end][1] != "</callout>":
            end += 1
        body = {"rich_text": md_to_rich("\n".join(r[1] for r in rows[i + 1 : end]))}
        if icon:
            body["icon"] = {"type": "emoji", "emoji": icon.group(1)}
        return {"type": "callout", "callout": body}, end + 1
    if text.startswith("|") and i + 1 < len(rows) and re.match(r"^\|[-:| ]+\|$", rows[i + 1][1]):
        end = i + 2
        table_rows = [text]
        while end < len(rows) and rows[end][1].startswith("|"):
            table_rows.append(rows[end][1])
            end += 1
        cells = [[c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]] for row in table_rows]
        width = max(len(c) for c in cells)
        children = [
            {
                "type": "table_row",
                "table_row": {"cells": [md_to_rich(c) for c in row + [""] * (width - len(row))]},
            }
            for row in cells
        ]
        table = {
            "table_width": width,
            "has_column_header": True,
            "has_row_header": False,
            "children": children,
        }
        return {"type": "table", "table": table}, end
    if text == "<br>":
        return {"type": "paragraph", "paragraph": {"rich_text": []}}, i + 1
    for kind, pattern in _PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        if kind == "heading":
            level = len(found.group(1))
            return {
                "type": f"heading_{level}",
                f"heading_{level}": {"rich_text": md_to_rich(found.group(2))},
            }, i + 1
        if kind == "to_do":
            body = {"rich_text": md_to_rich(found.group(2)), "checked": found.group(1) != " "}
            return {"type": "to_do", "to_do": body}, i + 1
        if kind == "quote":
            lines = []
            while i < len(rows) and rows[i][1].startswith(">"):
                lines.append(re.sub(r"^> ?", "", rows[i][1]))
                i += 1
            return {"type": "quote", "quote": {"rich_text": md_to_rich("\n".join(lines))}}, i
        if kind == "divider":
            return {"type": "divider", "divider": {}}, i + 1
        if kind == "image":
            body = {
                "type": "external",
                "external": {"url": found.group(2)},
                "caption": md_to_rich(found.group(1)),
            }
            return {"type": "image", "image": body}, i + 1
        if kind == "media":
            body = {
                "type": "external",
                "external": {"url": found.group(2)},
                "caption": md_to_rich(found.group(3)),
            }
            return {"type": found.group(1), found.group(1): body}, i + 1
        return {"type": kind, kind: {"rich_text": md_to_rich(found.group(1))}}, i + 1
    # A paragraph runs until a blank line or a line that starts another block.
    lines = [text]
    depth = rows[i][0]
    i += 1
    while i < len(rows) and rows[i][1] and rows[i][0] == depth and not _starts_block(rows, i):
        lines.append(rows[i][1])
        i += 1
    return {"type": "paragraph", "paragraph": {"rich_text": md_to_rich("\n".join(lines))}}, i


def _starts_block(rows: list[tuple[int, str]], i: int) -> bool:
    text = rows[i][1]
    if text.startswith(("```", "<", "|", "$$")):
        return True
    return any(pattern.match(text) for _, pattern in _PATTERNS)
