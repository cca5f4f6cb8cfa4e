"""Notion IDs and links become canonical dashed UUIDs; anything else is a clear error."""

from __future__ import annotations

import pytest

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id

CANONICAL = "1429989f-e8ac-4eff-bc8f-57f56486db54"


@pytest.mark.parametrize(
    "value",
    [
        CANONICAL,
        CANONICAL.upper(),
        "1429989fe8ac4effbc8f57f56486db54",
        f"  {CANONICAL}  ",
        "https://www.notion.so/1429989fe8ac4effbc8f57f56486db54",
        "https://www.notion.so/myworkspace/Roadmap-1429989fe8ac4effbc8f57f56486db54",
        "https://www.notion.so/myworkspace/1429989fe8ac4effbc8f57f56486db54?v=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "https://notion.so/Page-1429989fe8ac4effbc8f57f56486db54#bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "https://team.notion.site/Public-Page-1429989fe8ac4effbc8f57f56486db54",
        f"https://app.notion.com/p/Title-{CANONICAL}",
        "https://www.notion.so/Caf%C3%A9-1429989fe8ac4effbc8f57f56486db54/",
    ],
)
def test_accepted_forms(value: str) -> None:
    assert normalize_notion_id(value, "page_id") == CANONICAL


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("not-an-id", "neither"),
        ("1429989fe8ac4effbc8f57f56486db5", "neither"),
        ("1429989fe8ac4effbc8f57f56486db54z", "neither"),
        ("https://evil.example/1429989fe8ac4effbc8f57f56486db54", "not a Notion link"),
        ("https://www.notion.so/workspace/Just-A-Title", "no Notion ID"),
        (12345, "got int"),
        (None, "got NoneType"),
        (["1429989fe8ac4effbc8f57f56486db54"], "got list"),
    ],
)
def test_rejected_forms_name_the_field(value: object, problem: str) -> None:
    with pytest.raises(NotionInputError, match=f"Invalid database_id: .*{problem}"):
        normalize_notion_id(value, "database_id")
