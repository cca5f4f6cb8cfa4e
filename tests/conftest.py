"""Shared test set-up: a throwaway AIRFLOW_HOME, no database, connections from environment variables."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable

import pytest

# Before Airflow is imported anywhere: keep the developer's ~/airflow out of the tests.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-notion-tests-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
# Client-side pacing state is shared through files; keep this run's apart from other runs and processes.
os.environ.setdefault("AIRFLOW_NOTION_PACING_DIR", tempfile.mkdtemp(prefix="airflow-notion-pacing-"))

from notion_emulator import NotionEmulator

from tests.helpers import CANARY_SECRET
from tests.property_settings import EXAMPLES  # noqa: F401 - loads the Hypothesis profile of every test


@pytest.fixture(autouse=True)
def _own_pacing_budget(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with full pacing buckets of its own.

    There is one budget per token whatever the rate (docs/pacing.md), and the tests share a few tokens (the
    canary secret, the emulator's): without this, one test's debt or slow rate would pace the next ones.
    """
    from airflow_provider_notion.client.pacing.buckets import forget_buckets

    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(tmp_path_factory.mktemp("pacing")))
    forget_buckets()


@pytest.fixture
def notion_conn(monkeypatch: pytest.MonkeyPatch) -> Callable[..., dict[str, object]]:
    """Set ``AIRFLOW_CONN_<ID>`` from keyword arguments; returns the connection dict."""

    def make(conn_id: str = "notion_default", **fields: object) -> dict[str, object]:
        conn: dict[str, object] = {"conn_type": "notion", "password": CANARY_SECRET}
        conn.update(fields)
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
        return conn

    return make


@pytest.fixture
def default_conn(notion_conn: Callable[..., dict[str, object]]) -> dict[str, object]:
    """``notion_default`` with the canary secret, Notion's base URL and the default Notion-Version."""
    return notion_conn()


@pytest.fixture
def emu(notion_emulator_conn: NotionEmulator) -> NotionEmulator:
    """The emulator back at its seed, with ``notion_default`` pointing at it: the emulator plugin's
    ``notion_emulator_conn`` under the short name the tests use (one emulator per session, reset per test).

    A test that needs another Notion-Version sets ``AIRFLOW_CONN_NOTION_DEFAULT`` again from
    ``emu.airflow_conn_dict``.
    """
    return notion_emulator_conn
