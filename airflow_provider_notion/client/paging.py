"""Pagination without I/O: which page to ask for next, when to stop, and the list object returned.

The sync client and the async client both drive a :class:`Pager`, so they stop (and refuse) in the same places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_notion.exceptions import NotionPaginationError, NotionQueryIncompleteError
from airflow_provider_notion.utils.checks import drop_none
from airflow_provider_notion.utils.coerce import as_number

#: Notion's maximum ``page_size``.
MAX_PAGE_SIZE = 100
#: How many times a server may hand back a cursor it already gave before we stop following it.
MAX_REPEATED_CURSORS = 2


def check_page_size(page_size: object, field: str = "page_size") -> int | None:
    """``page_size`` must be a whole number from 1 to 100 (Notion's maximum)."""
    number = as_number(page_size, field, whole=True, minimum=1, maximum=MAX_PAGE_SIZE)
    return None if number is None else int(number)


def list_object(results: list[Any], list_type: str | None = None) -> dict[str, Any]:
    """Notion's list shape for a complete result set, so later tasks read ``["results"]`` either way."""
    body: dict[str, Any] = {"object": "list", "results": results, "next_cursor": None, "has_more": False}
    if list_type:
        body["type"] = list_type
    return body


def merge_pages(pages: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Every page's results in one list object."""
    results: list[Any] = []
    list_type: str | None = None
    for page in pages:
        list_type = list_type or page.get("type")
        results.extend(page.get("results", []))
    return list_object(results, list_type)


def is_incomplete(page: Mapping[str, Any]) -> bool:
    """Whether Notion cut this page at its result cap (``request_status.type == "incomplete"``)."""
    status = page.get("request_status")
    return isinstance(status, Mapping) and status.get("type") == "incomplete"


class CursorGuard:
    """Stops a cursor loop when the server keeps returning cursors it already returned."""

    def __init__(self, target: str, limit: int = MAX_REPEATED_CURSORS) -> None:
        self._target = target
        self._limit = limit
        self._seen: set[str] = set()
        self._repeats = 0

    def check(self, cursor: str) -> None:
        """Call with each ``next_cursor`` about to be followed."""
        if cursor in self._seen:
            self._repeats += 1
            if self._repeats > self._limit:
                raise NotionPaginationError(
                    f"{self._target} returned a next_cursor it had already returned {self._repeats} times; "
                    "stopping instead of looping forever. The server's pagination is broken: retry later."
                )
        self._seen.add(cursor)


@dataclass(frozen=True)
class PageRequest:
    """The JSON body (POST) or query parameters (GET) of the next page."""

    json: dict[str, Any] | None
    params: dict[str, Any] | None


class Pager:
    """Follows ``next_cursor`` until ``has_more`` is false.

    ``start_cursor`` and ``page_size`` go in the query string for GET and in the JSON body for POST. A page cut
    at Notion's result cap raises :class:`NotionQueryIncompleteError` (never a silently truncated result).
    """

    def __init__(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        start_cursor: str | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self._json = dict(json or {})
        self._params = dict(params) if params else None
        self._page_size = check_page_size(page_size)
        self._cursor = start_cursor
        self._done = False
        self._seen = 0
        self._guard = CursorGuard(f"{self.method} {path}")

    def next_request(self) -> PageRequest | None:
        """The next page to ask for, or ``None`` when every page has been read."""
        if self._done:
            return None
        paging = drop_none({"start_cursor": self._cursor, "page_size": self._page_size})
        if self.method == "GET":
            return PageRequest(json=None, params={**(self._params or {}), **paging})
        return PageRequest(json={**self._json, **paging}, params=self._params)

    def accept(self, page: Mapping[str, Any]) -> None:
        """Take Notion's answer to :meth:`next_request`."""
        if is_incomplete(page):
            status = page["request_status"]
            raise NotionQueryIncompleteError(
                f"Notion stopped {self.method} {self.path} at its result cap after {self._seen} rows "
                f"({status.get('incomplete_reason', 'incomplete')}); refusing to return a "
                "silently truncated result. Narrow the filter, or use fetch_all on a query, which continues "
                "past the cap."
            )
        self._seen += len(page.get("results", []))
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            self._done = True
            return
        self._guard.check(str(cursor))
        self._cursor = str(cursor)
