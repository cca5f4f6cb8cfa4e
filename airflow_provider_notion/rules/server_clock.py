"""Notion's clock as seen from here: a lower bound on "now" on Notion's side, from its ``Date`` response header.

Time windows over ``last_edited_time`` must be closed by *Notion's* clock: Notion stamps an edit with its own
time, so a window closed by a local clock that runs ahead of Notion's shuts a minute in which Notion still
stamps edits, and those edits are never read (issue 21, item 11). Every Notion answer carries an HTTP ``Date``
header (whole seconds). An answer dated ``D`` that arrives when the local clock reads ``L`` proves that
Notion's clock had reached ``D`` by local time ``L`` (the answer was written before it arrived, and ``Date`` is
rounded down), so ``offset = D - L`` never overstates Notion's time: ``L' + offset`` is a moment Notion's clock
has certainly reached at any later (or earlier) local reading ``L'``, as long as both clocks tick at the same
rate. Network delay and the rounding only make the bound more cautious (a window closes up to a second or
two later), never wrong. Pure arithmetic; the caller reads the header and its clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


def parse_http_date(value: str | None) -> datetime | None:
    """The instant of an HTTP ``Date`` header (RFC 9110: ``Sun, 06 Nov 1994 08:49:37 GMT``); ``None`` if unusable."""
    if not value or not value.strip():
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 850/asctime forms carry no zone: HTTP dates are always GMT
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def clock_offset(date_header: str | None, received_at: datetime) -> timedelta | None:
    """What to add to a local reading to get a moment Notion's clock has reached (``None``: no usable header).

    :param date_header: the ``Date`` header of a Notion answer.
    :param received_at: the local clock read *after* that answer arrived.
    """
    served = parse_http_date(date_header)
    if served is None:
        return None
    return served - received_at.astimezone(UTC)
