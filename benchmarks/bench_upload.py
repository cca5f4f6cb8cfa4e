"""Benchmark: memory of NotionUploadFileOperator's upload path for growing files (multi-part, streamed).

    .venv/bin/python -m benchmarks.bench_upload [--sizes-mib 20 100]

The emulator runs in its own process (per-file limit raised to 1 GiB), so only the client's memory is traced.
For each file size: the peak traced Python memory (tracemalloc) of ``upload_file`` (create, one send per
10 MiB part, complete) and the upload rate; the baseline, measured in the same run, is the peak of reading the
largest file whole (what an upload that loads the file would need at least). The upload's peak should stay near
a few parts whatever the size.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess

MIB = 1024 * 1024


def traced_peak(fn: Callable[[], Any]) -> tuple[float, Any]:
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MIB, result


def make_file(folder: Path, size_mib: int) -> Path:
    path = folder / f"file-{size_mib}.bin"
    block = os.urandom(MIB)
    with path.open("wb") as handle:
        for _ in range(size_mib):
            handle.write(block)
    return path


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes-mib", type=int, nargs="+", default=[20, 100])
    args = parser.parse_args(argv)
    from airflow_provider_notion.hooks.notion import NotionHook
    from airflow_provider_notion.jobs.file_upload import upload_file

    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, EmulatorProcess(max_file_upload_bytes=1024 * MIB) as emu:
        emu.use_as_default_connection()
        files = {size: make_file(Path(tmp), size) for size in args.sizes_mib}
        largest = max(files)
        baseline, _ = traced_peak(lambda: len(files[largest].read_bytes()))
        lines.append(f"baseline: reading the {largest} MiB file whole peaks at {baseline:.1f} MiB")
        for size, path in sorted(files.items()):
            hook = NotionHook(requests_per_second=None)
            started = time.perf_counter()
            peak, upload = traced_peak(lambda hook=hook, path=path: upload_file(hook, path))
            elapsed = time.perf_counter() - started
            if upload["status"] != "uploaded" or upload["content_length"] != size * MIB:
                raise RuntimeError(f"the upload did not complete: {upload}")
            lines.append(
                f"upload {size} MiB: peak {peak:.1f} MiB ({peak / baseline:.2f} x baseline), "
                f"{size / elapsed:.0f} MiB/s traced"
            )
    for line in lines:
        print(line)
    return lines


if __name__ == "__main__":
    main()
