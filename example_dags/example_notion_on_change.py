"""Run a DAG when rows of a Notion database change, with no schedule and no polling task.

The asset ``notion://data_source/<id>`` has an ``AssetWatcher`` whose ``NotionChangeTrigger`` polls Notion from
the triggerer; each batch of created or edited rows becomes an asset event, which starts this DAG.
changed_rows (TaskFlow: the row ids of the triggering events, then the rows themselves) -> summary (TaskFlow)
-> write_summary (NotionCreateDatabaseItemOperator: one row in a change-log database).

Set in the environment of the DAG processor and the triggerer (read at parse time: the watcher is part of the
DAG): ``NOTION_WATCHED_DATA_SOURCE_ID``, the data source (or its database's single data source) to watch. Set as
an Airflow Variable or environment variable (read at run time): ``notion_changelog_database_id`` /
``NOTION_CHANGELOG_DATABASE_ID``, a database with a title "Name" and a number "Changed". Never write the summary
into the watched database: the write would be a change, and the DAG would start itself again.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task
from airflow.sdk import AssetWatcher

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.operators.notion import NotionCreateDatabaseItemOperator
from airflow_provider_notion.rules.titles import object_title
from airflow_provider_notion.rules.values.from_notion import plain_value
from airflow_provider_notion.triggers.change import NotionChangeTrigger

#: Parsed without configuration (the DAG must import anywhere); the watcher then reports a missing data source.
WATCHED = (
    os.environ.get("NOTION_WATCHED_DATA_SOURCE_ID", "").strip() or "00000000-0000-0000-0000-000000000000"
)
#: Seconds between polls (the trigger's default is 60). Edit -> DAG run took 21 s and 68 s with 10 s polls, and
#: takes up to about two minutes with 60 s polls: Notion keeps edit times to the minute (docs/events.md).
POLL_SECONDS = float(os.environ.get("NOTION_WATCH_POLL_SECONDS", "10"))


def setting(name: str) -> str:
    """An environment variable, else a clear error (the template tries the Airflow Variable first)."""
    value = os.environ.get(name.upper(), "").strip()
    if not value:
        raise ValueError(f"Set the Airflow Variable {name} or the environment variable {name.upper()}.")
    return value


CHANGELOG_DB = (
    "{{ var.value.get('notion_changelog_database_id', '') or setting('notion_changelog_database_id') }}"
)

# [START howto_asset_watcher_notion_change]
tickets = notion_asset(
    "data_source",
    WATCHED,
    name="notion_tickets",
    watchers=[
        AssetWatcher(
            name="notion_tickets_changes",
            trigger=NotionChangeTrigger(data_source_id=WATCHED, poll_interval=POLL_SECONDS),
        )
    ],
)

with DAG(
    dag_id="example_notion_on_change",
    description="Summarise the rows of a Notion database that were just created or edited",
    schedule=[tickets],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    user_defined_macros={"setting": setting},
    tags=["example", "notion"],
) as dag:

    @task
    def changed_rows(triggering_asset_events: Any = None) -> list[dict[str, Any]]:
        """The rows named by the events that started this run (each event: a batch of at most 100 ids)."""
        ids: list[str] = []
        for events in (triggering_asset_events or {}).values():
            for event in events:
                payload = (event.extra or {}).get("payload") or {}
                ids.extend(payload.get("row_ids", []))
        hook = NotionHook()
        rows = []
        for page_id in dict.fromkeys(ids):
            page = hook.get_page(page_id)
            values = {name: plain_value(value) for name, value in page["properties"].items()}
            # The title is the property of type title, whatever the database calls it ("Name", "Ticket"...).
            rows.append({"title": object_title(page), "values": values})
        return rows

    @task
    def summary(rows: list[dict[str, Any]], run_id: str) -> dict[str, Any]:
        """One change-log row: how many rows changed, and their titles."""
        titles = sorted(row["title"] or "(untitled)" for row in rows)
        shown = ", ".join(titles[:10]) + (f" and {len(titles) - 10} more" if len(titles) > 10 else "")
        return {"Name": {"title": f"{len(rows)} changed: {shown}"[:200]}, "Changed": {"number": len(rows)}}

    write_summary = NotionCreateDatabaseItemOperator(
        task_id="write_summary",
        database_id=CHANGELOG_DB,
        properties=summary(changed_rows(), run_id="{{ run_id }}"),
    )
# [END howto_asset_watcher_notion_change]
