"""The notifier's time budget: one short total deadline for every request, retry and wait of a notification.

A notifier runs inside a task's callback, the DAG processor or the triggerer: whatever Notion does, it must
give that process back quickly. Each request's read timeout is what is left of the budget (at most
``per_request``), and a wait before a retry that would end past the deadline is not waited: the notification
gives up at once with :class:`NotifyDeadlineReached`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from airflow_provider_notion.exceptions import NotionError

#: The default total budget of one notification, in seconds.
DEFAULT_NOTIFY_TIMEOUT = 20.0
#: The shortest budget accepted: less could not carry one request.
MIN_NOTIFY_TIMEOUT = 0.1
#: The longest budget accepted: a notifier must never hold a worker slot or the triggerer's loop for long.
MAX_NOTIFY_TIMEOUT = 120.0
#: Retries of one request after its first attempt (reads and refused-before-applied writes only).
DEFAULT_NOTIFY_RETRIES = 2


class NotifyDeadlineReached(NotionError):
    """The notification's time budget ran out before Notion answered."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Notion did not answer within the notifier's deadline of {seconds:g} s")
        self.seconds = seconds


class Deadline:
    """A budget of ``seconds`` from now, on ``clock`` (monotonic); ``sleep`` does the waiting."""

    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self._sleep = sleep
        self.end = clock() + seconds

    def remaining(self) -> float:
        return self.end - self.clock()

    def request_timeout(self, per_request: float) -> float:
        """The read timeout of the next request; raises once nothing is left."""
        left = self.remaining()
        if left <= 0:
            raise NotifyDeadlineReached(self.seconds)
        return min(left, per_request)

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (a retry's back-off, pacing) unless the wait alone would outlast the budget."""
        if seconds >= self.remaining():
            raise NotifyDeadlineReached(self.seconds)
        self._sleep(seconds)
