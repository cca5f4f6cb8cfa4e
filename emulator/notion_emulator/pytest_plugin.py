"""Pytest plugin: ``pytest_plugins = ["notion_emulator.pytest_plugin"]``.

Fixtures:
- ``notion_emulator``: one local Notion emulator per test session (``demo`` seed), reset before each test.
- ``notion_emulator_conn``: the same emulator with ``AIRFLOW_CONN_NOTION_DEFAULT`` pointing at it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notion_emulator import NotionEmulator


@pytest.fixture(scope="session")
def _notion_emulator_session() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def notion_emulator(_notion_emulator_session: NotionEmulator) -> NotionEmulator:
    _notion_emulator_session.reset()
    return _notion_emulator_session


@pytest.fixture
def notion_emulator_conn(notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionEmulator:
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", notion_emulator.airflow_conn_json)
    return notion_emulator
