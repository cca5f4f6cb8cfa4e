"""The latest delivery outcomes of this API server process, for the deliveries page.

Rejected deliveries and duplicates are answered without writing to the database (an unauthenticated request
must not cost a write), so they are only kept here: a bounded list per process, gone on restart.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Outcome = Literal["recorded", "duplicate", "no_subscriber", "rejected", "handshake"]
OUTCOMES: tuple[Outcome, ...] = ("recorded", "duplicate", "no_subscriber", "rejected", "handshake")
MAX_RECENT = 500


@dataclass(frozen=True)
class Delivery:
    """One delivery as the page shows it (never the body, the signature or the token)."""

    received_at: str
    conn_id: str
    outcome: Outcome
    status: int
    event_id: str | None = None
    event_type: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    attempt_number: int | None = None
    detail: str = ""
    assets: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class RecentDeliveries:
    """A thread-safe ring of the last :data:`MAX_RECENT` deliveries."""

    def __init__(self, size: int = MAX_RECENT) -> None:
        self._lock = threading.Lock()
        self._items: deque[Delivery] = deque(maxlen=size)

    def add(self, delivery: Delivery) -> None:
        with self._lock:
            self._items.append(delivery)

    def latest(self) -> list[Delivery]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._items))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RECENT = RecentDeliveries()
