"""Which rows a scheduled run sees when a query is limited to a created/edited time window.

Notion keeps ``created_time`` and ``last_edited_time`` only to the minute: a row edited at 10:05:42 reports
``10:05:00``. A window ``[start, end)`` taken literally would therefore miss or repeat rows near its edges. So
each row is placed by its *minute* ``m`` (its timestamp rounded down to the minute), and a window keeps the rows
with::

    floor_minute(start) <= m < floor_minute(end)

Consecutive data intervals ``[a, b)``, ``[b, c)`` map to ``[floor(a), floor(b))``, ``[floor(b), floor(c))``:
these touch without overlapping, so every minute, and every row, belongs to exactly one run (no duplicate,
no gap). For minute-aligned intervals (every cron schedule) this is exactly "the row's real time is in
``[start, end)``". For an ``end`` inside a minute the rows of that minute go to the next run, because a row of
that minute may be edited after ``end``, i.e. after the run looked: placing it earlier could lose it.

The server filter asks for ``on_or_after floor(start)`` and ``before floor(end)``; the same rule is then applied
again to the returned rows, so the result does not depend on how Notion compares sub-minute values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from airflow_provider_notion.exceptions import FilterTooDeepError, NotionInputError
from airflow_provider_notion.rules.filters import and_conditions, check_filter_depth
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant, parse_instant, read_instant

Timestamp = Literal["last_edited_time", "created_time"]
TIMESTAMPS: tuple[Timestamp, ...] = ("last_edited_time", "created_time")


@dataclass(frozen=True)
class TimestampWindow:
    """Rows whose ``timestamp`` minute lies in ``[start, end)``; both bounds minute-aligned, either open."""

    timestamp: Timestamp
    start: datetime | None
    end: datetime | None

    @classmethod
    def from_bounds(
        cls, timestamp: Timestamp, after: Any, before: Any, after_field: str, before_field: str
    ) -> TimestampWindow | None:
        """The window for ``[after, before)``, or ``None`` when both are unset."""
        start = parse_instant(after, after_field)
        end = parse_instant(before, before_field)
        if start is None and end is None:
            return None
        if start is not None and end is not None and end < start:
            raise NotionInputError(
                before_field, f"{notion_instant(end)} is earlier than {after_field} {notion_instant(start)}"
            )
        return cls(
            timestamp,
            floor_minute(start) if start is not None else None,
            floor_minute(end) if end is not None else None,
        )

    def conditions(self) -> list[dict[str, Any]]:
        """Notion timestamp filters for this window."""
        found: list[dict[str, Any]] = []
        if self.start is not None:
            found.append(
                {"timestamp": self.timestamp, self.timestamp: {"on_or_after": notion_instant(self.start)}}
            )
        if self.end is not None:
            found.append({"timestamp": self.timestamp, self.timestamp: {"before": notion_instant(self.end)}})
        return found

    def contains(self, row: Mapping[str, Any]) -> bool:
        """Whether the row's minute lies in the window; a row without a readable timestamp does not."""
        moment = read_instant(row.get(self.timestamp))
        if moment is None:
            return False
        minute = floor_minute(moment)
        if self.start is not None and minute < self.start:
            return False
        return self.end is None or minute < self.end


@dataclass(frozen=True)
class QueryWindow:
    """The edited/created windows of one sensor run (empty when none was given)."""

    windows: tuple[TimestampWindow, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        edited_after: Any = None,
        edited_before: Any = None,
        created_after: Any = None,
        created_before: Any = None,
    ) -> QueryWindow:
        """Validate the bounds (datetimes or ISO strings); raises :class:`NotionInputError` naming the field."""
        windows = (
            TimestampWindow.from_bounds(
                "last_edited_time", edited_after, edited_before, "edited_after", "edited_before"
            ),
            TimestampWindow.from_bounds(
                "created_time", created_after, created_before, "created_after", "created_before"
            ),
        )
        return cls(tuple(window for window in windows if window is not None))

    def __bool__(self) -> bool:
        return bool(self.windows)

    def conditions(self) -> list[dict[str, Any]]:
        return [condition for window in self.windows for condition in window.conditions()]

    def combine(self, user_filter: Mapping[str, Any] | None, field: str = "filter") -> dict[str, Any] | None:
        """``user_filter AND`` the window's conditions (see :func:`~.filters.and_conditions`:
        the rules ``fetch_all`` past the result cap uses too, so a filter accepted there is accepted here)."""
        check_filter_depth(user_filter, field)
        try:
            return and_conditions(user_filter, self.conditions())
        except FilterTooDeepError as err:
            raise NotionInputError(field, f"with the edited/created window, {err}") from None

    def keep(self, rows: Iterable[Any]) -> list[Any]:
        """The rows inside every window (all rows when there is no window)."""
        if not self.windows:
            return list(rows)
        return [
            row
            for row in rows
            if isinstance(row, Mapping) and all(window.contains(row) for window in self.windows)
        ]

    def to_json(self) -> dict[str, list[str | None]]:
        """A JSON-serialisable form (for trigger kwargs)."""
        return {
            window.timestamp: [
                notion_instant(window.start) if window.start else None,
                notion_instant(window.end) if window.end else None,
            ]
            for window in self.windows
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> QueryWindow:
        """The inverse of :meth:`to_json`."""
        if not data:
            return cls()
        windows: list[TimestampWindow] = []
        for timestamp in TIMESTAMPS:
            if timestamp in data:
                start, end = data[timestamp]
                windows.append(
                    TimestampWindow(
                        timestamp,
                        parse_instant(start, f"window.{timestamp}"),
                        parse_instant(end, f"window.{timestamp}"),
                    )
                )
        return cls(tuple(windows))
