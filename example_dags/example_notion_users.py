"""Users: who the integration is, one user by id, and every user of the workspace.

get_me -> get_user (the id comes from get_me's ``id`` XCom) ; list_users (fetch_all) -> summarise (TaskFlow).
Reading other users needs the integration's "read user information" capability.
"""

from __future__ import annotations

# [START howto_dag_notion_users]
from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_notion.operators.notion import (
    NotionGetCurrentUserOperator,
    NotionGetUserOperator,
    NotionListUsersOperator,
)

with DAG(
    dag_id="example_notion_users",
    description="Notion users: the bot, one user, all users",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["example", "notion"],
) as dag:
    # [START howto_operator_notion_get_current_user]
    get_me = NotionGetCurrentUserOperator(task_id="get_me")
    # [END howto_operator_notion_get_current_user]

    # [START howto_operator_notion_get_user]
    get_user = NotionGetUserOperator(task_id="get_user", user_id=get_me.output["id"])
    # [END howto_operator_notion_get_user]

    # [START howto_operator_notion_list_users]
    list_users = NotionListUsersOperator(task_id="list_users", page_size=100, fetch_all=True)
    # [END howto_operator_notion_list_users]

    @task
    def summarise(me: dict[str, Any], user: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
        people = [u for u in users["results"] if u.get("type") == "person"]
        bots = [u for u in users["results"] if u.get("type") == "bot"]
        workspace = (me.get("bot") or {}).get("workspace_name")
        print(f"{me['name']} in {workspace}: {len(people)} people and {len(bots)} bots")
        return {
            "bot": me["id"],
            "same_user": user["id"] == me["id"],
            "people": len(people),
            "bots": len(bots),
        }

    summarise(get_me.output, get_user.output, list_users.output)
# [END howto_dag_notion_users]


if __name__ == "__main__":
    dag.test()
