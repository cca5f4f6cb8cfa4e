"""Progress lines for long fetches: at Notion's ~3 requests/s a 50,000-row fetch takes about three minutes.

:class:`Progress` is told about each page as it arrives and logs one line at most every ``interval`` seconds
(default 10): rows so far, pages (requests), rows per second and, for a query past Notion's 10,000-row cap, the
``created_time`` window it is in. :meth:`Progress.finish` logs the closing line. The clock is a parameter, so
tests drive it without sleeping.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

DEFAULT_INTERVAL = 10.0

Clock = Callable[[], float]
WindowSource = Callable[[], "str | None"]


class InfoLogger(Protocol):
    """Anything with ``info`` (a ``logging.Logger``, an operator's ``self.log``)."""

    def info(self, msg: Any, /, *args: Any) -> Any: ...


class Progress:
    """Count rows and pages of one fetch and log a line every ``interval`` seconds.

    :param what: what is fetched, for the log lines ("database rows", "users").
    :param logger: where the lines go (an operator passes ``self.log``).
    :param interval: seconds between lines.
    :param clock: monotonic seconds (``time.monotonic`` by default).
    :param window: returns the current ``created_time`` window start past the cap, or ``None`` before it.
    """

    def __init__(
        self,
        what: str,
        *,
        logger: InfoLogger | None = None,
        interval: float = DEFAULT_INTERVAL,
        clock: Clock = time.monotonic,
        window: WindowSource | None = None,
    ) -> None:
        self.what = what
        self.log: InfoLogger = logger or logging.getLogger(__name__)
        self.interval = interval
        self.clock = clock
        self.window = window
        self.rows = 0
        self.pages = 0
        self.lines = 0
        self._started = clock()
        self._last_line = self._started

    @property
    def elapsed(self) -> float:
        return max(self.clock() - self._started, 0.0)

    def rate(self) -> float:
        """Rows per second so far (0 before any time has passed)."""
        elapsed = self.elapsed
        return self.rows / elapsed if elapsed > 0 else 0.0

    def page(self, rows: int) -> None:
        """One page of ``rows`` rows arrived; log a line when ``interval`` has passed since the last one."""
        self.rows += rows
        self.pages += 1
        now = self.clock()
        if now - self._last_line >= self.interval:
            self._last_line = now
            self.lines += 1
            self.log.info("%s", self.describe("so far"))

    def describe(self, state: str) -> str:
        window = self.window() if self.window else None
        text = (
            f"Notion {self.what}: {self.rows} rows {state}, {self.pages} pages, "
            f"{self.rate():.1f} rows/s, {self.elapsed:.0f} s"
        )
        if window:
            text += f", past the 10,000-row cap in the window created on or after {window}"
        return text

    def finish(self) -> None:
        """Log the closing line (always, so a short fetch also says what it did)."""
        self.log.info("%s", self.describe("in total"))

    def track_pages(self, pages: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Pass Notion list objects through, counting each one's ``results``."""
        for page in pages:
            self.page(len(page.get("results", [])))
            yield page
