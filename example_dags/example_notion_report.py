"""A daily run report in Notion: read results, write a Markdown report page, attach the CSV, ping a reviewer,
trash the report of 30 days ago.

query_results (NotionQueryDatabaseOperator, fetch_all) -> build_report (TaskFlow: a Markdown report with a table
of the results, and a CSV file) -> report_page (NotionCreateDatabaseItemOperator, an upsert on "Name": the day's
page is created once and found again on re-runs) -> write_report (NotionReplacePageContentOperator: the content
is replaced, so a re-run does not duplicate it) -> attach_csv (NotionUploadFileOperator, a file block) ->
notify (NotionCreateCommentOperator, mentioning the reviewer by e-mail); find_old_reports
(NotionQueryDatabaseOperator) -> old_report_ids (TaskFlow) -> trash_old_report (mapped NotionTrashPageOperator).

Set, as Airflow Variables or environment variables (read at run time, never at parse time):
``notion_results_database_id`` / ``NOTION_RESULTS_DATABASE_ID``: a database with a title "Name" and a number
"Score"; ``notion_reports_database_id`` / ``NOTION_REPORTS_DATABASE_ID``: a database with a title "Name";
``notion_report_reviewer`` / ``NOTION_REPORT_REVIEWER``: the e-mail (or user id) of the person to mention.
"""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.operators.comments import NotionCreateCommentOperator
from airflow_provider_notion.operators.file_uploads import NotionUploadFileOperator
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionQueryDatabaseOperator,
)
from airflow_provider_notion.operators.pages import NotionReplacePageContentOperator, NotionTrashPageOperator
from airflow_provider_notion.rules.values.from_notion import plain_value


def setting(name: str) -> str:
    """An Airflow Variable, else the upper-cased environment variable, else a clear error."""
    value = os.environ.get(name.upper(), "").strip()
    if not value:
        raise ValueError(f"Set the Airflow Variable {name} or the environment variable {name.upper()}.")
    return value


def setting_template(name: str) -> str:
    return f"{{{{ var.value.get('{name}', '') or setting('{name}') }}}}"


RESULTS_DB = setting_template("notion_results_database_id")
REPORTS_DB = setting_template("notion_reports_database_id")
REVIEWER = setting_template("notion_report_reviewer")
EXPORT_DIR = "{{ var.value.get('notion_export_dir', '') or '/tmp/notion-export' }}"

with DAG(
    dag_id="example_notion_report",
    description="Daily Notion report page with a results table, the CSV attached and a reviewer pinged",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # one run writes the day's page at a time
    user_defined_macros={"setting": setting},
    tags=["example", "notion"],
) as dag:
    query_results = NotionQueryDatabaseOperator(
        task_id="query_results",
        database_id=RESULTS_DB,
        sorts=[{"property": "Score", "direction": "descending"}],
        fetch_all=True,
    )

    @task(multiple_outputs=True)
    def build_report(results: dict[str, Any], day: str, export_dir: str) -> dict[str, Any]:
        """The report as Markdown (a table of the results) and the same rows as a CSV file."""
        rows = [
            {
                name: plain_value(value)
                for name, value in page["properties"].items()
                if name in ("Name", "Score")
            }
            for page in results["results"]
        ]
        csv_path = Path(export_dir) / f"results-{day}.csv"
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["Name", "Score"])
            writer.writeheader()
            writer.writerows(rows)
        table = ["| Name | Score |", "|---|---|", *(f"| {r['Name']} | {r['Score']} |" for r in rows)]
        total = sum(r["Score"] or 0 for r in rows)
        markdown = "\n".join(
            [f"# Results for {day}", "", f"**{len(rows)}** results, total score **{total}**.", "", *table, ""]
        )
        return {"markdown": markdown, "csv_path": str(csv_path)}

    report = build_report(query_results.output, day="{{ ds }}", export_dir=EXPORT_DIR)

    # [START howto_operator_notion_replace_page_content]
    # [START howto_operator_notion_create_database_item]
    # The day's page: created on the first run, found again (same "Name") on re-runs.
    report_page = NotionCreateDatabaseItemOperator(
        task_id="report_page",
        database_id=REPORTS_DB,
        properties={"Name": {"title": "Report {{ ds }}"}},
        unique_property="Name",
    )
    # [END howto_operator_notion_create_database_item]
    # Its content is replaced, never appended to, so a re-run leaves one copy of the report.
    write_report = NotionReplacePageContentOperator(
        task_id="write_report",
        page_id=report_page.output["id"],
        markdown=report["markdown"],
    )
    # [END howto_operator_notion_replace_page_content]

    # [START howto_operator_notion_upload_file]
    attach_csv = NotionUploadFileOperator(
        task_id="attach_csv",
        path=report["csv_path"],
        attach_to=report_page.output["id"],
        attach_as="file",
        caption="Results of {{ ds }} (CSV)",
    )
    # [END howto_operator_notion_upload_file]

    # [START howto_operator_notion_create_comment]
    notify = NotionCreateCommentOperator(
        task_id="notify",
        page_id=report_page.output["id"],
        text="The report for {{ ds }} is ready, <@" + REVIEWER + "> please have a look.",
    )
    # [END howto_operator_notion_create_comment]

    # [START howto_operator_notion_trash_page]
    find_old_reports = NotionQueryDatabaseOperator(
        task_id="find_old_reports",
        database_id=REPORTS_DB,
        filter={"property": "Name", "title": {"equals": "Report {{ macros.ds_add(ds, -30) }}"}},
        fetch_all=True,
    )

    @task
    def old_report_ids(found: dict[str, Any]) -> list[str]:
        return [page["id"] for page in found["results"]]

    NotionTrashPageOperator.partial(task_id="trash_old_report").expand(
        page_id=old_report_ids(find_old_reports.output)
    )
    # [END howto_operator_notion_trash_page]

    write_report >> attach_csv >> notify


if __name__ == "__main__":
    dag.test()
