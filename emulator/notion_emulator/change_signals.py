"""What changed in the workspace, as the state reports it: one signal per write, for the webhook sender.

The state calls :meth:`ChangeSignals.emit` inside its write methods (under its lock); listeners must only
queue the signal and return.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChangeSignal:
    """``type`` is a Notion event type (``page.created``, …); ``entity`` is ``{"id", "type"}``."""

    type: str
    entity_id: str
    entity_type: str
    author_id: str | None
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[ChangeSignal], None]


class ChangeSignals:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def emit(self, signal: ChangeSignal) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(signal)
