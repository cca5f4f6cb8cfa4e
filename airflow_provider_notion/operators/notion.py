"""Every operator of the provider's first releases, under the path DAGs already import them from.

The operators live in one module per resource (:mod:`.users`, :mod:`.pages`, :mod:`.databases`, :mod:`.search`,
:mod:`.raw_request`) with their shared plumbing in :mod:`.base`; this module only re-exports them so
``from airflow_provider_notion.operators.notion import NotionQueryDatabaseOperator`` keeps working.
"""

from __future__ import annotations

from airflow_provider_notion.operators.base import NotionBaseOperator
from airflow_provider_notion.operators.databases import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionGetDatabaseOperator,
    NotionQueryDatabaseOperator,
)
from airflow_provider_notion.operators.pages import NotionCreatePageOperator, NotionGetPageOperator
from airflow_provider_notion.operators.raw_request import NotionRawRequestOperator
from airflow_provider_notion.operators.search import NotionListDatabasesOperator, NotionListPagesOperator
from airflow_provider_notion.operators.users import (
    NotionGetCurrentUserOperator,
    NotionGetUserOperator,
    NotionListUsersOperator,
)

__all__ = [
    "NotionBaseOperator",
    "NotionCreateDatabaseItemOperator",
    "NotionCreateDatabaseOperator",
    "NotionCreatePageOperator",
    "NotionGetCurrentUserOperator",
    "NotionGetDatabaseOperator",
    "NotionGetPageOperator",
    "NotionGetUserOperator",
    "NotionListDatabasesOperator",
    "NotionListPagesOperator",
    "NotionListUsersOperator",
    "NotionQueryDatabaseOperator",
    "NotionRawRequestOperator",
]
