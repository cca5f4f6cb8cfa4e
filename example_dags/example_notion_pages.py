"""Pages and search: create a page with many blocks, read it back, list pages and databases.

create_page (150 blocks: Notion takes 100 per request, the rest is appended in order) -> get_page (id from the
``id`` XCom); list_pages (one page of results) -> list_more_pages (continues from ``next_cursor``);
list_databases (every database, written to a JSON Lines file instead of XCom) -> count_databases (TaskFlow).

Under 2025-09-03 and later, listing databases returns data sources.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.operators.notion import (
    NotionCreatePageOperator,
    NotionGetPageOperator,
    NotionListDatabasesOperator,
    NotionListPagesOperator,
)

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


BLOCKS = [
    {"type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": f"Line {n}"}}]}}
    for n in range(1, 151)
]
EXPORT_DIR = "{{ var.value.get('notion_export_dir', '') or '/tmp/notion-export' }}"

with DAG(
    dag_id="example_notion_pages",
    description="Notion pages: create, read, list, page through, export",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    user_defined_macros={"notion_parent_page_id_from_env": notion_parent_page_id_from_env},
    tags=["example", "notion"],
) as dag:
    # [START howto_operator_notion_create_page]
    create_page = NotionCreatePageOperator(
        task_id="create_page",
        parent=PARENT_PAGE_ID,
        properties={"title": "Run report {{ ds }} ({{ run_id }})"},
        children=BLOCKS,
        icon={"type": "emoji", "emoji": "📝"},
    )
    # [END howto_operator_notion_create_page]

    # [START howto_operator_notion_get_page]
    get_page = NotionGetPageOperator(task_id="get_page", page_id=create_page.output["id"])
    # [END howto_operator_notion_get_page]

    # [START howto_operator_notion_list_pages]
    list_pages = NotionListPagesOperator(task_id="list_pages", page_size=10)

    # A paging DAG passes next_cursor on (an empty cursor starts from the beginning).
    list_more_pages = NotionListPagesOperator(
        task_id="list_more_pages",
        page_size=10,
        start_cursor="{{ ti.xcom_pull(task_ids='list_pages')['next_cursor'] or '' }}",
    )
    # [END howto_operator_notion_list_pages]

    # [START howto_operator_notion_list_databases]
    list_databases = NotionListDatabasesOperator(
        task_id="list_databases",
        fetch_all=True,
        output_path=EXPORT_DIR + "/{{ dag.dag_id }}/{{ run_id | replace(':', '_') }}/databases.jsonl",
    )
    # [END howto_operator_notion_list_databases]

    @task
    def count_databases(summary: dict[str, Any]) -> int:
        """Reads the file output_path wrote; the XCom only carries its path and row count."""
        with open(summary["path"], encoding="utf-8") as handle:
            lines = sum(1 for _ in handle)
        assert lines == summary["count"]
        return lines

    create_page >> get_page
    list_pages >> list_more_pages
    count_databases(list_databases.output)


if __name__ == "__main__":
    dag.test()
