"""Values and helpers shared by the tests (imported by tests; conftest.py only holds fixtures)."""

from __future__ import annotations

import socket

# Distinctive, so a leak into a log, an error or an XCom is unmistakable.
CANARY_SECRET = "ntn_CANARY_8f3e2b1a9c7d_do_not_log"


class FakeClock:
    """A wall clock that moves only when something sleeps on it: pass it as ``clock=`` and its sleeps as
    ``sleep=`` (``sleep`` for sync code, ``async_sleep`` for async code). ``sleeps`` records every wait.

    Starts at a round Unix time so that steps of 1/4 s add up exactly.
    """

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        import asyncio

        self.sleep(seconds)
        await asyncio.sleep(0)  # still a suspension point, as a real sleep is


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
