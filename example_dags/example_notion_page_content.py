"""Page content, comments and a run log: write Markdown into Notion, append to it, read it back, comment on it.

create_page (NotionCreatePageOperator with ``markdown``) -> append_log (NotionAppendBlocksOperator) ->
read_content (NotionGetPageContentOperator: the page as Markdown); create_page -> comment
(NotionCreateCommentOperator) -> list_comments (NotionListCommentsOperator); create_database
(NotionCreateDatabaseOperator, ``if_exists="reuse"``: a "Run log" database created once under the parent page)
-> describe_database (NotionGetDatabaseOperator, with its data sources' schema) and -> add_run
(NotionCreateDatabaseItemOperator with ``markdown``, an upsert on "Name") -> mark_done (NotionUpdatePageOperator:
plain values, written only while the row's Status is still "Ready", with a link to the notes page).

The parent page is read at run time from the Airflow Variable ``notion_parent_page_id`` or the environment
variable ``NOTION_PARENT_PAGE_ID``. Under 2026-03-11 the content is read with Notion's Markdown endpoint, under
earlier versions the blocks are fetched and converted by the provider's converter.
"""

from __future__ import annotations

import os
from datetime import datetime

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_notion.operators.blocks import NotionAppendBlocksOperator
from airflow_provider_notion.operators.comments import NotionCreateCommentOperator, NotionListCommentsOperator
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionCreatePageOperator,
    NotionGetDatabaseOperator,
)
from airflow_provider_notion.operators.pages import NotionGetPageContentOperator, NotionUpdatePageOperator

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


# [START howto_operator_notion_page_markdown]
# Rendered by Jinja like every other templated input, then converted to blocks by the provider's converter.
NOTES = """# Run notes for {{ ds }}

Run `{{ run_id }}` of **{{ dag.dag_id }}**.

- inputs
    - checked
- outputs
"""
# [END howto_operator_notion_page_markdown]

with DAG(
    dag_id="example_notion_page_content",
    description="Notion page content: Markdown in and out, appended blocks, comments, a run-log database",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    user_defined_macros={"notion_parent_page_id_from_env": notion_parent_page_id_from_env},
    tags=["example", "notion"],
) as dag:
    # [START howto_operator_notion_create_page_markdown]
    create_page = NotionCreatePageOperator(
        task_id="create_page",
        parent=PARENT_PAGE_ID,
        properties={"title": "Run notes {{ ds }} ({{ run_id }})"},
        markdown=NOTES,  # instead of children; the dialect is in docs/pages.md
    )
    # [END howto_operator_notion_create_page_markdown]

    # [START howto_operator_notion_append_blocks]
    append_log = NotionAppendBlocksOperator(
        task_id="append_log",
        block_id=create_page.output["id"],
        markdown="## Log\n\n- started {{ ts }}\n- finished\n",
    )
    # [END howto_operator_notion_append_blocks]

    # [START howto_operator_notion_get_page_content]
    read_content = NotionGetPageContentOperator(task_id="read_content", page_id=create_page.output["id"])
    # read_content.output["markdown"] is the whole page as Markdown
    # [END howto_operator_notion_get_page_content]

    # [START howto_operator_notion_list_comments]
    comment = NotionCreateCommentOperator(
        task_id="comment",
        page_id=create_page.output["id"],
        text="Notes for {{ ds }} are written.",
    )
    list_comments = NotionListCommentsOperator(
        task_id="list_comments", block_id=create_page.output["id"], fetch_all=True
    )
    # [END howto_operator_notion_list_comments]

    create_database = NotionCreateDatabaseOperator(
        task_id="create_database",
        parent=PARENT_PAGE_ID,
        title="Run log",
        properties={
            "Name": {"title": {}},
            "Status": {"select": {"options": [{"name": "Ready"}, {"name": "Done"}]}},
            "Notes": {"url": {}},
        },
        if_exists="reuse",  # one run-log database under the parent, whatever the number of runs
    )

    # [START howto_operator_notion_get_database]
    describe_database = NotionGetDatabaseOperator(
        task_id="describe_database",
        database_id=create_database.output["id"],
        include_data_sources=True,  # 2025-09-03+: each data source with its schema
    )
    # [END howto_operator_notion_get_database]

    # [START howto_operator_notion_create_database_item_markdown]
    add_run = NotionCreateDatabaseItemOperator(
        task_id="add_run",
        database_id=create_database.output["id"],
        properties={"Name": {"title": "{{ run_id }}"}, "Status": {"select": {"name": "Ready"}}},
        markdown="Started at {{ ts }}.\n",  # the row's content, added when the row is created
        unique_property="Name",  # a re-run updates the same row instead of adding one
    )
    # [END howto_operator_notion_create_database_item_markdown]

    # [START howto_operator_notion_update_page]
    mark_done = NotionUpdatePageOperator(
        task_id="mark_done",
        page_id=add_run.output["id"],
        # Plain values, mapped by the database's schema (a select name, a URL).
        properties={"Status": "Done", "Notes": create_page.output["notion_url"]},
        icon={"type": "emoji", "emoji": "✅"},
        only_if_property="Status",  # best effort: write only while the row is still Ready
        only_if_equals="Ready",
    )
    # [END howto_operator_notion_update_page]

    create_page >> append_log >> read_content
    comment >> list_comments


if __name__ == "__main__":
    dag.test()
