"""Fixtures for operator tests: a Notion connection per API version, no pacing, a fake task context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import MagicMock

import pytest


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The token bucket would make multi-page tests sleep; pacing has its own tests. The public switch
    # (docs/pacing.md), as a deployment would set it:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")


@pytest.fixture
def use_version(notion_conn: Callable[..., dict[str, object]]) -> Callable[[str], str]:
    """Configure ``notion_default`` (no host, so URLs are https://api.notion.com/v1/...) for a version."""

    def configure(version: str) -> str:
        notion_conn(extra={"notion_version": version})
        return version

    return configure


@pytest.fixture
def context() -> dict[str, Any]:
    return {"ti": MagicMock()}
