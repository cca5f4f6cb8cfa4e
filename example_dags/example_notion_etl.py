"""Scheduled, idempotent ETL into Notion: find or create a database once, sync rows into it, read them back.

extract (TaskFlow) -> sync_rows (NotionSyncRowsOperator: only rows that changed are written) -> wait_for_items
(NotionQuerySensor) -> query_items (NotionQueryDatabaseOperator, fetch_all) -> report (TaskFlow); the database
comes from create_database (NotionCreateDatabaseOperator with if_exists="reuse": created by the first run,
found by title under the parent page by every later one).

Run it twice: the second run creates no second database and no duplicate row, and writes nothing when the data
did not change (the sync's XCom says ``unchanged: 5``).

The database is created under the page named by the Variable ``notion_parent_page_id`` or the environment
variable ``NOTION_PARENT_PAGE_ID``, read at run time. Works with every supported Notion-Version: under
2025-09-03 and later the schema goes into the database's first data source and queries go to it.
"""

from __future__ import annotations

# [START howto_dag_notion_etl]
import os
from datetime import datetime, timedelta
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseOperator,
    NotionQueryDatabaseOperator,
)
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator
from airflow_provider_notion.sensors.notion import NotionQuerySensor

# The parent page is read when a task runs, never at parse time: the Airflow Variable notion_parent_page_id,
# else the environment variable NOTION_PARENT_PAGE_ID. Share that page with the integration in Notion first.
PARENT_PAGE_ID = "{{ var.value.get('notion_parent_page_id', '') or notion_parent_page_id_from_env() }}"


def notion_parent_page_id_from_env() -> str:
    """``NOTION_PARENT_PAGE_ID``, or a clear error saying what to set."""
    value = os.environ.get("NOTION_PARENT_PAGE_ID", "").strip()
    if not value:
        raise ValueError(
            "Set the Airflow Variable notion_parent_page_id or the environment variable NOTION_PARENT_PAGE_ID "
            "to the id or URL of a Notion page shared with the integration."
        )
    return value


SCHEMA = {
    "Name": {"title": {}},
    "Reading": {"number": {"format": "number"}},
    "Healthy": {"checkbox": {}},
    "Site": {"select": {"options": [{"name": "north"}, {"name": "south"}]}},
    "Day": {"date": {}},
}

with DAG(
    dag_id="example_notion_etl",
    description="Find or create a Notion database, sync rows from an upstream task, query them back",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per database at a time keeps the sync race-free
    default_args={"retries": 1, "retry_delay": timedelta(seconds=30)},
    user_defined_macros={"notion_parent_page_id_from_env": notion_parent_page_id_from_env},
    tags=["example", "notion"],
) as dag:

    @task
    def extract() -> list[dict[str, Any]]:
        """Stand-in for a real source: the current state of five sensors, as plain Python values."""
        return [
            {
                "Name": f"sensor-{i}",
                "Reading": round(10.5 * i, 1),
                "Healthy": i % 4 != 0,
                "Site": "north" if i % 2 else "south",
                "Day": f"2026-01-{i:02d}",
            }
            for i in range(1, 6)
        ]

    # [START howto_operator_notion_create_database_reuse]
    create_database = NotionCreateDatabaseOperator(
        task_id="create_database",
        parent=PARENT_PAGE_ID,
        title="Sensor readings",
        description="Loaded by Airflow DAG {{ dag.dag_id }}",
        properties=SCHEMA,
        icon={"type": "emoji", "emoji": "📈"},
        if_exists="reuse",  # the first run creates it; later runs find it by title under the parent
    )
    # [END howto_operator_notion_create_database_reuse]

    # [START howto_operator_notion_sync_rows]
    records = extract()
    sync_rows = NotionSyncRowsOperator(
        task_id="sync_rows",
        database_id=create_database.output["id"],
        rows=records,  # plain values, mapped by the database's schema
        key="Name",  # the column that identifies a row
        delete_missing=True,  # rows that left the source go to the trash
    )
    # [END howto_operator_notion_sync_rows]

    # Notion's query index can lag a write by a moment; wait until every row is visible.
    wait_for_items = NotionQuerySensor(
        task_id="wait_for_items",
        database_id=create_database.output["id"],
        min_results="{{ ti.xcom_pull(task_ids='extract') | length }}",
        fetch_all=True,
        poke_interval=5,
        timeout=300,
        mode="poke",
    )

    query_items = NotionQueryDatabaseOperator(
        task_id="query_items",
        database_id=create_database.output["id"],
        filter={"property": "Healthy", "checkbox": {"equals": True}},
        sorts=[{"property": "Reading", "direction": "descending"}],
        fetch_all=True,
    )

    @task
    def report(result: dict[str, Any]) -> dict[str, Any]:
        """Downstream consumer: reads the list object's ``results`` like any later task would."""
        rows = result["results"]
        names = [
            "".join(part.get("plain_text", "") for part in row["properties"]["Name"]["title"]) for row in rows
        ]
        total = sum(row["properties"]["Reading"]["number"] or 0 for row in rows)
        print(f"{len(rows)} healthy sensors, total reading {total}: {', '.join(names)}")
        return {"healthy": len(rows), "total_reading": total, "names": names}

    sync_rows >> wait_for_items >> query_items
    report(query_items.output)
# [END howto_dag_notion_etl]


if __name__ == "__main__":
    dag.test()
