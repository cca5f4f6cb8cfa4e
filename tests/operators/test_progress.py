"""Progress lines of long fetches: one every interval, with rows, pages, rate and the window past the cap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.utils.progress import Progress
from tests.helpers import FakeClock


class Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, msg: Any, /, *args: Any) -> None:
        self.lines.append(msg % args)


def test_a_line_every_interval_with_rows_pages_rate_and_window() -> None:
    clock, out = FakeClock(1000.0), Lines()
    window: list[str | None] = [None]
    progress = Progress("database rows", logger=out, interval=10, clock=clock, window=lambda: window[0])

    for _ in range(3):  # 3 pages within 9 s: no line yet
        clock.now += 3
        progress.page(100)
    assert out.lines == []
    clock.now += 1  # 10 s after the start
    progress.page(100)
    assert out.lines == ["Notion database rows: 400 rows so far, 4 pages, 40.0 rows/s, 10 s"]
    clock.now += 5
    window[0] = "2026-01-01T10:05:00.000Z"
    progress.page(100)
    assert len(out.lines) == 1  # the next line only 10 s after the previous one
    clock.now += 5
    progress.page(50)
    assert out.lines[-1] == (
        "Notion database rows: 550 rows so far, 6 pages, 27.5 rows/s, 20 s, "
        "past the 10,000-row cap in the window created on or after 2026-01-01T10:05:00.000Z"
    )
    progress.finish()
    assert out.lines[-1].startswith("Notion database rows: 550 rows in total, 6 pages")
    assert progress.lines == 2


def test_track_pages_counts_results_and_passes_pages_through() -> None:
    clock, out = FakeClock(1000.0), Lines()
    progress = Progress("users", logger=out, clock=clock, interval=0)
    pages = [{"results": [1, 2]}, {"results": []}, {"results": [3]}]
    assert list(progress.track_pages(pages)) == pages
    assert (progress.rows, progress.pages, len(out.lines)) == (3, 3, 3)


@pytest.mark.parametrize("with_output", [False, True])
def test_list_operators_log_progress_on_fetch_all_and_output_path(
    with_output: bool,
    tmp_path: Any,
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from airflow_provider_notion.operators.notion import NotionListUsersOperator
    from tests.operators.helpers import API, copies, list_pages, recorded

    use_version("2025-09-03")
    users = recorded("2025-09-03", "test_users_list", "GET", "/users")["results"]
    requests_mock.get(f"{API}/users", [{"json": p} for p in list_pages(copies(users[0], 5), 2, "user")])
    output = {"output_path": str(tmp_path / "u.jsonl")} if with_output else {}
    NotionListUsersOperator(task_id="l", page_size=2, fetch_all=True, **output).execute(context)
    assert "Notion users: 5 rows in total, 3 pages" in capsys.readouterr().out  # the task log
