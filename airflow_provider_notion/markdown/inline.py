"""Rich text <-> inline Markdown: bold, italic, strikethrough, code, links and inline equations.

Rendering wraps each rich-text item on its own (link outermost, then ``~~``, ``**``, ``_``, code innermost)
after merging neighbours that look the same, so the parser below reads back exactly what was written.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from itertools import accumulate
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


_PLAIN = ("text", None, False, False, False, False)


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
    # Parts are joined once per run (adding to a string per item would copy the run again for each item).
    merged: list[tuple[tuple[Any, ...], list[str]]] = []
    for item in items or []:
        if not isinstance(item, Mapping):
            continue
        style, text = _style(item), _text_of(item)
        if merged and merged[-1][0] == style and style[0] == "text":
            merged[-1][1].append(text)
        else:
            merged.append((style, [text]))
    runs: list[tuple[tuple[Any, ...], str]] = []
    for style, parts in merged:
        text = "".join(parts)
        if style[0] != "text" or "\n" not in text or not any(style[1:]):
            runs.append((style, text))
            continue
        # Marks, links and code spans never span lines: each line is wrapped on its own.
        for number, line in enumerate(text.split("\n")):
            if number:
                runs.append((_PLAIN, "\n"))
            if line:
                runs.append((style, line))
    out: list[str] = []
    for index, ((kind, link, strike, bold, italic, code), text) in enumerate(runs):
        if kind == "equation":
            out.append("$" + text.replace("$", "\\$") + "$")
            continue
        if not text:
            continue
        # Markers must touch the text: leading/trailing whitespace goes outside them.
        core = text.strip()  # the same whitespace the parser's flanking rule looks at
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if not core:
            out.append(text)
            continue
        body = _code_span(core) if code else escape(core)
        # Innermost first: italic, then bold, then strikethrough (the order _MARKS lists them outermost first).
        for flag, (_, mark) in reversed(list(zip((strike, bold, italic), _MARKS, strict=True))):
            if flag:
                if (
                    mark == "_"
                    and not (link or bold or strike)
                    and _touches_word(out, lead, trail, runs, index)
                ):
                    mark = "*"  # "_" next to a letter reads as part of the word, not as a mark
                body = f"{mark}{body}{mark}"
        if link:
            body = f"[{body}]({link_destination(link)})"
        out.append(lead + body + trail)
    return "".join(out).replace("\n", newline)


def _touches_word(
    out: list[str], lead: str, trail: str, runs: list[tuple[tuple[Any, ...], str]], index: int
) -> bool:
    """Whether the run at ``index`` is written right after a letter or digit, or right before one."""
    after_word = not lead and bool(out) and bool(out[-1]) and out[-1][-1].isalnum()
    if after_word or trail or index + 1 >= len(runs):
        return after_word
    (kind, link, *marks), text = runs[index + 1]
    # Only a plain text run starts with its own first character (any mark, link or code starts with a symbol).
    return kind == "text" and not link and not any(marks) and text[:1].isalnum()


def link_destination(url: str) -> str:
    """A URL as a Markdown link destination that reads back as the same URL.

    Balanced parentheses stay as they are (``https://en.wikipedia.org/wiki/Python_(programming_language)``, as
    CommonMark reads them); unbalanced ones, backslashes and backticks get a backslash. Spaces and line breaks,
    which a destination cannot hold, are percent-encoded (the same URL to a browser).
    """
    text = url.replace(" ", "%20").replace("\n", "%0A").replace("\r", "%0D")
    text = text.replace("\\", "\\\\").replace("`", "\\`")
    depth = 0
    for ch in text:
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("(", "\\(").replace(")", "\\)")
    return text


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


#: Marks that close something inline, looked up by :class:`_Marks`.
_CLOSERS = ("]", "$", "***", "**", "~~", "_", "*")
#: The emphasis marks: they open only before, and close only after, a character that is not a space.
_EMPHASIS = frozenset({"***", "**", "~~", "_", "*"})


class _Marks:
    """Where each closing mark, code span and parenthesis of one text is, from one left-to-right pass.

    Backslash escapes and code spans hide what is inside them; everything else is recorded, so finding a
    closing mark is a binary search instead of a scan to the end of the text. That keeps the parser linear on
    any input: a run of unclosed ``[`` or ``_a`` used to rescan the rest of the paragraph for each one.
    The parser only ever stands on positions this pass stood on (it skips escapes, code spans and whole link
    destinations the same way), so both agree on what is hidden.
    """

    def __init__(self, text: str) -> None:
        self.closers: dict[str, list[int]] = {mark: [] for mark in _CLOSERS}
        #: Start of a backtick run -> (its length, the index after its code span or -1 when unclosed).
        self.ticks: dict[int, tuple[int, int]] = {}
        #: ``(`` -> its matching ``)``, counted outside escapes and code spans (link destinations).
        self.paren_close: dict[int, int] = {}
        runs = _backtick_runs(text)
        #: Whitespace characters before each index: a link destination holds none (CommonMark).
        self.spaces = [0, *accumulate(ch.isspace() for ch in text)]
        opened: list[int] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "`":
                ticks = _run_length(text, i, "`")
                close = _next_run(runs.get(ticks), i + ticks)
                end = -1 if close < 0 else close + ticks
                self.ticks[i] = (ticks, end)
                i = end if end > 0 else i + ticks  # an unclosed run is literal text as a whole
                continue
            if ch == "(":
                opened.append(i)
            elif ch == ")" and opened:
                self.paren_close[opened.pop()] = i
            elif ch in "]$*~_":
                after_space = i > 0 and text[i - 1].isspace()
                for mark in _CLOSERS:
                    if not text.startswith(mark, i):
                        continue
                    if mark in _EMPHASIS and after_space:
                        continue  # "a * b": a mark after a space does not close (CommonMark's flanking rule)
                    if mark == "_" and i + 1 < n and text[i + 1].isalnum():
                        continue  # intraword: not a closer
                    self.closers[mark].append(i)
            i += 1

    def find(self, start: int, mark: str) -> int:
        """The first closing ``mark`` at or after ``start`` (after it, but for ``]``); -1 if none."""
        positions = self.closers[mark]
        index = bisect_left(positions, start)
        if index < len(positions) and positions[index] == start and mark != "]":
            index += 1
        return positions[index] if index < len(positions) else -1


def _run_length(text: str, i: int, ch: str) -> int:
    end = i
    while end < len(text) and text[end] == ch:
        end += 1
    return end - i


def _backtick_runs(text: str) -> dict[int, list[int]]:
    """Run length -> sorted starts of the maximal backtick runs (the candidates that close a code span)."""
    runs: dict[int, list[int]] = {}
    i = text.find("`")
    while i >= 0:
        length = _run_length(text, i, "`")
        runs.setdefault(length, []).append(i)
        i = text.find("`", i + length)
    return runs


def _next_run(starts: list[int] | None, after: int) -> int:
    if not starts:
        return -1
    index = bisect_left(starts, after)
    return starts[index] if index < len(starts) else -1


def _opens(text: str, i: int, width: int) -> bool:
    """Whether an emphasis mark ``width`` long at ``i`` can open: a character that is not a space follows."""
    return i + width < len(text) and not text[i + width].isspace()


def _destination(raw: str) -> str:
    """A link destination as written -> the URL: backslash escapes of punctuation removed (CommonMark)."""
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and not raw[i + 1].isalnum():
            i += 1
        out.append(raw[i])
        i += 1
    return "".join(out)


def parse_inline(
    text: str, notes: Mapping[str, bool] | None = None, link: str | None = None
) -> list[dict[str, Any]]:
    """Rich-text items (request shape) for inline Markdown; ``<br>`` is a line break."""
    return _parse(text, _Marks(text), dict(notes or {}), link)


def _parse(text: str, marks: _Marks, notes: dict[str, bool], link: str | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            items.extend(_item("".join(buffer), notes, link))
            buffer.clear()

    def nested(start: int, end: int, inner_notes: dict[str, bool], inner_link: str | None) -> None:
        inner = text[start:end]
        items.extend(_parse(inner, _Marks(inner), inner_notes, inner_link))

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
            ticks, end = marks.ticks[i]
            if end < 0:
                buffer.append(text[i : i + ticks])
                i += ticks
                continue
            flush()
            inner = text[i + ticks : end - ticks]
            if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
                inner = inner[1:-1]
            items.extend(_item(inner, {**notes, "code": True}, link))
            i = end
            continue
        if ch == "$" and not text.startswith("$$", i):
            end = marks.find(i + 1, "$")
            if end > i + 1:
                flush()
                # A line break in an equation is written <br> where lines cannot break (tables, one-line blocks).
                expression = text[i + 1 : end].replace("\\$", "$").replace("<br>", "\n")
                items.append({"type": "equation", "equation": {"expression": expression}})
                i = end + 1
                continue
        if ch == "[" and link is None:
            close = marks.find(i + 1, "]")
            end = marks.paren_close.get(close + 1, -1) if close > 0 else -1
            if end > 0 and marks.spaces[end] == marks.spaces[close + 2]:
                flush()
                nested(i + 1, close, notes, _destination(text[close + 2 : end]))
                i = end + 1
                continue
        if (
            _opens(text, i, 3)
            and text.startswith("***", i)
            and not notes.get("bold")
            and not notes.get("italic")
        ):
            end = marks.find(i + 3, "***")
            if end > i + 3:
                flush()
                nested(i + 3, end, {**notes, "bold": True, "italic": True}, link)
                i = end + 3
                continue
        matched = False
        for name, mark in (("bold", "**"), ("strikethrough", "~~"), ("italic", "_"), ("italic", "*")):
            if not text.startswith(mark, i) or notes.get(name):
                continue
            if mark == "*" and text.startswith("**", i):
                continue
            if (mark == "_" and i > 0 and text[i - 1].isalnum()) or not _opens(text, i, len(mark)):
                continue
            end = marks.find(i + len(mark), mark)
            if end > i + len(mark):
                flush()
                nested(i + len(mark), end, {**notes, name: True}, link)
                i = end + len(mark)
                matched = True
                break
        if matched:
            continue
        buffer.append(ch)
        i += 1
    flush()
    return items
