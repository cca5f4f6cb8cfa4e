"""The "Notion" extra link: opens the page or database an operator created or read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseOperatorLink, XCom

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import TaskInstanceKey

#: The XCom key operators push the object's ``url`` under, read back by :class:`NotionLink`.
NOTION_URL_XCOM_KEY = "notion_url"


class NotionLink(BaseOperatorLink):
    """Link to the Notion page or database of a task (its ``url``, pushed as XCom ``notion_url``)."""

    name = "Notion"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        url = XCom.get_value(key=NOTION_URL_XCOM_KEY, ti_key=ti_key)
        # Only web links: a value such as ``javascript:`` must never become a clickable link in the UI.
        return url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""
