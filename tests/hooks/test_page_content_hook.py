"""The thin page-content hook methods and the helpers behind the page operators."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.page_content import split_levels
from airflow_provider_notion.rules.comments import plain_text_with_mentions
from airflow_provider_notion.rules.users import users_by_email
from airflow_provider_notion.rules.values.conditions import property_matches
from airflow_provider_notion.rules.values.from_notion import plain_value

API = "https://api.notion.com/v1"
PAGE = "393abc1e-edcd-818a-81e9-e14c2f78901e"


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03"])
def test_page_markdown_endpoints_are_refused_before_2026(
    version: str, default_conn: Any, requests_mock: rm.Mocker
) -> None:
    hook = NotionHook(notion_version=version, requests_per_second=None)
    with pytest.raises(NotionInputError, match="2026-03-11"):
        hook.get_page_markdown(PAGE)
    with pytest.raises(NotionInputError, match="2026-03-11"):
        hook.update_page_markdown(PAGE, {"type": "replace_content"})
    assert requests_mock.call_count == 0


def test_send_is_multipart_with_the_part_number(default_conn: Any, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/file_uploads/{PAGE}/send", json={"id": PAGE})
    NotionHook(requests_per_second=None).send_file_upload(PAGE, b"abc", filename="a.txt", part_number=2)
    request = requests_mock.last_request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="part_number"\r\n\r\n2' in request.body
    assert b'filename="a.txt"\r\n\r\nabc' in request.body.replace(b"Content-Type: text/plain\r\n", b"")


def test_plain_values_of_property_values() -> None:
    assert plain_value({"type": "title", "title": [{"plain_text": "a"}, {"text": {"content": "b"}}]}) == "ab"
    assert plain_value({"type": "select", "select": {"name": "Ready"}}) == "Ready"
    assert plain_value({"status": {"name": "Done"}}) == "Done"  # no "type": the one value key
    assert plain_value({"type": "multi_select", "multi_select": [{"name": "b"}, {"name": "a"}]}) == ["b", "a"]
    assert plain_value({"type": "date", "date": {"start": "2026-01-01"}}) == "2026-01-01"
    assert plain_value({"type": "number", "number": 3}) == 3
    assert plain_value({"type": "formula", "formula": {"type": "number", "number": 4}}) == 4
    assert plain_value("as is") == "as is"


def test_property_matches_reports_the_current_value() -> None:
    page = {"properties": {"Tags": {"type": "multi_select", "multi_select": [{"name": "x"}, {"name": "y"}]}}}
    assert property_matches(page, "Tags", ["y", "x"]) == (True, ["x", "y"])
    assert property_matches(page, "Tags", ["x"]) == (False, ["x", "y"])
    assert property_matches(page, "Missing", None) == (False, None)


def test_mentions_look_users_up_only_when_an_email_is_mentioned() -> None:
    calls: list[int] = []

    def lookup() -> dict[str, str]:
        calls.append(1)
        return {"ada@example.com": "a" * 32}

    assert plain_text_with_mentions("no mention", lookup) == [
        {"type": "text", "text": {"content": "no mention"}}
    ]
    assert calls == []
    items = plain_text_with_mentions("<@ADA@example.com> and <@ada@example.com>", lookup)
    assert [i["type"] for i in items] == ["mention", "text", "mention"]
    assert calls == [1]  # looked up once


def test_users_by_email_keeps_people_only() -> None:
    users = [
        {"id": "1", "type": "person", "person": {"email": "A@X.io"}},
        {"id": "2", "type": "bot", "bot": {}},
        {"id": "3", "type": "person", "person": {}},
    ]
    assert users_by_email(users) == {"a@x.io": "1"}


def test_split_levels_holds_back_grandchildren_and_children_past_100() -> None:
    def para(text: str, children: list[Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"rich_text": [{"type": "text", "text": {"content": text}}]}
        if children:
            body["children"] = children
        return {"type": "paragraph", "paragraph": body}

    block = para("top", [para("child", [para("grandchild")]), *[para(str(n)) for n in range(120)]])
    shallow, held = split_levels(block)
    assert len(shallow["paragraph"]["children"]) == 100
    assert "children" not in shallow["paragraph"]["children"][0]["paragraph"]
    assert held.grandchildren[0][0]["paragraph"]["rich_text"][0]["text"]["content"] == "grandchild"
    assert [c["paragraph"]["rich_text"][0]["text"]["content"] for c in held.extra_children] == [
        str(n) for n in range(99, 120)
    ]
    assert "children" in block["paragraph"]["children"][0]["paragraph"]  # the input is not modified


def test_split_levels_reads_blocks_without_a_type_key() -> None:
    deep = {
        "paragraph": {
            "rich_text": [],
            "children": [{"toggle": {"rich_text": [], "children": [{"divider": {}}]}}],
        }
    }
    shallow, held = split_levels(deep)
    assert shallow["paragraph"]["children"] == [{"toggle": {"rich_text": []}}]
    assert held.grandchildren == [[{"divider": {}}]]
