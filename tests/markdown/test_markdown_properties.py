"""Property-based tests (Hypothesis) of the Markdown converter on generated documents.

- Markdown -> blocks -> Markdown -> blocks: the second reading gives the same blocks as the first, and writing
  them again gives the same Markdown (whatever the input, the converter's own output is stable).
- Notion rich text -> Markdown -> rich text: every character keeps its text, its marks and its link.
- The work (Python lines executed in the converter, counted, not timed) stays within a constant per input
  character, so no generated input finds a quadratic path.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume, example, given
from hypothesis import strategies as st

from airflow_provider_notion.markdown import blocks_to_markdown, markdown_to_blocks
from airflow_provider_notion.markdown.inline import parse_inline, render_inline
from tests.markdown.work import lines_executed

#: Lines the converter may execute per input character (a few dozen today; quadratic paths need thousands).
WORK_PER_CHARACTER = 400

# Characters that mean something to the converter, plus ordinary text.
MARKUP = [*"*_~`[]()$\\<>|!#-+.: \t", "<br>", "](", "**", "~~", "```", "$$", "> ", "- ", "1. ", "    "]
WORDS = ["a", "word", "x_y", "é", "💡", "1", "http://e.x/(a)", "<callout>", "</details>", "| a | b |"]
fragments = st.lists(st.sampled_from(MARKUP + WORDS), max_size=40).map("".join)
documents = st.lists(fragments, max_size=12).map("\n".join)


def example_each(values: list[str]) -> Any:
    def decorate(test: Any) -> Any:
        for value in reversed(values):
            test = example(value)(test)
        return test

    return decorate


#: Inputs Hypothesis found, each a defect fixed since (kept so they are always tried).
FOUND = [
    "*<br>",  # a paragraph's last line break was written as a blank line, ending the paragraph
    "** *",  # emphasis opening before a space (CommonMark's flanking rule)
    "*_*1. ",  # "_" closing italics before a digit read as part of the word
    "<br>*",  # a line starting with <br> was escaped as if it started a block
    "<br>$\n$",  # a line break inside an inline equation
    "$\n<$",  # an equation's line break followed by a character escaped at the start of the line
    "<callout>`*\n*`",  # a code span holding a line break inside a one-line block
    "*`*\n*`*",  # marks spanning lines were written differently the second time
    "`\n`",  # a paragraph holding only a line break
    "\\    *\n*",  # leading whitespace inside a paragraph
    "<callout> *",  # whitespace at the edge of a one-line block
    ">> <br>*",  # trailing whitespace of a quote line
    "[*](\n)",  # a link destination holding a line break
]


@given(documents)
@example_each(FOUND)
def test_markdown_read_back_from_its_own_output_is_stable(markdown: str) -> None:
    blocks = markdown_to_blocks(markdown)
    # Known gap (docs/pages.md): inline code holding a run of backticks, written at the start of a line, needs
    # a fence of three or more and reads back as a code block.
    assume("``" not in json.dumps(blocks))
    written = blocks_to_markdown(blocks)
    again = markdown_to_blocks(written)
    assert normal(again) == normal(blocks), written
    assert blocks_to_markdown(again) == written


def normal(value: Any) -> Any:
    """Blocks with each rich-text array as characters (how text is split into items is free)."""
    if isinstance(value, dict):
        return {key: merged(item) if key == "rich_text" else normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [merged(item) if _is_rich_text(item) else normal(item) for item in value]
    return value


def _is_rich_text(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(i, dict) and i.get("type") in ("text", "equation") for i in value
    )


def merged(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each character with its marks and link (not for whitespace: marks and links touch the text they mark)."""
    chars: list[tuple[Any, ...]] = []
    for item in items:
        if item.get("type") == "equation":
            chars.append(("equation", item["equation"]["expression"]))
            continue
        marks = tuple(sorted(k for k, v in (item.get("annotations") or {}).items() if v))
        for ch in item["text"]["content"]:
            link = None if ch.isspace() else item["text"].get("link")
            chars.append(("text", ch, () if ch.isspace() else marks, link))
    # Whitespace at the start and end of a block's text is not kept (docs/pages.md).
    while chars and chars[0][0] == "text" and chars[0][1].isspace():
        chars.pop(0)
    while chars and chars[-1][0] == "text" and chars[-1][1].isspace():
        chars.pop()
    return chars


@given(documents)
def test_the_work_is_bounded_per_input_character(markdown: str) -> None:
    def convert() -> None:
        blocks_to_markdown(markdown_to_blocks(markdown))

    budget = WORK_PER_CHARACTER * (len(markdown) + 10)
    assert lines_executed(convert, cap=budget) <= budget


# ---------------------------------------------------------------------------------------------- rich text

MARKS = ("bold", "italic", "strikethrough", "code")
texts = st.text(alphabet=st.sampled_from([*"ab _*~`[]()$\\<>|!#-+.\n", "é", "💡"]), min_size=1, max_size=12)
links = st.none() | st.sampled_from(
    ["https://e.x/a", "https://en.wikipedia.org/wiki/Python_(programming_language)", "https://e.x/a)b", "x y"]
)


@st.composite
def rich_items(draw: st.DrawFn) -> dict[str, Any]:
    notes = {name: draw(st.booleans()) for name in MARKS}
    text = draw(texts)
    if notes["code"]:
        text = text.replace("\n", " ")  # a code span is one line
    link = draw(links)
    return {
        "type": "text",
        "text": {"content": text, "link": {"url": link} if link else None},
        "annotations": notes,
    }


def characters(items: list[dict[str, Any]]) -> list[tuple[str, tuple[bool, ...], str | None]]:
    """Each character with its marks and link: what must survive, however the runs are split or merged."""
    out = []
    for item in items:
        notes = item.get("annotations") or {}
        link = (item["text"].get("link") or {}).get("url")
        for ch in item["text"]["content"]:
            out.append((ch, tuple(bool(notes.get(name)) for name in MARKS), link))
    return out


@given(st.lists(rich_items(), max_size=6))
def test_rich_text_survives_markdown(items: list[dict[str, Any]]) -> None:
    markdown = render_inline(items)
    parsed = parse_inline(markdown)
    assert _comparable(characters(parsed)) == _comparable(characters(items)), markdown


def _comparable(chars: list[tuple[str, tuple[bool, ...], str | None]]) -> list[Any]:
    # Markers touch the text they mark, so whitespace (at the edge of a styled run or a link) is compared as
    # text only; a link's URL is compared as written (a space is percent-encoded).
    return [
        (ch, None, None) if ch.isspace() else (ch, marks, None if link is None else link.replace(" ", "%20"))
        for ch, marks, link in chars
    ]
