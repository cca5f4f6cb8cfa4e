"""Notion's timestamps: the one place text becomes an instant, and instants become Notion's text.

Two readers with two contracts, because their inputs differ in who is to blame for bad text:

- :func:`parse_instant` reads a value a *user* gave (a templated bound, a stored watermark): a ``datetime``, a
  ``date`` (midnight UTC) or ISO 8601 text; ``None``, ``""`` and ``"None"`` mean unset; anything else is a
  :class:`NotionInputError` naming the field.
- :func:`read_instant` reads a timestamp *Notion* wrote (``created_time``, a date property's ``start``): it
  returns ``None`` for a missing or unreadable value, and each caller decides what that means (an export
  writes an empty cell, a window leaves the row out, a query past the result cap stops with an error).

Both take a value without an offset as UTC (Notion's default) and return a plain aware ``datetime`` in UTC.
:func:`read_calendar_value` keeps Notion's distinction between a date and a date-time, for comparisons.
Notion stores ``created_time``/``last_edited_time`` to the minute: :func:`floor_minute` is that rounding.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError

_NOT_SET = ("", "none", "null")
#: ``YYYY-MM-DD``: a calendar date, no time of day.
_DATE_LENGTH = 10


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (naive = UTC) as a plain ``datetime`` (not a subclass such as pendulum's)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return datetime.combine(moment.date(), moment.time(), UTC)


def parse_instant(value: Any, field: str) -> datetime | None:
    """A UTC datetime from a datetime, a date (midnight UTC) or an ISO 8601 string; ``None``/``""`` mean unset.

    Templates render a missing value (``{{ prev_data_interval_end_success }}`` on a first run) as ``"None"``;
    that too means unset. A naive value is taken as UTC, Notion's default.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _NOT_SET:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise NotionInputError(
                field, f"{text!r} is not an ISO 8601 date-time such as 2026-01-31T10:00:00+00:00"
            ) from None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return datetime.combine(value, time.min, UTC)
    raise NotionInputError(field, f"expected a datetime or ISO 8601 string, got {type(value).__name__}")


def read_instant(value: Any) -> datetime | None:
    """A timestamp Notion wrote as a UTC datetime (a date alone is midnight UTC); ``None`` if absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def read_calendar_value(value: Any) -> date | datetime | None:
    """A date property's ``start``/``end``: a ``date`` for ``2026-01-31``, else a UTC datetime (``None`` if unreadable).

    ``2026-01-31`` and ``2026-01-31T00:00:00Z`` differ in Notion (a day versus a moment), so they differ here.
    """
    if isinstance(value, str) and len(value) == _DATE_LENGTH:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return read_instant(value)


def floor_minute(moment: datetime) -> datetime:
    """``moment`` rounded down to the minute, as Notion stores timestamps."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def notion_instant(moment: datetime) -> str:
    """The ISO 8601 form Notion writes (``2026-01-31T10:05:00.000Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
