"""Benchmark 2: fetch-all of 50,000 rows past Notion's 10,000-row cap, in memory and streamed to JSON Lines.

    .venv/bin/python -m benchmarks.bench_fetch_all [--rows 50000] [--small-rows 10000]

The emulator (own process, default 10,000-row cap, 500 rows per created_time minute) holds two databases.
Reported: ``query_database(fetch_all=True)`` time, request count and windows for the big one; peak traced
Python memory (tracemalloc, in a separate run since tracing slows allocation) of that list; and the peak of
``iter_query`` streaming rows to a JSON Lines file for the small and the big database, which should be flat.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess

MB = 1024 * 1024


def traced_peak(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Peak traced memory in MB while ``fn`` runs, and its result."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB, result


def stream_to_file(data_source_id: str) -> int:
    from airflow_provider_notion.hooks.notion import NotionHook

    hook = NotionHook(requests_per_second=None)
    count = 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for row in hook.iter_query(data_source_id=data_source_id):
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += 1
    os.unlink(out.name)
    return count


def fetch_all(data_source_id: str) -> dict[str, Any]:
    from airflow_provider_notion.hooks.notion import NotionHook

    return NotionHook(requests_per_second=None).query_database(data_source_id=data_source_id, fetch_all=True)


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--small-rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    with EmulatorProcess(databases={"small": args.small_rows, "big": args.rows}) as emu:
        emu.use_as_default_connection()
        big = emu.databases["big"]["data_source_id"]
        small = emu.databases["small"]["data_source_id"]
        fetch_all(small)  # warm-up: imports, connection, the emulator's sort cache of the first window

        emu.clear_requests()
        started = time.perf_counter()
        result = fetch_all(big)
        elapsed = time.perf_counter() - started
        sent = emu.requests_sent()
        rows = result["results"]
        unique = len({row["id"] for row in rows})
        windows = sum(1 for r in sent if '"filter"' in (r["body"] or "") and "start_cursor" not in r["body"])
        del result, rows

        list_peak, _ = traced_peak(lambda: fetch_all(big))
        started = time.perf_counter()
        stream_to_file(big)
        stream_elapsed = time.perf_counter() - started
        stream_small_peak, small_count = traced_peak(lambda: stream_to_file(small))
        stream_big_peak, big_count = traced_peak(lambda: stream_to_file(big))

    print(f"\n== 2. Fetch-all of {args.rows:,} rows past the 10,000-row cap (emulator, loopback) ==")
    print(f"query_database(fetch_all=True): {unique:,} unique rows in {elapsed:.1f} s")
    print(
        f"  {len(sent)} requests ({windows} created_time windows past the cap), {args.rows / elapsed:,.0f} rows/s"
    )
    print(f"  peak traced memory holding the list: {list_peak:.1f} MB")
    print(f"iter_query -> JSON Lines: {big_count:,} rows in {stream_elapsed:.1f} s")
    print(
        f"  peak traced memory: {stream_small_peak:.2f} MB at {small_count:,} rows, {stream_big_peak:.2f} MB at"
    )
    print(f"  {big_count:,} rows (ratio {stream_big_peak / stream_small_peak:.2f}; flat means ~1.0)")
    return [
        f"fetch_all {unique:,} rows: {elapsed:.1f} s, {len(sent)} requests, {windows} windows, "
        f"peak {list_peak:.0f} MB in memory",
        f"streaming to JSON Lines: peak {stream_small_peak:.2f} MB at {small_count:,} rows vs "
        f"{stream_big_peak:.2f} MB at {big_count:,} rows",
    ]


if __name__ == "__main__":
    main()
