"""Scheduled ETL into Notion: create a database, load rows from an upstream task, read them back.

extract (TaskFlow) -> build_rows (TaskFlow) -> load_items (one mapped NotionCreateDatabaseItemOperator per row,
an upsert on "Name" so a retried or re-run task updates instead of duplicating) -> wait_for_items
(NotionQuerySensor) -> query_items (NotionQueryDatabaseOperator, fetch_all) -> report (TaskFlow).

The database is created under the page named by the Variable ``notion_parent_page_id`` or the environment
variable ``NOTION_PARENT_PAGE_ID``, read at run time. Works with every supported Notion-Version: under
2025-09-03 and later the schema goes into the database's first data source and queries go to it.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionGetDatabaseOperator,
    NotionQueryDatabaseOperator,
)
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
    description="Create a Notion database, load rows from an upstream task, query them back",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per database at a time keeps the upsert race-free
    default_args={"retries": 1, "retry_delay": timedelta(seconds=30)},
    user_defined_macros={"notion_parent_page_id_from_env": notion_parent_page_id_from_env},
    tags=["example", "notion"],
) as dag:

    @task
    def extract(ds: str | None = None) -> list[dict[str, Any]]:
        """Stand-in for a real source: five sensor readings for the run's day."""
        return [
            {
                "name": f"sensor-{i}",
                "reading": round(10.5 * i, 1),
                "healthy": i % 4 != 0,
                "site": "north" if i % 2 else "south",
                "day": ds,
            }
            for i in range(1, 6)
        ]

    @task
    def build_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Notion property values, one dict per row (plain strings are fine for title and rich text)."""
        return [
            {
                "Name": {"title": record["name"]},
                "Reading": {"number": record["reading"]},
                "Healthy": {"checkbox": record["healthy"]},
                "Site": {"select": {"name": record["site"]}},
                "Day": {"date": {"start": record["day"]}},
            }
            for record in records
        ]

    create_database = NotionCreateDatabaseOperator(
        task_id="create_database",
        parent=PARENT_PAGE_ID,
        title="Sensor readings {{ ds }}",
        description="Loaded by Airflow DAG {{ dag.dag_id }}, run {{ run_id }}",
        properties=SCHEMA,
        icon={"type": "emoji", "emoji": "📈"},
    )

    # The schema as Notion stored it (with each data source's schema under 2025-09-03 and later).
    describe_database = NotionGetDatabaseOperator(
        task_id="describe_database",
        database_id=create_database.output["id"],
        include_data_sources=True,
    )

    records = extract()
    load_items = NotionCreateDatabaseItemOperator.partial(
        task_id="load_items",
        database_id=create_database.output["id"],
        unique_property="Name",
    ).expand(properties=build_rows(records))

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

    create_database >> describe_database
    load_items >> wait_for_items >> query_items
    report(query_items.output)


if __name__ == "__main__":
    dag.test()
