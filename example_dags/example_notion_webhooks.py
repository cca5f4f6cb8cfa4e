"""Run a DAG seconds after a row of a Notion data source changes: Notion webhooks, polling only as a backstop.

Notion POSTs a signed event to the API server's ``/notion/webhooks/notion_default`` (docs/webhooks.md); the
receiver records it as an asset event on ``notion://data_source/<id>``, which starts this DAG. The asset also
has a backstop watcher: ``NotionChangeTrigger(backstop=True)`` polls once every 15 minutes, shares that poll with
every other backstop of the connection, and reports only the rows no webhook reported (a delivery Notion lost
after its retries), so each change starts one run.
changed_pages (TaskFlow: the pages named by the triggering events) -> report (TaskFlow: their titles).

Set in the environment of the DAG processor and the triggerer: ``NOTION_WEBHOOK_DATA_SOURCE_ID``, the data source
to follow.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task
from airflow.sdk import AssetWatcher

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.rules.values.conditions import plain_value
from airflow_provider_notion.triggers.change import NotionChangeTrigger

#: Parsed without configuration (the DAG must import anywhere); the watcher then reports a missing data source.
FOLLOWED = (
    os.environ.get("NOTION_WEBHOOK_DATA_SOURCE_ID", "").strip() or "00000000-0000-0000-0000-000000000000"
)

# [START howto_notion_webhooks_asset]
orders = notion_asset(
    "data_source",
    FOLLOWED,
    name="notion_orders",
    watchers=[
        AssetWatcher(
            name="notion_orders_backstop",
            # Webhooks report changes within seconds; this poll only catches a delivery Notion lost.
            trigger=NotionChangeTrigger(data_source_id=FOLLOWED, backstop=True, poll_interval=900),
        )
    ],
)

with DAG(
    dag_id="example_notion_webhooks",
    description="React within seconds to rows of a Notion data source being created or edited",
    schedule=[orders],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["example", "notion"],
) as dag:

    @task
    def changed_pages(triggering_asset_events: Any = None) -> list[str]:
        """Page ids: a webhook's event names one page (``extra.entity``); a backstop event lists ``row_ids``."""
        ids: list[str] = []
        for events in (triggering_asset_events or {}).values():
            for event in events:
                extra = event.extra or {}
                if extra.get("source") == "notion_webhook" and extra["entity"]["type"] == "page":
                    ids.append(extra["entity"]["id"])
                ids.extend((extra.get("payload") or {}).get("row_ids", []))
        return list(dict.fromkeys(ids))

    @task
    def report(page_ids: list[str]) -> list[str]:
        """Events carry no content: read each page now (it may have changed again since)."""
        hook = NotionHook()
        titles = []
        for page_id in page_ids:
            properties = hook.get_page(page_id)["properties"]
            titles.extend(str(plain_value(v)) for v in properties.values() if v.get("type") == "title")
        return titles

    report(changed_pages())
# [END howto_notion_webhooks_asset]
