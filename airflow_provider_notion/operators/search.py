"""Operators that list what is shared with the integration, through search: databases and pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Literal

from airflow_provider_notion.operators.base import (
    NotionListOperator,
    optional_str,
)


class _SearchListOperator(NotionListOperator):
    """What both search-backed list operators share: the ``query`` text and one kind of object."""

    object_type: ClassVar[Literal["page", "database"]]
    template_fields: Sequence[str] = (*NotionListOperator.template_fields, "query")

    def __init__(self, *, query: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.query = query

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        return self.hook.iter_search_pages(
            optional_str(self.query, "query"),
            object_type=self.object_type,
            start_cursor=start_cursor,
            page_size=page_size,
        )


class NotionListDatabasesOperator(_SearchListOperator):
    """List the databases shared with the integration (``POST /v1/search`` filtered to databases).

    Under 2025-09-03 and later Notion returns **data sources** (``object: "data_source"``, list type
    ``page_or_data_source``), the objects that hold the schema and rows; each names its database in
    ``parent.database_id``. Under 2022-06-28 it returns database objects. Only databases whose title is shared
    with the integration appear. See :class:`NotionListOperator` for the paging options.

    :param query: only databases whose title contains this text (Notion's search). Templated.
    """

    object_type = "database"

    def describe(self) -> str:
        return (
            "databases (data sources since 2025-09-03)" if self.hook.version.has_data_sources else "databases"
        )


class NotionListPagesOperator(_SearchListOperator):
    """List the pages shared with the integration (``POST /v1/search`` filtered to pages), database rows included.

    See :class:`NotionListOperator` for the paging options.

    :param query: only pages whose title contains this text (Notion's search). Templated.
    """

    object_type = "page"

    def describe(self) -> str:
        return "pages"
