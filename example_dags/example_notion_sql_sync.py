"""Sync a SQL table into a Notion database, and run another DAG after each sync that says what changed.

example_notion_sql_sync: ``SqlToNotionOperator`` reads the inventory rows updated in the last 30 days from the
connection ``inventory_db`` (any ``common.sql`` connection: PostgreSQL, MySQL, SQLite...) and syncs them into a
Notion database by the key column "SKU", trashing the rows that left the table. It works for every kind of run:
scheduled, triggered from the UI or the REST API without a logical date, or by an asset (the 30 days count from
``dag_run.run_after``, which every run has, not from ``ds``, which only runs with a logical date have).

example_notion_sql_sync_consumer: scheduled on the database's asset, named ``notion_inventory`` on both sides; its
task reads each sync's asset event: the database's title, the counts and the ids of the rows written.

The Notion database is the environment variable ``NOTION_INVENTORY_DATABASE_ID`` (an id or link), read when the
DAG is parsed: the outlet is part of the DAG. It needs the properties "SKU" (title), "Stock" (number) and
"Active" (checkbox; the table's 0/1 integers map to it).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.transfers.sql_to_notion import SqlToNotionOperator

#: Parsed without configuration (the DAG must import anywhere); a run then fails naming the missing database.
INVENTORY_DB = (
    os.environ.get("NOTION_INVENTORY_DATABASE_ID", "").strip() or "00000000-0000-0000-0000-000000000000"
)

# [START howto_transfer_sql_to_notion]
with DAG(
    dag_id="example_notion_sql_sync",
    description="Sync the inventory table into a Notion database, writing only what changed",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per database at a time
    tags=["example", "notion"],
) as dag:
    inventory_to_notion = SqlToNotionOperator(
        task_id="inventory_to_notion",
        conn_id="inventory_db",
        # Parameters in the driver's style: :since for SQLite, %(since)s for PostgreSQL and MySQL.
        sql='SELECT sku AS "SKU", stock AS "Stock", active AS "Active" FROM inventory WHERE updated >= :since',
        # Every run has run_after (a REST- or asset-triggered run has no ds): 30 days before this run.
        parameters={"since": "{{ macros.ds_add(dag_run.run_after | ds, -30) }}"},
        database_id=INVENTORY_DB,
        key="SKU",
        delete_missing=True,
        asset_name="notion_inventory",  # the outlet's readable name; consumers use the same
    )
# [END howto_transfer_sql_to_notion]

# [START howto_asset_notion_sync_consumer]
with DAG(
    dag_id="example_notion_sql_sync_consumer",
    description="Runs after each sync of the inventory database and reports what it changed",
    schedule=[notion_asset("database", INVENTORY_DB, name="notion_inventory")],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["example", "notion"],
) as consumer_dag:

    @task
    def what_changed(triggering_asset_events: Any = None) -> dict[str, Any]:
        """Sum the syncs that started this run: each event carries the title, counts and ids (100 per kind)."""
        report: dict[str, Any] = {"titles": [], "created": 0, "updated": 0, "trashed": 0, "changed_ids": []}
        for events in (triggering_asset_events or {}).values():
            for event in events:
                extra = event.extra or {}
                report["titles"].append(extra.get("title"))
                for kind in ("created", "updated", "trashed"):
                    report[kind] += extra.get(kind, 0)
                    report["changed_ids"] += extra.get(f"{kind}_ids", [])
        print(f"{report['titles']}: {report['created']} created, {report['updated']} updated")
        return report

    what_changed()
# [END howto_asset_notion_sync_consumer]


if __name__ == "__main__":
    dag.test()
