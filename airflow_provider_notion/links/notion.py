"""The "Notion" extra link: opens the page or database a task read or wrote.

Every operator that reads or writes a Notion object shows it: the task pushes the object's URL as the XCom
``notion_url`` (:func:`push_notion_url`) and :class:`NotionLink` reads it back for the task instance. The URL is
the one Notion returned with the object; a task that does not receive its object (an append, a query, a
comment) links by id (``https://www.notion.so/<id>``, which Notion opens as the object), spending no request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseOperatorLink, XCom

from airflow_provider_notion.rules.ids import notion_link

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import TaskInstanceKey

#: The XCom key operators push the object's ``url`` under, read back by :class:`NotionLink`.
NOTION_URL_XCOM_KEY = "notion_url"


def _web_url(value: Any) -> bool:
    # Only web links: a value such as ``javascript:`` must never become a clickable link in the UI.
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def push_notion_url(context: Any, url: Any = None, object_id: Any = None) -> None:
    """Push what the link opens: ``url`` as Notion returned it, else a link to ``object_id``; else nothing.

    A context without a task instance (an operator's ``execute`` called directly) pushes nothing.
    """
    ti = context.get("ti") if isinstance(context, Mapping) else None
    if ti is None:
        return
    if not _web_url(url):
        url = notion_link(object_id) if object_id not in (None, "") else None
    if url is not None:
        ti.xcom_push(key=NOTION_URL_XCOM_KEY, value=url)


class NotionLink(BaseOperatorLink):
    """Link to the Notion page or database of a task (its ``url``, pushed as XCom ``notion_url``)."""

    name = "Notion"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        url = XCom.get_value(key=NOTION_URL_XCOM_KEY, ti_key=ti_key)
        return url if _web_url(url) else ""
