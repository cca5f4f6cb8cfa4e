"""The body and query string of a database (data source) query, checked before anything is sent."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.filters import check_filter_depth
from airflow_provider_notion.rules.payloads import json_list, json_object
from airflow_provider_notion.utils.checks import drop_none


def query_body(filter: Any = None, sorts: Any = None) -> dict[str, Any]:
    """A validated query body (filter nesting checked, JSON strings parsed)."""
    filter_obj = json_object(filter, "filter")
    check_filter_depth(filter_obj)
    return drop_none({"filter": filter_obj, "sorts": json_list(sorts, "sorts")})


def filter_properties_params(filter_properties: Any) -> dict[str, Any] | None:
    """``filter_properties`` as query parameters: a list of property ids, or a comma-separated string."""
    if filter_properties is None:
        return None
    if isinstance(filter_properties, str):
        items = [part.strip() for part in filter_properties.split(",") if part.strip()]
    elif isinstance(filter_properties, list | tuple):
        items = [str(part) for part in filter_properties]
    else:
        raise NotionInputError(
            "filter_properties", "expected a list of property ids or a comma-separated string"
        )
    return {"filter_properties": items} if items else None


class QueryOptions(TypedDict, total=False):
    """What a database query may say besides the database: ``NotionHook.complete_query`` and the query methods."""

    data_source_id: str | None
    filter: Any
    sorts: Any
    page_size: int | None
    filter_properties: Any


class PagedQueryOptions(QueryOptions, total=False):
    """:class:`QueryOptions` of one page of results: where to continue."""

    start_cursor: str | None


def without_cursor(options: PagedQueryOptions) -> QueryOptions:
    """The options of a query over every row (a cursor means nothing there)."""
    rest = dict(options)
    rest.pop("start_cursor", None)
    return cast(QueryOptions, rest)
