"""Raw requests: any endpoint with the connection's token and Notion-Version, for what no operator covers.

whoami (GET /users/me) ; search (POST /search with a JSON body, patient retries) ; users_page (GET /users with
query parameters) -> summarise (TaskFlow).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.operators.notion import NotionRawRequestOperator

with DAG(
    dag_id="example_notion_raw_request",
    description="Notion raw requests: any path, auth and version injected",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["example", "notion"],
) as dag:
    whoami = NotionRawRequestOperator(task_id="whoami", url="/users/me")

    # [START howto_operator_notion_raw_request]
    search = NotionRawRequestOperator(
        task_id="search",
        url="/search",
        method="POST",
        data={"page_size": 5, "sort": {"direction": "descending", "timestamp": "last_edited_time"}},
        max_retry_count=5,
        retry_delay_ms=500,
        use_exponential_backoff=True,
        timeout=30,
    )
    # [END howto_operator_notion_raw_request]

    users_page = NotionRawRequestOperator(
        task_id="users_page", url="/users", query_params={"page_size": 10}, response_type="json"
    )

    @task
    def summarise(me: dict[str, Any], found: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
        kinds = sorted({item["object"] for item in found["results"]})
        print(f"{me['name']}: search returned {len(found['results'])} objects ({', '.join(kinds) or 'none'})")
        return {"bot": me["id"], "search_results": len(found["results"]), "users": len(users["results"])}

    summarise(whoami.output, search.output, users_page.output)


if __name__ == "__main__":
    dag.test()
