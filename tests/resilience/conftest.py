"""Shared set-up of the resilience tests: one emulator per module, hooks pointed at it, fast row seeding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.hooks.notion import NotionHook
from tests.resilience.helpers import REPORTS, SCHEMA


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for lines in config.stash.get(REPORTS, []):
        terminalreporter.write_line("")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def make_hook(emu: NotionEmulator) -> Callable[..., NotionHook]:
    """Hooks on the emulator without client-side pacing; retry waits are skipped (or go to a given ``sleep``)."""

    def make(**kwargs: Any) -> NotionHook:
        kwargs.setdefault("requests_per_second", None)
        kwargs.setdefault("sleep", lambda seconds: None)
        return NotionHook(**kwargs)

    return make


@pytest.fixture
def database(emu: NotionEmulator) -> dict[str, Any]:
    """An empty database (``id``, ``data_source_id``) under the seed's root page."""
    return emu.add_database(parent_id=emu.root_page_id, title="Rows", properties=SCHEMA)
