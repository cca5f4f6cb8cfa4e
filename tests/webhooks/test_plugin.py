"""The plugin is found through the ``airflow.plugins`` entry point and mounts the receiver under ``/notion``."""

from __future__ import annotations

import importlib.metadata

from fastapi.testclient import TestClient

from airflow_provider_notion.plugins.notion import NotionWebhooksPlugin
from airflow_provider_notion.rules.webhooks import DEFAULT_MAX_BODY_BYTES


def test_the_entry_point_names_the_plugin() -> None:
    [entry] = [
        e for e in importlib.metadata.entry_points(group="airflow.plugins") if e.name == "notion_webhooks"
    ]
    assert entry.load() is NotionWebhooksPlugin


def test_the_app_is_mounted_under_notion_with_no_public_docs() -> None:
    [spec] = NotionWebhooksPlugin.fastapi_apps
    assert spec["url_prefix"] == "/notion"
    paths = {route.path for route in spec["app"].routes}
    assert {"/webhooks/{conn_id}", "/deliveries", "/deliveries.json"} <= paths
    assert not paths & {"/docs", "/redoc", "/openapi.json"}
    [view] = NotionWebhooksPlugin.external_views
    assert view["href"] == "/notion/deliveries"


def test_an_oversized_body_is_refused_before_anything_else() -> None:
    [spec] = NotionWebhooksPlugin.fastapi_apps
    client = TestClient(spec["app"])
    answer = client.post("/webhooks/notion_default", content=b"x" * (DEFAULT_MAX_BODY_BYTES + 1))
    assert answer.status_code == 413
