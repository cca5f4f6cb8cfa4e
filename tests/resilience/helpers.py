"""Helpers for the resilience tests: the test schema, row values and fast row seeding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notion_emulator import NotionEmulator

SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Count": {"number": {}},
    "Tag": {"select": {"options": [{"name": "a"}, {"name": "b"}]}},
}


def title(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


def row_values(index: int) -> dict[str, Any]:
    """Row ``index``: ``Count`` is the index, ``Tag`` alternates a/b, so filters select known sets."""
    return {
        "Name": title(f"row {index}"),
        "Count": {"number": index},
        "Tag": {"select": {"name": "ab"[index % 2]}},
    }


def seed_rows(
    emu: NotionEmulator,
    data_source_id: str,
    count: int,
    *,
    per_minute: int,
    last_minute: datetime | None = None,
    first_index: int = 0,
) -> list[str]:
    """Create ``count`` rows, ``per_minute`` in each minute, the newest in ``last_minute`` (default: now).

    ``add_rows`` stamps every row with the current minute; the windowed fetch needs rows spread over time, so
    this writes through the emulator's state with explicit creation times (no HTTP, fast).
    """
    end = (last_minute or datetime.now(UTC)).replace(second=0, microsecond=0)
    minutes = -(-count // per_minute)
    start = end - timedelta(minutes=minutes - 1)
    creator = emu.default_integration().id
    ids: list[str] = []
    with emu.state.lock:
        for offset in range(count):
            page = emu.state.create_page(
                parent_type="data_source_id",
                parent_id=data_source_id,
                properties_input=row_values(first_index + offset),
                creator_id=creator,
                created=start + timedelta(minutes=offset // per_minute, seconds=offset % 50),
            )
            ids.append(page.id)
    return ids


REPORTS = pytest.StashKey[list[list[str]]]()
"""Tables the resilience tests print after the run (the fault matrix), beyond pytest's output capture."""


def add_report(config: pytest.Config, lines: list[str]) -> None:
    config.stash.setdefault(REPORTS, []).append(lines)
