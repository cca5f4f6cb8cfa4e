"""Shared fixtures for the emulator tests: one server per session, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_support import Api
from notion_emulator import NotionEmulator


@pytest.fixture(scope="session")
def session_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def emu(session_emulator: NotionEmulator) -> NotionEmulator:
    session_emulator.reset()
    session_emulator.set_query_cap(10_000)
    return session_emulator


@pytest.fixture
def api(emu: NotionEmulator) -> Api:
    return Api(emu)
