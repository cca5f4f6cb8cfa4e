"""The Markdown converter: round trips for every supported construct, the blocks it builds, what it never drops."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_notion.markdown import blocks_to_markdown, markdown_to_blocks
from airflow_provider_notion.markdown.inline import parse_inline, render_inline

# Canonical Markdown (as the converter writes it): Markdown -> blocks -> Markdown must give it back unchanged.
ROUND_TRIPS = {
    "headings": "# One\n\n## Two\n\n### Three\n",
    "paragraph_annotations": "Plain **bold** _italic_ ~~strike~~ `code` and [a link](https://example.com/x?a=1).\n",
    # Each run of text is wrapped on its own (no marks spanning differently styled runs).
    "nested_annotations": "**bold** **_bold italic_** ~~**struck bold**~~ [**bold link**](https://e.x/)\n",
    "bold_italic_code": "**_`all three`_** then text\n",
    "inline_equation": "Energy $E=mc^2$ here.\n",
    "escapes": "Literal \\*stars\\*, \\_under\\_, \\~\\~tilde\\~\\~, \\`tick\\`, \\[br\\], \\$5 and a\\|b\n",
    "intraword_underscore": "snake_case_name stays plain\n",
    "escaped_block_starts": "\\# not a heading\n\n\\- not a bullet\n\n1\\. not a number\n\n\\> not a quote\n",
    "multi_line_paragraph": "first line\nsecond line\n\nnext paragraph\n",
    "bullets_nested": "- one\n- two\n    - two.a\n        - two.a.i\n            - deeper\n- three\n",
    "numbered": "1. first\n2. second\n    1. nested first\n    2. nested second\n3. third\n",
    "todos": "- [ ] open\n- [x] done\n    - [ ] sub task\n",
    "mixed_lists": "- bullet\n\n1. number\n\n- [ ] todo\n",
    "quote": "> quoted **text**\n> second line\n",
    "callout": '<callout icon="💡">\nRemember **this**\n</callout>\n',
    "callout_no_icon": "<callout>\nplain\n</callout>\n",
    "code": "```python\ndef f(x):\n    return x * 2\n```\n",
    "code_plain": "```\nno language\n```\n",
    "code_with_fence": "````\n```\ninside\n```\n````\n",
    "divider": "above\n\n---\n\nbelow\n",
    "table": "| Name | Score |\n|---|---|\n| **a** | 1 |\n| b \\| c | 2 |\n",
    "image": "![a caption](https://example.com/chart.png)\n",
    "image_no_caption": "![](https://example.com/chart.png)\n",
    "file": '<file src="https://example.com/r.csv">results.csv</file>\n',
    "pdf": '<pdf src="https://example.com/r.pdf"></pdf>\n',
    "equation_block": "$$\n\\int_0^1 x\\,dx\n$$\n",
    "toggle": "<details><summary>More **details**</summary>\n    hidden\n\n    - inside\n</details>\n",
    "toggle_heading": "## Section\n    under the heading\n",
    "empty_paragraph": "before\n\n<br>\n\nafter\n",
    "paragraph_children": "parent\n    child paragraph\n",
    "everything": (
        "# Report\n\nSummary with **3** rows.\n\n| Name | Score |\n|---|---|\n| a | 1 |\n\n- a\n    - b\n\n"
        "```sql\nselect 1\n```\n\n---\n\n> done\n"
    ),
}


@pytest.mark.parametrize("markdown", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_round_trip_is_stable(markdown: str) -> None:
    blocks = markdown_to_blocks(markdown)
    assert blocks_to_markdown(blocks) == markdown
    # And a second pass changes nothing either.
    assert markdown_to_blocks(blocks_to_markdown(blocks)) == blocks


def _texts(block: dict[str, Any]) -> str:
    return "".join(i["text"]["content"] for i in block[block["type"]]["rich_text"])


def test_blocks_have_the_shape_notion_takes() -> None:
    blocks = markdown_to_blocks(
        "# Title\n\n- [x] done\n\n1. one\n    - sub\n\n```sql\nselect 1\n```\n\n---\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n"
    )
    assert [b["type"] for b in blocks] == [
        "heading_1",
        "to_do",
        "numbered_list_item",
        "code",
        "divider",
        "table",
    ]
    assert blocks[1]["to_do"]["checked"] is True
    nested = blocks[2]["numbered_list_item"]["children"]
    assert [(b["type"], _texts(b)) for b in nested] == [("bulleted_list_item", "sub")]
    assert blocks[3]["code"] == {
        "rich_text": [{"type": "text", "text": {"content": "select 1"}}],
        "language": "sql",
    }
    table = blocks[5]["table"]
    assert (table["table_width"], table["has_column_header"]) == (2, True)
    cells = [[c[0]["text"]["content"] for c in row["table_row"]["cells"]] for row in table["children"]]
    assert cells == [["A", "B"], ["1", "2"]]


def test_inline_items_carry_annotations_and_links() -> None:
    items = parse_inline("a **b** [c](https://x.y/) `d` $e$")
    assert items == [
        {"type": "text", "text": {"content": "a ", "link": None}},
        {"type": "text", "text": {"content": "b", "link": None}, "annotations": {"bold": True}},
        {"type": "text", "text": {"content": " ", "link": None}},
        {"type": "text", "text": {"content": "c", "link": {"url": "https://x.y/"}}},
        {"type": "text", "text": {"content": " ", "link": None}},
        {"type": "text", "text": {"content": "d", "link": None}, "annotations": {"code": True}},
        {"type": "text", "text": {"content": " ", "link": None}},
        {"type": "equation", "equation": {"expression": "e"}},
    ]


def test_star_styles_from_other_writers_are_read() -> None:
    """Notion's own Markdown writes italics with ``*`` and bold italics with ``***``."""
    items = parse_inline("*it* and ***both***")
    assert items[0]["annotations"] == {"italic": True}
    assert items[2]["annotations"] == {"bold": True, "italic": True}
    assert items[2]["text"]["content"] == "both"


def test_tab_indented_children_are_read() -> None:
    blocks = markdown_to_blocks("- a\n\t- b\n\t\t- c\n")
    child = blocks[0]["bulleted_list_item"]["children"][0]
    assert _texts(child) == "b"
    assert _texts(child["bulleted_list_item"]["children"][0]) == "c"


def test_long_text_is_split_into_2000_character_items() -> None:
    text = "x" * 4500
    (block,) = markdown_to_blocks(text)
    pieces = block["paragraph"]["rich_text"]
    assert [len(p["text"]["content"]) for p in pieces] == [2000, 2000, 500]
    assert blocks_to_markdown([block]) == text + "\n"


def test_unsupported_blocks_stay_visible() -> None:
    blocks = [
        {"id": "b1", "type": "child_page", "child_page": {"title": "Sub page"}},
        {"id": "b2", "type": "bookmark", "bookmark": {"url": "https://x.y"}},
        {"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": "kept"}}]}},
    ]
    markdown = blocks_to_markdown(blocks)
    assert markdown == (
        '[unsupported block: child_page "Sub page" id=b1]\n\n[unsupported block: bookmark id=b2]\n\nkept\n'
    )


def test_response_shaped_tree_renders_children_and_hosted_files() -> None:
    """Blocks as Notion returns them: plain_text, children fetched under "children", Notion-hosted file URLs."""
    tree = [
        {
            "type": "toggle",
            "has_children": True,
            "toggle": {
                "rich_text": [{"type": "text", "plain_text": "Open me", "annotations": {"bold": False}}]
            },
            "children": [
                {
                    "type": "image",
                    "image": {"type": "file", "file": {"url": "https://s3/x.png"}, "caption": []},
                }
            ],
        }
    ]
    assert (
        blocks_to_markdown(tree)
        == "<details><summary>Open me</summary>\n    ![](https://s3/x.png)\n</details>\n"
    )


def test_mentions_render_as_their_text_and_links() -> None:
    items = [
        {"type": "mention", "mention": {"type": "user"}, "plain_text": "@Ada", "href": None},
        {"type": "mention", "mention": {"type": "page"}, "plain_text": "Plan", "href": "https://notion.so/p"},
    ]
    assert render_inline(items) == "@Ada[Plan](https://notion.so/p)"


def test_children_of_blocks_that_take_none_become_siblings() -> None:
    blocks = markdown_to_blocks("---\n    indented after a divider\n")
    assert [b["type"] for b in blocks] == ["divider", "paragraph"]
