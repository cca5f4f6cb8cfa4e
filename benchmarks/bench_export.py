"""Benchmark: NotionToObjectStorageOperator exporting 10,000 and 50,000 rows to Parquet and JSON Lines, side by side
with a straightforward notion-client loop (``collect_paginated_api`` + writing the same columns).

    .venv/bin/python -m benchmarks.bench_export [--rows 50000] [--small-rows 10000]

The emulator runs in its own process (default 10,000-row cap, 500 rows per created_time minute), without rate
limiting and with client pacing off, so the figures are the client's own cost. Reported per format and size:
rows written, requests, wall time, and peak traced Python memory (tracemalloc, in a separate run since tracing
slows allocation). Memory flat in the row count means the 50,000-row peak is close to the 10,000-row one.
The notion-client loop is what a user writes without this provider: it holds every row in a list, and it stops
at Notion's 10,000-row cap without an error (its rows column shows how many it got).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess

MB = 1024 * 1024
NOTION_VERSION = "2026-03-11"


def traced_peak(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Peak traced memory in MB while ``fn`` runs, and its result."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB, result


def provider_export(data_source_id: str, fmt: str, folder: Path) -> dict[str, Any]:
    from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator

    task = NotionToObjectStorageOperator(
        task_id="bench",
        data_source_id=data_source_id,
        path=str(folder / f"provider.{fmt}"),
        format=fmt,
        mode="full",
        requests_per_second=None,
        asset_uri="",
    )
    return dict(task.execute({}))


def notion_client_export(emu: EmulatorProcess, data_source_id: str, fmt: str, folder: Path) -> dict[str, Any]:
    """The loop a user writes with notion-client: collect every page, flatten, write the file once."""
    import notion_client
    from notion_client.helpers import collect_paginated_api

    from airflow_provider_notion.jobs.export.columns import build_columns, flatten_page, text_form

    client = notion_client.Client(auth=emu.token, base_url=emu.base_url, notion_version=NOTION_VERSION)
    schema = client.data_sources.retrieve(data_source_id=data_source_id)["properties"]
    columns = build_columns(schema)
    rows = collect_paginated_api(client.data_sources.query, data_source_id=data_source_id)
    flat = [flatten_page(row, columns) for row in rows]
    target = folder / f"notion_client.{fmt}"
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        from airflow_provider_notion.jobs.export.writers import arrow_schema

        pq.write_table(pa.Table.from_pylist(flat, schema=arrow_schema(columns)), target)
    else:
        with target.open("w", encoding="utf-8") as handle:
            for row in flat:
                handle.write(
                    json.dumps({k: text_form(v) for k, v in row.items()}, separators=(",", ":")) + "\n"
                )
    return {"rows": len(flat)}


def measure(
    emu: EmulatorProcess, run: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], float, int, float]:
    """(result, seconds, requests, peak MB)."""
    emu.clear_requests()
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    sent = len(emu.requests_sent())
    peak, _ = traced_peak(run)
    return result, elapsed, sent, peak


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--small-rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    sizes = {"small": args.small_rows, "big": args.rows}
    table: list[tuple[str, str, int, int, float, int, float]] = []
    with EmulatorProcess(databases=sizes) as emu, tempfile.TemporaryDirectory() as tmp:
        emu.use_as_default_connection()
        folder = Path(tmp)
        provider_export(emu.databases["small"]["data_source_id"], "jsonl", folder)  # warm-up
        for fmt in ("parquet", "jsonl"):
            for name, count in sizes.items():
                source = emu.databases[name]["data_source_id"]
                runs: dict[str, Callable[[], dict[str, Any]]] = {
                    "NotionToObjectStorageOperator": lambda s=source, f=fmt: provider_export(s, f, folder),
                    "notion-client loop": lambda s=source, f=fmt: notion_client_export(emu, s, f, folder),
                }
                for who, run in runs.items():
                    result, elapsed, sent, peak = measure(emu, run)
                    table.append((who, fmt, count, int(result["rows"]), elapsed, sent, peak))

    print("\n== Export to Parquet / JSON Lines (emulator, loopback, no pacing) ==")
    columns = ("rows in db", "rows out", "time s", "requests", "peak MB")
    print(f"{'client':<31} {'format':<8} " + " ".join(f"{name:>10}" for name in columns))
    for who, fmt, count, rows, elapsed, sent, peak in table:
        print(f"{who:<31} {fmt:<8} {count:>10,} {rows:>10,} {elapsed:>10.1f} {sent:>10} {peak:>10.1f}")
    summary: list[str] = []
    for fmt in ("parquet", "jsonl"):
        for who in ("NotionToObjectStorageOperator", "notion-client loop"):
            small, big = (row for row in table if row[0] == who and row[1] == fmt)
            summary.append(
                f"{who} {fmt}: {big[3]:,} of {big[2]:,} rows in {big[4]:.1f} s, {big[5]} requests; peak "
                f"{small[6]:.1f} MB at {small[2]:,} rows vs {big[6]:.1f} MB at {big[2]:,} "
                f"(ratio {big[6] / small[6]:.2f})"
            )
    return summary


if __name__ == "__main__":
    for line in main():
        print(line)
