"""NotionQueryDatabaseOperator's fetch_all and output_path continue past Notion's result cap too."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.operators.notion import NotionQueryDatabaseOperator
from tests.resilience.helpers import seed_rows


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")


@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_fetch_all_returns_every_row_past_the_cap(
    emu: NotionEmulator, database: dict[str, Any], version: str
) -> None:
    emu.set_query_cap(100)
    ids = seed_rows(emu, database["data_source_id"], 730, per_minute=30)
    result = NotionQueryDatabaseOperator(
        task_id="q", database_id=database["id"], fetch_all=True, notion_version=version
    ).execute({"ti": mock.MagicMock()})
    assert Counter(row["id"] for row in result["results"]) == Counter(ids)
    assert result["has_more"] is False and result["next_cursor"] is None
    expected_type = "page_or_database" if version == "2022-06-28" else "page_or_data_source"
    assert result["type"] == expected_type


def test_output_path_streams_every_row_past_the_cap_page_by_page(
    emu: NotionEmulator, database: dict[str, Any], tmp_path: Path
) -> None:
    emu.set_query_cap(100)
    ids = seed_rows(emu, database["data_source_id"], 520, per_minute=25)
    target = tmp_path / "rows.jsonl"
    written_before_request: list[int] = []
    send = NotionHook.request

    def spy(self: NotionHook, method: str, path: str, **kwargs: Any) -> Any:
        if path.endswith("/query"):
            # Rows stream into the temporary beside the target (moved into place at the end).
            temps = list(tmp_path.glob(".rows.jsonl.*.tmp"))
            written_before_request.append(len(temps[0].read_text().splitlines()) if temps else 0)
        return send(self, method, path, **kwargs)

    with mock.patch.object(NotionHook, "request", spy):
        summary = NotionQueryDatabaseOperator(
            task_id="q",
            data_source_id=database["data_source_id"],
            fetch_all=True,
            page_size=50,
            max_xcom_results=10,
            output_path=str(target),
        ).execute({"ti": mock.MagicMock()})
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert summary == {"path": str(target), "count": 520}
    assert Counter(row["id"] for row in rows) == Counter(ids)
    # Streaming: rows reach the file while later pages are still being fetched.
    assert written_before_request[0] == 0 and written_before_request[-1] >= 450
    assert written_before_request == sorted(written_before_request)
