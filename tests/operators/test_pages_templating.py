"""The issue-15 operators: every input templated, JSON inputs rendered as JSON, registered with the provider."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.get_provider_info import get_provider_info
from airflow_provider_notion.operators import blocks, comments, file_uploads, pages
from airflow_provider_notion.operators.notion import NotionListDatabasesOperator, NotionListPagesOperator
from tests.operators.helpers import API

NEW_OPERATORS = [
    pages.NotionUpdatePageOperator,
    pages.NotionTrashPageOperator,
    pages.NotionGetPageContentOperator,
    pages.NotionReplacePageContentOperator,
    blocks.NotionAppendBlocksOperator,
    comments.NotionCreateCommentOperator,
    comments.NotionListCommentsOperator,
    file_uploads.NotionUploadFileOperator,
]
PAGE = "393abc1e-edcd-818a-81e9-e14c2f78901e"


@pytest.mark.parametrize("operator", [*NEW_OPERATORS, NotionListPagesOperator, NotionListDatabasesOperator])
def test_every_input_is_templated(operator: type) -> None:
    params = {
        name
        for cls in operator.__mro__
        if "__init__" in vars(cls) and cls.__module__.startswith("airflow_provider_notion")
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if p.kind == p.KEYWORD_ONLY
    }
    # asset_name names the outlet, which Airflow reads when the DAG is parsed, before templates are rendered.
    not_templated = {"notion_conn_id", "max_xcom_results", "asset_name"}
    assert params - not_templated <= set(operator.template_fields)
    for json_like in ("properties", "children", "icon", "cover", "rich_text"):
        if json_like in operator.template_fields:
            assert operator.template_fields_renderers[json_like] == "json"


def test_new_operator_modules_are_registered() -> None:
    modules = get_provider_info()["operators"][0]["python-modules"]
    for operator in NEW_OPERATORS:
        assert operator.__module__ in modules


def test_rendered_inputs_reach_the_request(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.patch(f"{API}/pages/{PAGE}", json={"object": "page", "id": PAGE})
    operator = pages.NotionUpdatePageOperator(
        task_id="u",
        page_id="{{ params.page }}",
        properties='{"Done": {"checkbox": {{ params.done | lower }}}}',
        in_trash="{{ params.trash }}",
    )
    operator.render_template_fields({"params": {"page": PAGE, "done": True, "trash": False}})
    operator.execute(context)
    assert requests_mock.last_request.json() == {
        "properties": {"Done": {"checkbox": True}},
        "in_trash": False,
    }
