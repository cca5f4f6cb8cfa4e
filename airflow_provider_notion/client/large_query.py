"""Every row of a data-source (or database) query, past Notion's 10,000-row result cap.

Notion stops one query at 10,000 rows: the last page says ``request_status.type == "incomplete"`` and
``has_more: false``, so a plain ``next_cursor`` loop ends quietly with a truncated result. :class:`CompleteQuery`
continues instead, with the work-around Notion's SDKs use:

1. Rows are asked for in ``created_time`` ascending order (``created_time`` never changes, so the order is
   stable while rows are edited).
2. At the cap the query is sent again with the caller's filter AND
   ``{"timestamp": "created_time", "created_time": {"on_or_after": <minute of the last row>}}``. Notion keeps
   ``created_time`` to the minute, so the new window starts at the last row's minute and repeats the rows of
   that minute already returned; they are dropped by id.
3. It fails loudly (:class:`NotionQueryIncompleteError`) when it cannot continue: more rows than the cap were
   created within one minute (a window could never get past that minute), the filter cannot take the window
   within Notion's two levels of compound nesting, or the query has its own sort and hit the cap.

Guarantee: every row that exists when the fetch starts, still exists when it ends and matches the filter
throughout is returned exactly once. Rows created during the fetch have the newest ``created_time``, so they sort
last: each may or may not be returned, never twice. Edits during the fetch do not move rows (the order is by
``created_time``), so they are neither lost nor repeated; the row is returned as it was when its page was read.
Not covered: a row trashed or edited out of the filter during the fetch may, on a server whose cursors are
positions in the result list, shift the rows after it by one, so one row can be skipped. Notion's cursors are
the id of the next row (as the recorded answers show), and the emulator's are too, so neither does this.

The caller's sort: a query with ``sorts`` is run exactly as given and returns its rows in that order while it
stays under the cap; at the cap it fails with a clear error, because a window needs ``created_time`` order and
sorting every row in memory would make a stream's memory grow with the result. Sorts that start with
``created_time`` ascending are windowed like the default. Memory: only the ids of the rows in the newest minute
seen are kept (for de-duplication), so streaming uses memory bounded by the rows of one minute, not the result.

Filters are combined with the window by :func:`airflow_provider_notion.rules.filters.and_conditions` (the rules the
sensor's time windows use too): every filter within Notion's two levels can be windowed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from datetime import datetime
from typing import Any

from airflow_provider_notion.client.paging import CursorGuard, is_incomplete
from airflow_provider_notion.exceptions import FilterTooDeepError, NotionQueryIncompleteError
from airflow_provider_notion.rules.filters import MAX_FILTER_NESTING, and_conditions
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant, read_instant

log = logging.getLogger(__name__)

PAGE_SIZE = 100
CREATED_ASCENDING: dict[str, str] = {"timestamp": "created_time", "direction": "ascending"}

SendPage = Callable[[dict[str, Any]], Mapping[str, Any]]
"""Sends one query body (filter, sorts, page_size, start_cursor) and returns Notion's list object."""
AsyncSendPage = Callable[[dict[str, Any]], Awaitable[Mapping[str, Any]]]


def created_window(on_or_after: str) -> dict[str, Any]:
    """The filter condition of a window: rows created in or after the given minute."""
    return {"timestamp": "created_time", "created_time": {"on_or_after": on_or_after}}


def and_window(user_filter: Mapping[str, Any] | None, window: dict[str, Any]) -> dict[str, Any]:
    """``user_filter AND window``, within Notion's nesting limit (rules: :mod:`airflow_provider_notion.rules.filters`).

    :raises NotionQueryIncompleteError: the combination would nest compounds deeper than Notion accepts.
    """
    try:
        combined = and_conditions(user_filter, [window])
    except FilterTooDeepError as err:
        raise NotionQueryIncompleteError(
            "Notion's result cap was reached and the query cannot be continued: adding the created_time window "
            f"to the filter would nest compound filters {err.depth} levels deep (Notion accepts "
            f"{MAX_FILTER_NESTING}). Simplify the filter, or split the query into several narrower ones."
        ) from None
    assert combined is not None
    return combined


def is_windowable(sorts: list[Any] | None) -> bool:
    """Whether a query with these sorts can be continued with ``created_time`` windows."""
    if not sorts:
        return True
    first = sorts[0]
    return (
        isinstance(first, Mapping)
        and first.get("timestamp") == "created_time"
        and first.get("direction", "ascending") == "ascending"
    )


def created_minute(row: Mapping[str, Any]) -> datetime:
    """A row's ``created_time`` rounded down to the minute (Notion's granularity), in UTC."""
    raw = row.get("created_time")
    moment = read_instant(raw)
    if moment is None:
        raise NotionQueryIncompleteError(
            f"row {row.get('id')} has no readable created_time ({raw!r}), which continuing a query past "
            "Notion's result cap relies on"
        )
    return floor_minute(moment)


class CompleteQuery:
    """Iterate over every row of a query, continuing past the result cap (see the module docstring).

    :param send: sends one query body and returns the list object (the hook's retries apply to each page);
        async callers leave it out and pass theirs to :meth:`abatches`.
    :param filter: the caller's validated filter, or ``None``.
    :param sorts: the caller's sorts, or ``None`` (then rows come in ``created_time`` ascending order).
    :param page_size: rows per request (at most 100).
    :param target: what is queried, for messages.

    After iterating, ``list_type`` is the ``type`` of Notion's list objects, ``requests`` the pages fetched
    and ``windows`` the number of times the query was continued past the cap; ``window_start`` is the
    ``created_time`` minute the current window starts at (``None`` before the cap), for progress lines.
    """

    def __init__(
        self,
        send: SendPage | None = None,
        *,
        filter: Mapping[str, Any] | None = None,
        sorts: list[Any] | None = None,
        page_size: int | None = None,
        target: str = "the query",
    ) -> None:
        self._send = send
        self._filter = dict(filter) if filter else None
        self._user_sorts = list(sorts) if sorts else None
        self._windowed = is_windowable(self._user_sorts)
        self._sorts = self._user_sorts or [dict(CREATED_ASCENDING)]
        self._page_size = page_size or PAGE_SIZE
        self._target = target
        self.list_type: str | None = None
        self.requests = 0
        self.windows = 0
        self.window_start: str | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return itertools.chain.from_iterable(self.batches())

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        """The new rows of each page Notion returns, in order (so callers can stream page by page)."""
        if self._send is None:
            raise TypeError("CompleteQuery was built without a send function; use abatches()")
        steps = self._steps()
        try:
            action, value = next(steps)
            while True:
                if action == "send":
                    action, value = steps.send(self._send(value))
                else:
                    yield value
                    action, value = next(steps)
        except StopIteration:
            return

    async def abatches(self, send: AsyncSendPage) -> AsyncIterator[list[dict[str, Any]]]:
        """:meth:`batches` for async callers (the deferrable sensor's trigger): ``send`` is awaited."""
        steps = self._steps()
        try:
            action, value = next(steps)
            while True:
                if action == "send":
                    action, value = steps.send(await send(value))
                else:
                    yield value
                    action, value = next(steps)
        except StopIteration:
            return

    def _steps(self) -> Generator[tuple[str, Any], Any, None]:
        """The whole fetch without I/O: yields ``("send", body)`` and gets Notion's page back, and yields
        ``("rows", new_rows)`` for each page, so the sync and the async drivers share every rule."""
        returned = 0
        # The newest created_time minute seen and the ids returned within it: the only rows a later window
        # (which starts at that minute) can repeat.
        newest: datetime | None = None
        newest_ids: set[str] = set()
        window_start: datetime | None = None
        while True:
            body: dict[str, Any] = {"sorts": self._sorts, "page_size": self._page_size}
            if window_start is not None:
                body["filter"] = and_window(self._filter, created_window(notion_instant(window_start)))
            elif self._filter:
                body["filter"] = self._filter
            first: datetime | None = None
            cursor: str | None = None
            guard = CursorGuard(self._target)
            while True:
                page: Mapping[str, Any] = yield ("send", {**body, "start_cursor": cursor} if cursor else body)
                self.requests += 1
                self.list_type = self.list_type or page.get("type")
                kept: list[dict[str, Any]] = []
                for row in page.get("results", []):
                    if not self._windowed:
                        returned += 1
                        kept.append(row)
                        continue
                    minute = created_minute(row)
                    first = first or minute
                    if newest is None or minute > newest:
                        newest, newest_ids = minute, set()
                    elif minute < newest:
                        raise NotionQueryIncompleteError(
                            f"{self._target} returned row {row.get('id')} (created {notion_instant(minute)}) after "
                            f"rows created {notion_instant(newest)}, although it asked for created_time ascending "
                            "order; continuing past the result cap relies on that order."
                        )
                    row_id = str(row.get("id"))
                    if row_id in newest_ids:
                        continue  # a boundary row the previous window already returned
                    newest_ids.add(row_id)
                    returned += 1
                    kept.append(row)
                if kept:
                    yield ("rows", kept)
                cursor = page.get("next_cursor")
                if is_incomplete(page):
                    break
                if not page.get("has_more") or not cursor:
                    return
                guard.check(str(cursor))
            self._check_can_continue(returned, first, newest)
            assert newest is not None
            window_start = newest
            self.windows += 1
            self.window_start = notion_instant(newest)
            log.info(
                "Notion's result cap reached after %d rows of %s; continuing with rows created on or after %s",
                returned,
                self._target,
                notion_instant(newest),
            )

    def _check_can_continue(self, returned: int, first: datetime | None, newest: datetime | None) -> None:
        if not self._windowed:
            raise NotionQueryIncompleteError(
                f"Notion stopped {self._target} at its result cap after {returned} rows. A query with its own "
                "sorts cannot be continued past the cap (that needs created_time order). Remove sorts (rows "
                "then come oldest first) and sort downstream, or narrow the filter."
            )
        if newest is None or first == newest:
            when = f" at {notion_instant(newest)}" if newest else ""
            raise NotionQueryIncompleteError(
                f"Notion stopped {self._target} at its result cap after {returned} rows, and the rows of the "
                f"last window were all created within one minute{when}: more rows than the cap were created "
                "in that minute, so a created_time window cannot get past it (Notion keeps created_time to "
                "the minute). Narrow the filter, e.g. split it by a property value."
            )
