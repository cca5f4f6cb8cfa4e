"""Update/trash pages, read and replace content, append blocks: requests per Notion-Version (requests-mock)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm
from airflow.providers.common.compat.sdk import AirflowSkipException

from airflow_provider_notion.exceptions import (
    NotionError,
    NotionInputError,
    NotionPartialWriteError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.operators.blocks import NotionAppendBlocksOperator
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreatePageOperator,
    NotionListDatabasesOperator,
    NotionListPagesOperator,
)
from airflow_provider_notion.operators.pages import (
    NotionGetPageContentOperator,
    NotionReplacePageContentOperator,
    NotionTrashPageOperator,
    NotionUpdatePageOperator,
)
from tests.operators.helpers import API, VERSIONS, assert_request, list_pages, pushed, recorded

PAGE = "393abc1e-edcd-818a-81e9-e14c2f78901e"
BLOCK = "393abc1e-edcd-8170-aebf-cf1d14057b30"


def _page(version: str) -> dict[str, Any]:
    return dict(recorded(version, "test_pages_update", "PATCH", "/pages/"))


def _para(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "object": "block",
        "type": "paragraph",
        "paragraph": {"rich_text": [{"type": "text", "text": {"content": text}}], **extra},
    }


def _made(n: int, **extra: Any) -> dict[str, Any]:
    """A block as Notion returns it."""
    return {"object": "block", "id": f"{n:08x}-0000-4000-8000-000000000000", "type": "paragraph", **extra}


def _append_answer(request: Any, context: Any) -> dict[str, Any]:
    """Notion's append answer: the created top-level blocks, with fresh ids."""
    sent = request.json()["children"]
    _append_answer.count = getattr(_append_answer, "count", 0) + 1  # type: ignore[attr-defined]
    base = _append_answer.count * 1000  # type: ignore[attr-defined]
    return {
        "object": "list",
        "results": [_made(base + i) for i in range(len(sent))],
        "has_more": False,
        "next_cursor": None,
    }


# ---------------------------------------------------------------------------------------------- update / trash


@pytest.mark.parametrize("version", VERSIONS)
def test_update_sends_properties_icon_and_trash_field_per_version(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    answer = _page(version)
    requests_mock.patch(f"{API}/pages/{PAGE}", json=answer)
    result = NotionUpdatePageOperator(
        task_id="u",
        page_id=f"https://www.notion.so/Report-{PAGE.replace('-', '')}",
        properties='{"Status": {"status": {"name": "Done"}}, "Notes": {"rich_text": "ok"}}',
        icon={"type": "emoji", "emoji": "✅"},
        in_trash="false",
    ).execute(context)
    assert result == answer
    trash_key = "in_trash" if version == "2026-03-11" else "archived"
    assert_request(
        requests_mock.last_request,
        "PATCH",
        f"/v1/pages/{PAGE}",
        version,
        {
            "properties": {
                "Status": {"status": {"name": "Done"}},
                "Notes": {"rich_text": [{"type": "text", "text": {"content": "ok"}}]},
            },
            "icon": {"type": "emoji", "emoji": "✅"},
            trash_key: False,
        },
    )
    assert pushed(context)["id"] == answer["id"]


def test_update_with_nothing_to_change_fails_before_any_request(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    with pytest.raises(NotionInputError, match="properties"):
        NotionUpdatePageOperator(task_id="u", page_id=PAGE).execute(context)
    assert requests_mock.call_count == 0


def _status_page(status: str) -> dict[str, Any]:
    return {
        "object": "page",
        "id": PAGE,
        "properties": {"Status": {"id": "s", "type": "status", "status": {"name": status}}},
    }


def test_update_only_when_the_property_has_the_expected_value(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.get(f"{API}/pages/{PAGE}", json=_status_page("Ready"))
    requests_mock.patch(f"{API}/pages/{PAGE}", json=_status_page("Done"))
    NotionUpdatePageOperator(
        task_id="u",
        page_id=PAGE,
        properties={"Status": {"status": {"name": "Done"}}},
        only_if_property="Status",
        only_if_equals="Ready",
    ).execute(context)
    assert [r.method for r in requests_mock.request_history] == ["GET", "PATCH"]


@pytest.mark.parametrize(
    ("on_mismatch", "outcome"), [("skip", AirflowSkipException), ("fail", NotionError), ("ignore", None)]
)
def test_update_does_not_write_when_the_property_differs(
    on_mismatch: str, outcome: Any, default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.get(f"{API}/pages/{PAGE}", json=_status_page("Done"))
    patch = requests_mock.patch(f"{API}/pages/{PAGE}", json={})
    operator = NotionUpdatePageOperator(
        task_id="u",
        page_id=PAGE,
        properties={"Status": {"status": {"name": "Done"}}},
        only_if_property="Status",
        only_if_equals={"status": {"name": "Ready"}},  # a Notion value works too
        on_mismatch=on_mismatch,
    )
    if outcome is None:
        assert operator.execute(context) == _status_page("Done")
    else:
        with pytest.raises(outcome, match="Status is 'Done'"):
            operator.execute(context)
    assert not patch.called


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("restore", [False, True])
def test_trash_and_restore_use_the_version_field(
    version: str,
    restore: bool,
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version(version)
    requests_mock.patch(f"{API}/pages/{PAGE}", json=_page(version))
    NotionTrashPageOperator(task_id="t", page_id=PAGE, restore=str(restore)).execute(context)
    key = "in_trash" if version == "2026-03-11" else "archived"
    assert requests_mock.last_request.json() == {key: not restore}


# ---------------------------------------------------------------------------------------------- get content


def test_content_as_markdown_uses_notions_endpoint_under_2026(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2026-03-11")
    requests_mock.get(
        f"{API}/pages/{PAGE}/markdown",
        json={
            "object": "page_markdown",
            "id": PAGE,
            "markdown": "# Hi\n",
            "truncated": False,
            "unknown_block_ids": [],
        },
    )
    result = NotionGetPageContentOperator(task_id="g", page_id=PAGE).execute(context)
    assert result == {
        "id": PAGE,
        "markdown": "# Hi\n",
        "truncated": False,
        "unknown_block_ids": [],
        "source": "notion",
    }
    assert requests_mock.call_count == 1


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03"])
def test_content_as_markdown_converts_the_block_tree_before_2026(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    toggle = {
        "object": "block",
        "id": BLOCK,
        "type": "toggle",
        "has_children": True,
        "toggle": {"rich_text": [{"type": "text", "plain_text": "More", "text": {"content": "More"}}]},
    }
    top = [_para("Intro") | {"id": "a" * 32, "has_children": False}, toggle]
    pages = list_pages(top, 1, "block")
    requests_mock.get(
        f"{API}/blocks/{PAGE}/children",
        [{"json": pages[0]}, {"json": pages[1]}],
    )
    requests_mock.get(
        f"{API}/blocks/{BLOCK}/children",
        json=list_pages([_para("inside") | {"has_children": False}], 10, "block")[0],
    )
    result = NotionGetPageContentOperator(task_id="g", page_id=PAGE).execute(context)
    assert result["source"] == "converter"
    assert result["markdown"] == "Intro\n\n<details><summary>More</summary>\n    inside\n</details>\n"
    assert not any("/markdown" in r.path for r in requests_mock.request_history)


def test_max_depth_stops_the_recursion(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    nested = {
        "object": "block",
        "id": BLOCK,
        "type": "toggle",
        "has_children": True,
        "toggle": {"rich_text": []},
    }
    requests_mock.get(f"{API}/blocks/{PAGE}/children", json=list_pages([nested], 10, "block")[0])
    children = requests_mock.get(f"{API}/blocks/{BLOCK}/children", json=list_pages([], 10, "block")[0])
    result = NotionGetPageContentOperator(task_id="g", page_id=PAGE, format="blocks", max_depth="1").execute(
        context
    )
    assert not children.called
    assert result == {"id": PAGE, "results": [nested]}


def test_content_goes_to_output_path(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any], tmp_path: Path
) -> None:
    use_version("2026-03-11")
    requests_mock.get(f"{API}/pages/{PAGE}/markdown", json={"id": PAGE, "markdown": "é" * 10})
    target = tmp_path / "out" / "page.md"
    result = NotionGetPageContentOperator(task_id="g", page_id=PAGE, output_path=str(target)).execute(context)
    assert result == {"path": str(target), "bytes": 20}
    assert target.read_text(encoding="utf-8") == "é" * 10


def test_bad_format_fails_before_any_request(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    with pytest.raises(NotionInputError, match="format"):
        NotionGetPageContentOperator(task_id="g", page_id=PAGE, format="html").execute(context)
    assert requests_mock.call_count == 0


# ---------------------------------------------------------------------------------------------- append


@pytest.mark.parametrize("version", VERSIONS)
def test_append_sends_batches_of_100_in_order_after_a_block(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    requests_mock.patch(f"{API}/blocks/{PAGE}/children", json=_append_answer)
    children = [_para(f"line {n}") for n in range(250)]
    result = NotionAppendBlocksOperator(
        task_id="a", block_id=PAGE, children=json.dumps(children), after=BLOCK
    ).execute(context)
    sent = [r.json() for r in requests_mock.request_history]
    assert [len(body["children"]) for body in sent] == [100, 100, 50]
    texts = [c["paragraph"]["rich_text"][0]["text"]["content"] for body in sent for c in body["children"]]
    assert texts == [f"line {n}" for n in range(250)]
    # Each batch goes after the last block of the previous one, so the order holds.
    anchors = [result["results"][99]["id"], result["results"][199]["id"]]
    if version == "2026-03-11":
        assert [b["position"]["after_block"]["id"] for b in sent] == [BLOCK, *anchors]
    else:
        assert [b["after"] for b in sent] == [BLOCK, *anchors]
    assert len(result["results"]) == 250


def test_append_splits_trees_deeper_than_one_request_takes(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    markdown = "- a\n    - b\n        - c\n            - d\n"
    answers: dict[str, Any] = {}

    def append(request: Any, ctx: Any) -> dict[str, Any]:
        parent = request.path.split("/")[3]
        made = [_made(len(answers) * 10 + i) for i in range(len(request.json()["children"]))]
        answers[parent] = (request.json(), made)
        return {"object": "list", "results": made}

    def children(request: Any, ctx: Any) -> dict[str, Any]:
        # The children of a created block: what was appended under it, with ids.
        parent = request.path.split("/")[3]
        sent_under = next(body for body, made in answers.values() if any(m["id"] == parent for m in made))
        return list_pages(
            [_made(900 + i) for i in range(len(sent_under["children"][0]["bulleted_list_item"]["children"]))],
            100,
            "block",
        )[0]

    requests_mock.patch(rm.ANY, json=append)
    requests_mock.get(rm.ANY, json=children)
    NotionAppendBlocksOperator(task_id="a", block_id=PAGE, markdown=markdown).execute(context)
    patches = [r for r in requests_mock.request_history if r.method == "PATCH"]
    first = patches[0].json()["children"][0]["bulleted_list_item"]
    assert [c["bulleted_list_item"]["rich_text"][0]["text"]["content"] for c in first["children"]] == ["b"]
    assert "children" not in first["children"][0]["bulleted_list_item"]  # c and d come later
    later = patches[1].json()["children"][0]["bulleted_list_item"]
    assert later["rich_text"][0]["text"]["content"] == "c"
    assert later["children"][0]["bulleted_list_item"]["rich_text"][0]["text"]["content"] == "d"
    assert patches[1].path == f"/v1/blocks/{_made(900)['id']}/children"


def test_append_is_not_retried_and_reports_what_was_written(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.patch(
        f"{API}/blocks/{PAGE}/children",
        [
            {"json": {"object": "list", "results": [_made(i) for i in range(100)]}},
            {"status_code": 502, "json": {}},
        ],
    )
    with pytest.raises(NotionPartialWriteError, match="first 100 top-level blocks") as err:
        NotionAppendBlocksOperator(
            task_id="a", block_id=PAGE, children=[_para(str(n)) for n in range(150)]
        ).execute(context)
    assert isinstance(err.value.__cause__, NotionWriteOutcomeUnknownError)
    assert requests_mock.call_count == 2  # no retry of the ambiguous second append


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"children": [_para("x")], "markdown": "x"}, "markdown"),
        ({}, "children"),
        ({"children": "[1]"}, "children[0]"),
    ],
)
def test_append_input_errors_come_before_any_request(
    kwargs: dict[str, Any], field: str, default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    with pytest.raises(NotionInputError) as err:
        NotionAppendBlocksOperator(task_id="a", block_id=PAGE, **kwargs).execute(context)
    assert err.value.field == field
    assert requests_mock.call_count == 0


# ---------------------------------------------------------------------------------------------- replace


def test_replace_uses_the_markdown_endpoint_under_2026(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2026-03-11")
    requests_mock.patch(
        f"{API}/pages/{PAGE}/markdown", json={"object": "page_markdown", "id": PAGE, "markdown": "# New\n"}
    )
    result = NotionReplacePageContentOperator(task_id="r", page_id=PAGE, markdown="# New\n").execute(context)
    assert requests_mock.last_request.json() == {
        "type": "replace_content",
        "replace_content": {"new_str": "# New\n"},
    }
    assert result["method"] == "markdown"
    assert requests_mock.call_count == 1


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03"])
def test_replace_deletes_old_blocks_then_appends_before_2026(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    old = [
        _made(1),
        _made(2),
        {"object": "block", "id": _made(3)["id"], "type": "child_page", "child_page": {"title": "Keep"}},
    ]
    requests_mock.get(f"{API}/blocks/{PAGE}/children", json=list_pages(old, 10, "block")[0])
    deletes = requests_mock.delete(rm.ANY, json={})
    requests_mock.patch(f"{API}/blocks/{PAGE}/children", json=_append_answer)
    result = NotionReplacePageContentOperator(task_id="r", page_id=PAGE, markdown="# New\n\nText\n").execute(
        context
    )
    assert [r.path for r in deletes.request_history] == [
        f"/v1/blocks/{_made(1)['id']}",
        f"/v1/blocks/{_made(2)['id']}",
    ]
    assert [c["type"] for c in requests_mock.last_request.json()["children"]] == ["heading_1", "paragraph"]
    assert result == {"id": PAGE, "method": "delete_append", "deleted": 2, "appended": 2, "result": None}


def test_replace_failing_part_way_says_what_was_deleted(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.get(f"{API}/blocks/{PAGE}/children", json=list_pages([_made(1), _made(2)], 10, "block")[0])
    requests_mock.delete(f"{API}/blocks/{_made(1)['id']}", json={})
    requests_mock.delete(
        f"{API}/blocks/{_made(2)['id']}",
        status_code=404,
        json={"object": "error", "status": 404, "code": "object_not_found", "message": "gone"},
    )
    with pytest.raises(
        NotionPartialWriteError, match="1 of 2 old blocks were deleted, nothing new was appended"
    ):
        NotionReplacePageContentOperator(task_id="r", page_id=PAGE, children=[_para("x")]).execute(context)


# ---------------------------------------------------------------------------------------------- create with markdown


def test_create_page_with_markdown_sends_blocks_and_appends_deeper_levels(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    created = {"object": "page", "id": PAGE, "url": "https://notion.so/x"}
    requests_mock.post(f"{API}/pages", json=created)
    top = _made(5, has_children=True)
    requests_mock.get(f"{API}/blocks/{PAGE}/children", json=list_pages([top], 10, "block")[0])
    requests_mock.get(f"{API}/blocks/{top['id']}/children", json=list_pages([_made(6)], 10, "block")[0])
    requests_mock.patch(
        f"{API}/blocks/{_made(6)['id']}/children", json={"object": "list", "results": [_made(7)]}
    )
    NotionCreatePageOperator(
        task_id="c", parent=PAGE, properties={"title": "T"}, markdown="- a\n    - b\n        - c\n"
    ).execute(context)
    body = requests_mock.request_history[0].json()
    item = body["children"][0]["bulleted_list_item"]
    assert item["children"][0]["bulleted_list_item"]["rich_text"][0]["text"]["content"] == "b"
    assert "children" not in item["children"][0]["bulleted_list_item"]
    appended = requests_mock.last_request.json()["children"]
    assert appended[0]["bulleted_list_item"]["rich_text"][0]["text"]["content"] == "c"


def test_create_with_children_and_markdown_fails_before_any_request(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    for operator in (
        NotionCreatePageOperator(task_id="c", parent=PAGE, children=[_para("x")], markdown="x"),
        NotionCreateDatabaseItemOperator(
            task_id="d", database_id=PAGE, properties={}, children=[_para("x")], markdown="x"
        ),
    ):
        with pytest.raises(NotionInputError, match="markdown"):
            operator.execute(context)
    assert requests_mock.call_count == 0


def test_create_database_item_with_markdown(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.post(f"{API}/pages", json={"object": "page", "id": PAGE})
    NotionCreateDatabaseItemOperator(
        task_id="d",
        data_source_id=BLOCK,
        properties={"Name": {"title": "Row"}},
        markdown="## Notes\n\n- [ ] check\n",
    ).execute(context)
    body = requests_mock.last_request.json()
    assert [c["type"] for c in body["children"]] == ["heading_2", "to_do"]
    assert requests_mock.call_count == 1  # nothing held back, nothing appended


# ---------------------------------------------------------------------------------------------- search text


@pytest.mark.parametrize(
    ("operator", "kind"), [(NotionListPagesOperator, "page"), (NotionListDatabasesOperator, "data_source")]
)
def test_list_operators_search_by_title(
    operator: Any, kind: str, default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.post(f"{API}/search", json=list_pages([], 10, "page_or_data_source")[0])
    operator(task_id="l", query="Weekly report").execute(context)
    assert requests_mock.last_request.json() == {
        "query": "Weekly report",
        "filter": {"property": "object", "value": kind},
    }
