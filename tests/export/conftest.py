"""Fixtures of the export tests: one emulator per module, reset per test, ``notion_default`` pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notion_emulator import NotionEmulator


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def emu(module_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionEmulator:
    module_emulator.reset()
    module_emulator.set_query_cap(10_000)
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", module_emulator.airflow_conn_json)
    return module_emulator
