"""Shared set-up of the resilience tests: one emulator per module, hooks pointed at it, fast row seeding."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from airflow_provider_notion.emulator import NotionEmulator
from airflow_provider_notion.hooks.notion import NotionHook

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


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for lines in config.stash.get(REPORTS, []):
        terminalreporter.write_line("")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def emu(module_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionEmulator:
    """The module's emulator, back to its seed, with ``notion_default`` pointing at it."""
    module_emulator.reset()
    module_emulator.set_query_cap(10_000)
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", module_emulator.airflow_conn_json)
    return module_emulator


@pytest.fixture
def make_hook(emu: NotionEmulator) -> Callable[..., NotionHook]:
    """Hooks on the emulator without client-side pacing; waits between retries are recorded, not slept."""

    def make(**kwargs: Any) -> NotionHook:
        kwargs.setdefault("requests_per_second", None)
        hook = NotionHook(**kwargs)
        hook._sleep = lambda seconds: None
        return hook

    return make


@pytest.fixture
def database(emu: NotionEmulator) -> dict[str, Any]:
    """An empty database (``id``, ``data_source_id``) under the seed's root page."""
    return emu.add_database(parent_id=emu.root_page_id, title="Rows", properties=SCHEMA)
