"""Fixtures for the trigger tests that run against the emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notion_emulator import NotionEmulator


@pytest.fixture(scope="module")
def _emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def emu(_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionEmulator:
    """The module's emulator back at its seed, with ``notion_default`` pointing at it."""
    _emulator.reset()
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", _emulator.airflow_conn_json)
    return _emulator
