"""A multi-part upload holds about two parts in memory whatever the file's size (issue 21, item 15).

The emulator runs in its own process (``python -m notion_emulator``, per-file limit raised), so tracemalloc sees
only the client: ``upload_file`` reading a 60 MiB file in 10 MiB parts and sending each through the request
core. Before the fix every part sent stayed referenced (tenacity's retry state is a reference cycle that held the
request body until the garbage collector ran): 71 MiB traced for 60 MiB, against about 21 MiB now.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_provider_notion.jobs.file_upload import MIB, PART_BYTES, upload_file

FILE_MIB = 60


@pytest.fixture
def emulator_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "notion_emulator",
            "--port",
            "0",
            "--max-file-upload-bytes",
            str(100 * MIB),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        conn = None
        for line in process.stdout:
            if "AIRFLOW_CONN_NOTION_DEFAULT=" in line:
                conn = line.split("=", 1)[1].strip().strip("'")
                break
        assert conn, "the emulator did not start"
        monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", conn)
        yield json.loads(conn)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_60_mib_upload_peaks_below_three_parts(emulator_process: dict[str, object], tmp_path: Path) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    path = tmp_path / "big.bin"
    block = os.urandom(MIB)
    with path.open("wb") as handle:
        for _ in range(FILE_MIB):
            handle.write(block)
    hook = NotionHook(requests_per_second=None)
    hook.get_current_user()  # connection, session and imports set up outside the measurement
    gc.collect()
    # The cyclic collector is what used to free the parts, now and then: with it off, anything still referenced
    # by a cycle shows up in the peak.
    gc.disable()
    tracemalloc.start()
    try:
        upload = upload_file(hook, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    assert upload["status"] == "uploaded"
    assert upload["content_length"] == FILE_MIB * MIB
    assert peak < 3 * PART_BYTES, f"peak {peak / MIB:.1f} MiB for a {FILE_MIB} MiB file"
