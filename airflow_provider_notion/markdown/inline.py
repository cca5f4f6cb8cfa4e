"""Rich text <-> inline Markdown: bold, italic, strikethrough, code, links and inline equations.

Rendering wraps each rich-text item on its own (link outermost, then ``~~``, ``**``, ``_``, code innermost)
after merging neighbours that look the same, so the parser below reads back exactly what was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_TEXT_LENGTH = 2000
# Characters that mean something inline; a literal one in text is written with a backslash.
_ESCAPED = frozenset("\\*_~`[]$<|")
_MARKS = (("strikethrough", "~~"), ("bold", "**"), ("italic", "_"))


# ---------------------------------------------------------------------------------------------- rendering


def _text_of(item: Mapping[str, Any]) -> str:
    kind = item.get("type", "text")
    if kind == "text":
        text = item.get("text") or {}
        return str(text.get("content", item.get("plain_text", "")))
    if kind == "equation":
        return str((item.get("equation") or {}).get("expression", ""))
    return str(item.get("plain_text", ""))


def _link_of(item: Mapping[str, Any]) -> str | None:
    if item.get("type", "text") == "text":
        link = (item.get("text") or {}).get("link")
        if isinstance(link, Mapping) and link.get("url"):
            return str(link["url"])
    href = item.get("href")
    return str(href) if href and item.get("type") == "mention" else None


def _style(item: Mapping[str, Any]) -> tuple[Any, ...]:
    notes = item.get("annotations") or {}
    return (
        item.get("type", "text"),
        _link_of(item),
        *(bool(notes.get(name)) for name, _ in _MARKS),
        bool(notes.get("code")),
    )


def escape(text: str) -> str:
    """Backslash the characters that would read as Markdown; an underscore inside a word reads as itself."""
    out = []
    for index, ch in enumerate(text):
        inside_word = (
            ch == "_"
            and 0 < index < len(text) - 1
            and text[index - 1].isalnum()
            and text[index + 1].isalnum()
        )
        out.append("\\" + ch if ch in _ESCAPED and not inside_word else ch)
    return "".join(out)


def render_inline(items: Any, *, newline: str = "\n") -> str:
    """Inline Markdown for a rich-text array; ``newline`` replaces line breaks (``<br>`` inside tables...)."""
    merged: list[tuple[tuple[Any, ...], str]] = []
    for item in items or []:
        if not isinstance(item, Mapping):
            continue
        style, text = _style(item), _text_of(item)
        if merged and merged[-1][0] == style and style[0] == "text":
            merged[-1] = (style, merged[-1][1] + text)
        else:
            merged.append((style, text))
    out: list[str] = []
    for (kind, link, strike, bold, italic, code), text in merged:
        if kind == "equation":
            out.append(f"${text}$")
            continue
        if not text:
            continue
        # Markers must touch the text: leading/trailing spaces go outside them.
        core = text.strip(" ")
        lead, trail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")) :]
        if not core:
            out.append(text)
            continue
        body = _code_span(core) if code else escape(core)
        # Innermost first: italic, then bold, then strikethrough (the order _MARKS lists them outermost first).
        for flag, (_, mark) in reversed(list(zip((strike, bold, italic), _MARKS, strict=True))):
            if flag:
                body = f"{mark}{body}{mark}"
        if link:
            body = f"[{body}]({link.replace(' ', '%20').replace(')', '%29')})"
        out.append(lead + body + trail)
    return "".join(out).replace("\n", newline)


def _code_span(text: str) -> str:
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


# ---------------------------------------------------------------------------------------------- parsing


def _item(text: str, notes: Mapping[str, bool], link: str | None) -> list[dict[str, Any]]:
    out = []
    for start in range(0, len(text), MAX_TEXT_LENGTH):
        item: dict[str, Any] = {
            "type": "text",
            "text": {
                "content": text[start : start + MAX_TEXT_LENGTH],
                "link": {"url": link} if link else None,
            },
        }
        flags = {k: True for k, v in notes.items() if v}
        if flags:
            item["annotations"] = flags
        out.append(item)
    return out


def _find(text: str, start: int, mark: str) -> int:
    """Index of the closing ``mark`` at or after ``start``, skipping escapes and code spans; -1 if none."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            end = _code_end(text, i)
            if end > 0:
                i = end
                continue
        if text.startswith(mark, i):
            if mark == "_" and i + 1 < len(text) and text[i + 1].isalnum():
                i += 1
                continue
            if mark != "]" and i == start:
                i += 1
                continue
            return i
        i += 1
    return -1


def _code_end(text: str, i: int) -> int:
    """The index just after the code span opening at ``i``, or -1 when it is not closed."""
    ticks = len(text[i:]) - len(text[i:].lstrip("`"))
    fence = "`" * ticks
    close = text.find(fence, i + ticks)
    while close != -1 and text[close + ticks : close + ticks + 1] == "`":
        close = text.find(fence, close + ticks + 1)
    return -1 if close == -1 else close + ticks


def parse_inline(
    text: str, notes: Mapping[str, bool] | None = None, link: str | None = None
) -> list[dict[str, Any]]:
    """Rich-text items (request shape) for inline Markdown; ``<br>`` is a line break."""
    notes = dict(notes or {})
    items: list[dict[str, Any]] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            items.extend(_item("".join(buffer), notes, link))
            buffer.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and not text[i + 1].isalnum():
            buffer.append(text[i + 1])
            i += 2
            continue
        if text.startswith("<br>", i):
            buffer.append("\n")
            i += 4
            continue
        if ch == "`":
            end = _code_end(text, i)
            if end > 0:
                flush()
                ticks = len(text[i:]) - len(text[i:].lstrip("`"))
                inner = text[i + ticks : end - ticks]
                if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
                    inner = inner[1:-1]
                items.extend(_item(inner, {**notes, "code": True}, link))
                i = end
                continue
        if ch == "$" and not text.startswith("$$", i):
            end = _find(text, i + 1, "$")
            if end > i + 1:
                flush()
                expression = text[i + 1 : end].replace("\\$", "$")
                item: dict[str, Any] = {"type": "equation", "equation": {"expression": expression}}
                items.append(item)
                i = end + 1
                continue
        if ch == "[" and link is None:
            close = _find(text, i + 1, "]")
            if close > 0 and text.startswith("(", close + 1):
                end = text.find(")", close + 2)
                if end > 0:
                    flush()
                    url = text[close + 2 : end].replace("%20", " ").replace("%29", ")")
                    items.extend(parse_inline(text[i + 1 : close], notes, url))
                    i = end + 1
                    continue
        if text.startswith("***", i) and not notes.get("bold") and not notes.get("italic"):
            end = _find(text, i + 3, "***")
            if end > i + 3:
                flush()
                inner = text[i + 3 : end]
                items.extend(parse_inline(inner, {**notes, "bold": True, "italic": True}, link))
                i = end + 3
                continue
        matched = False
        for name, mark in (("bold", "**"), ("strikethrough", "~~"), ("italic", "_"), ("italic", "*")):
            if not text.startswith(mark, i) or notes.get(name):
                continue
            if mark == "*" and text.startswith("**", i):
                continue
            if mark == "_" and i > 0 and text[i - 1].isalnum():
                continue
            end = _find(text, i + len(mark), mark)
            if end > i + len(mark):
                flush()
                items.extend(parse_inline(text[i + len(mark) : end], {**notes, name: True}, link))
                i = end + len(mark)
                matched = True
                break
        if matched:
            continue
        buffer.append(ch)
        i += 1
    flush()
    return items
