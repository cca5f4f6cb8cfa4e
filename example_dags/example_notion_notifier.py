"""An incident log in Notion: every failed, retried and recovered task instance is one row of a database.

``example_notion_notifier_setup`` creates the "Airflow incidents" database once (NotionCreateDatabaseOperator
with ``if_exists="reuse"``: later runs find it by title under the parent page). Put its id into the Airflow
Variable ``notion_incidents_database_id`` (or give it literally as ``database_id``).

``example_notion_notifier`` has a task that fails on its first two tries and succeeds on the third, and a mapped
task: NotionNotifier callbacks keep ONE row per task instance (the key is the title, ``<dag>.<task>[<map
index>] <run id>``) whose Status and Try follow the latest callback and whose body lists every one of them.
"""

from __future__ import annotations

# [START howto_notifier_notion_setup]
from datetime import datetime, timedelta

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.notifications.notion import NotionNotifier
from airflow_provider_notion.operators.databases import NotionCreateDatabaseOperator

INCIDENTS_SCHEMA = {
    "Name": {"title": {}},
    "Status": {"select": {"options": [{"name": "failed"}, {"name": "up for retry"}, {"name": "succeeded"}]}},
    "Try": {"number": {}},
    "When": {"date": {}},
    "DAG": {"rich_text": {}},
}

with DAG(
    dag_id="example_notion_notifier_setup",
    description="Create the incident log database once (reused by every later run)",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["example", "notion"],
):
    NotionCreateDatabaseOperator(
        task_id="create_incident_log",
        parent="{{ var.value.notion_parent_page_id }}",
        title="Airflow incidents",
        properties=INCIDENTS_SCHEMA,
        if_exists="reuse",
    )
# [END howto_notifier_notion_setup]

# [START howto_notifier_notion]
INCIDENTS = "{{ var.value.notion_incidents_database_id }}"
# One row per task instance: the key (the title, Name) names the DAG, task, map index and run.
ROW = {
    "Name": "{{ ti.dag_id }}.{{ ti.task_id }}[{{ ti.map_index }}] {{ run_id }}",
    "Try": "{{ ti.try_number }}",
    "When": "{{ ts }}",
    "DAG": "{{ ti.dag_id }}",
}

with DAG(
    dag_id="example_notion_notifier",
    description="Failed, retried and recovered tasks become rows of a Notion incident log",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["example", "notion"],
    default_args={
        "retries": 2,
        "retry_delay": timedelta(seconds=1),
        "on_failure_callback": NotionNotifier(database_id=INCIDENTS, properties={**ROW, "Status": "failed"}),
        "on_retry_callback": NotionNotifier(
            database_id=INCIDENTS, properties={**ROW, "Status": "up for retry"}
        ),
        # Success sets the Status of the row a retry or failure created (a task that never failed gets a row too).
        "on_success_callback": NotionNotifier(
            database_id=INCIDENTS, properties={**ROW, "Status": "succeeded"}
        ),
    },
) as dag:

    @task
    def flaky(ti=None) -> str:  # type: ignore[no-untyped-def]
        if ti.try_number < 3:
            raise RuntimeError(f"upstream not ready on try {ti.try_number}")
        return "ok"

    @task
    def per_site(site: str) -> str:
        return site

    flaky()
    per_site.expand(site=["north", "south"])
# [END howto_notifier_notion]
