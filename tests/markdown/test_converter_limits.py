"""The Markdown converter on hostile input: linear work on any text, any nesting depth, URLs with parentheses.

Work is counted, not timed: the number of Python lines the converter's modules execute (``sys.settrace``) is
deterministic, so growth is checked as a ratio between two sizes of the same input, with a generous bound.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_notion.markdown import blocks_to_markdown, markdown_to_blocks
from airflow_provider_notion.markdown.inline import parse_inline, render_inline
from tests.markdown.work import TooMuchWork, lines_executed

SMALL, FACTOR = 4096, 8
#: Linear work grows ~8x from SMALL to SMALL * FACTOR, quadratic ~64x; 16x leaves room for log factors.
MAX_RATIO = 16
UNITS = {
    "unclosed [": "[",
    "_a never closes": "_a ",
    "unclosed **": "**a ",
    "unclosed ~~": "~~a ",
    "unclosed $": "$a ",
    "backtick runs": "`a``b",
    "[a]( never closes": "[a](",
    "[[[[x": "[[[[x",
    "((((]": "((((]",
    "image-like ![](": "![](",
    "escapes": "\\*\\_\\[",
    "links with parentheses": "[a](https://e.x/(b)) ",
    "bullets": "- item\n",
    "table": "| a | b |\n",
}


def round_trip(markdown: str) -> None:
    blocks_to_markdown(markdown_to_blocks(markdown))


@pytest.mark.parametrize("unit", UNITS.values(), ids=UNITS.keys())
def test_work_grows_linearly_with_the_input(unit: str) -> None:
    small = (unit * SMALL)[:SMALL]
    large = (unit * SMALL * FACTOR)[: SMALL * FACTOR]
    base = lines_executed(lambda: round_trip(small), cap=10**9)
    try:
        grown = lines_executed(lambda: round_trip(large), cap=base * MAX_RATIO)
    except TooMuchWork:
        pytest.fail(
            f"{FACTOR}x the input took more than {MAX_RATIO}x the work ({base} lines for {SMALL} chars)"
        )
    assert grown <= base * MAX_RATIO


def nested_list(depth: int) -> str:
    return "\n".join(" " * level + f"- level {level}" for level in range(depth))


def depth_of(blocks: list[dict[str, Any]]) -> int:
    depth, level = 0, blocks
    while level:
        depth += 1
        (only,) = level
        level = only[only["type"]].get("children", [])
    return depth


@pytest.mark.parametrize("depth", [1_000, 2_500])
def test_a_list_nested_thousands_of_levels_deep_converts_both_ways(depth: int) -> None:
    blocks = markdown_to_blocks(nested_list(depth))
    assert depth_of(blocks) == depth
    markdown = blocks_to_markdown(blocks)
    assert markdown.splitlines()[-1] == "    " * (depth - 1) + f"- level {depth - 1}"
    assert depth_of(markdown_to_blocks(markdown)) == depth


def link_of(markdown: str) -> tuple[str, str | None]:
    item = parse_inline(markdown)[0]
    return item["text"]["content"], (item["text"]["link"] or {}).get("url")


def test_balanced_parentheses_belong_to_the_url() -> None:
    url = "https://en.wikipedia.org/wiki/Python_(programming_language)"
    items = parse_inline(f"[Python]({url}) and more")
    assert [(i["text"]["content"], (i["text"]["link"] or {}).get("url")) for i in items] == [
        ("Python", url),
        (" and more", None),
    ]
    assert link_of("[a](https://e.x/a_(b_(c)))") == ("a", "https://e.x/a_(b_(c))")
    assert link_of(r"[a](https://e.x/\(x)") == ("a", "https://e.x/(x")


@pytest.mark.parametrize(
    "url",
    [
        "https://en.wikipedia.org/wiki/Python_(programming_language)",
        "https://e.x/a)b(",
        "https://e.x/((",
        "https://e.x/a%20b%29c",
        "https://e.x/back\\slash`tick",
        "https://e.x/**not bold**_x_",
    ],
)
def test_a_link_renders_to_markdown_that_reads_back_as_the_same_url(url: str) -> None:
    rich = [{"type": "text", "text": {"content": "see", "link": {"url": url}}}]
    markdown = render_inline(rich)
    expected = url.replace(" ", "%20")  # a destination cannot hold a space; %20 is the same URL
    assert link_of(markdown) == ("see", expected)
    if url.startswith("https://en.wikipedia.org"):
        assert markdown == f"[see]({url})"  # balanced parentheses are written as they are


@pytest.mark.parametrize("text", ["name_", "_name", "a_", "_", "__", "x_y_", "snake_case_"])
def test_underscores_at_the_edges_render_and_read_back(text: str) -> None:
    rich = [{"type": "text", "text": {"content": text}}]
    markdown = render_inline(rich)
    assert "".join(item["text"]["content"] for item in parse_inline(markdown)) == text
    blocks = [{"type": "paragraph", "paragraph": {"rich_text": rich}}]
    assert (
        markdown_to_blocks(blocks_to_markdown(blocks))[0]["paragraph"]["rich_text"][0]["text"]["content"]
        == text
    )
