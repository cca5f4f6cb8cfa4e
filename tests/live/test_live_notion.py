"""Optional checks against the real Notion API.

Skipped unless ``NOTION_TOKEN`` is set (an Internal Integration Secret). With ``NOTION_PARENT_PAGE_ID`` too (a
page shared with the integration) they also create a database and a row under it, query it back, and move both
to the trash afterwards. Run: ``NOTION_TOKEN=ntn_... .venv/bin/python -m pytest -m live tests/live``.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.rules.versions import SUPPORTED_NOTION_VERSIONS

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not os.environ.get("NOTION_TOKEN"), reason="NOTION_TOKEN is not set"),
]


@pytest.fixture
def live_conn(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = {"conn_type": "notion", "password": os.environ.get("NOTION_TOKEN", "")}
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_LIVE", json.dumps(conn))


@pytest.mark.parametrize("version", SUPPORTED_NOTION_VERSIONS)
def test_connection_and_search(live_conn: None, version: str) -> None:
    hook = NotionHook("notion_live", notion_version=version)
    ok, message = hook.test_connection()
    assert ok, message
    found = hook.search(page_size=5)
    assert found["object"] == "list"


@pytest.mark.skipif(not os.environ.get("NOTION_PARENT_PAGE_ID"), reason="NOTION_PARENT_PAGE_ID is not set")
@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_create_database_item_and_query_back(live_conn: None, version: str) -> None:
    hook = NotionHook("notion_live", notion_version=version)
    marker = f"airflow-notion-provider live test {uuid.uuid4()}"
    database = hook.create_database(
        os.environ["NOTION_PARENT_PAGE_ID"], marker, {"Name": {"title": {}}, "Count": {"number": {}}}
    )
    try:
        parent = (
            {"data_source_id": database["data_sources"][0]["id"]}
            if "data_sources" in database
            else {"database_id": database["id"]}
        )
        hook.create_page(parent, {"Name": {"title": [{"text": {"content": marker}}]}, "Count": {"number": 7}})
        rows = hook.query_database(
            database["id"], filter={"property": "Count", "number": {"equals": 7}}, fetch_all=True
        )
        assert [row["properties"]["Count"]["number"] for row in rows["results"]] == [7]
    finally:
        hook.request("PATCH", f"/databases/{database['id']}", json=hook.version.trash_body(True))
