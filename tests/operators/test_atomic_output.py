"""Files we write appear complete or not at all: the previous export survives any failed run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionError
from airflow_provider_notion.operators.notion import NotionQueryDatabaseOperator, NotionRawRequestOperator
from airflow_provider_notion.utils.atomic_files import atomic_open, atomic_write_bytes
from tests.operators.helpers import API, copies, list_pages, recorded

DS_ID = "393abc1e-edcd-81a2-8d0b-000bae7f15dc"
PREVIOUS = '{"id":"previous-complete-export"}\n'


class Boom(Exception):
    pass


def _object_path(path: Path) -> Any:
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    return ObjectStoragePath(f"file://{path}")


@pytest.mark.parametrize("kind", ["local", "object_storage"])
def test_a_failure_mid_stream_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "export.jsonl"
    target.write_text(PREVIOUS)
    where = target if kind == "local" else _object_path(target)

    seen_while_writing: list[str] = []

    def write_then_fail() -> None:
        with atomic_open(where, "w") as handle:
            handle.write('{"id":"new 1"}\n')
            handle.flush()
            seen_while_writing.append(target.read_text())
            raise Boom

    with pytest.raises(Boom):
        write_then_fail()
    assert seen_while_writing == [PREVIOUS]  # not truncated while the new file was written

    assert target.read_text() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.jsonl"]


@pytest.mark.parametrize("kind", ["local", "object_storage"])
def test_success_replaces_the_file_in_one_step(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "sub" / "export.bin"
    where = target if kind == "local" else _object_path(target)
    atomic_write_bytes(where, b"first")
    atomic_write_bytes(where, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["export.bin"]


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "export.jsonl"
    target.symlink_to(victim)
    atomic_write_bytes(target, b"new")
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_bytes() == b"new"


def test_a_killed_writer_leaves_the_previous_file_at_the_final_path(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    target.write_text(PREVIOUS)
    child = textwrap.dedent(
        f"""
        import sys, time
        from airflow_provider_notion.utils.atomic_files import atomic_open
        with atomic_open({str(target)!r}, "w") as handle:
            for i in range(1000):
                handle.write('{{"id": %d}}\\n' % i)
            handle.flush()
            print("written", flush=True)
            time.sleep(60)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2]
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "written"
        temps = list(tmp_path.glob(".export.jsonl.*.tmp"))
        assert len(temps) == 1 and temps[0].stat().st_size > 0  # the new rows were on disk, beside it
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert target.read_text() == PREVIOUS  # never a partial file at the final path


# ---------------------------------------------------------------------------------------------- operators


def _rows() -> list[dict[str, Any]]:
    page = recorded("2025-09-03", "test_pages_retrieve", "GET", "/pages/")
    return copies(page, 4)


def test_a_run_failing_on_its_first_page_keeps_the_previous_export(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    target = tmp_path / "rows.jsonl"
    target.write_text(PREVIOUS)
    error = recorded("2025-09-03", "test_api_response_error", "GET", "/users")
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", json=error, status_code=401)

    with pytest.raises(NotionError, match="401"):
        NotionQueryDatabaseOperator(
            task_id="q", data_source_id=DS_ID, fetch_all=True, output_path=str(target)
        ).execute(context)

    assert target.read_text() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]


def test_a_new_run_does_not_truncate_the_previous_export_until_it_succeeds(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    target = tmp_path / "rows.jsonl"
    target.write_text(PREVIOUS)
    rows = _rows()
    pages = list_pages(rows, 2, "page_or_data_source")
    seen_during_run: list[str] = []

    def answer(request: Any, _context: Any) -> dict[str, Any]:
        seen_during_run.append(target.read_text())
        return pages[len(seen_during_run) - 1]

    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", json=answer)
    NotionQueryDatabaseOperator(
        task_id="q", data_source_id=DS_ID, fetch_all=True, output_path=str(target)
    ).execute(context)

    assert seen_during_run == [PREVIOUS, PREVIOUS]
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == [r["id"] for r in rows]


def test_a_run_failing_mid_stream_keeps_the_previous_export(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    target = tmp_path / "rows.jsonl"
    target.write_text(PREVIOUS)
    pages = list_pages(_rows(), 2, "page_or_data_source")
    error = recorded("2025-09-03", "test_api_response_error", "GET", "/users")
    requests_mock.post(
        f"{API}/data_sources/{DS_ID}/query", [{"json": pages[0]}, {"json": error, "status_code": 401}]
    )
    with pytest.raises(NotionError, match="401"):
        NotionQueryDatabaseOperator(
            task_id="q", data_source_id=DS_ID, fetch_all=True, output_path=str(target)
        ).execute(context)
    assert target.read_text() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]


def test_a_raw_request_body_replaces_the_previous_file_only_when_complete(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    target = tmp_path / "body.json"
    target.write_text(PREVIOUS)
    requests_mock.get(f"{API}/users/me", status_code=404, json={"object": "error", "status": 404})
    with pytest.raises(NotionError):
        NotionRawRequestOperator(task_id="r", url="/users/me", output_path=str(target)).execute(context)
    assert target.read_text() == PREVIOUS
