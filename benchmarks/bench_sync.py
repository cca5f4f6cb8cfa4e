"""Benchmark 6: syncing a table into a database, ``sync_rows`` vs. the mapped per-row upsert.

    .venv/bin/python -m benchmarks.bench_sync [--rows 1000] [--changed 100] [--rate 20] [--latency 0.3]
                                              [--baseline-threads 4] [--skip-baseline]

The emulator (own process) limits the integration to ``rate`` requests/s with bursts of 10 (20/s instead of
Notion's ~3/s keeps the run short; the pacing mechanics are the same). Client hooks pace at 95% of the limit,
as the default pacing does for Notion's 3/s. Three steps, each measured for both ways of loading:

1. ``rows`` rows into an empty database;
2. the same rows again, unchanged;
3. the same rows with ``changed`` of them modified.

``sync``: one ``NotionHook.sync_rows`` call (default ``max_workers``). ``per-row``: what a mapped
``NotionCreateDatabaseItemOperator(unique_property="Name")`` does, one upsert per row with a fresh hook each
(get database, get data source, query by key, write), ``baseline-threads`` rows at a time as parallel mapped
task instances would. Everything runs twice: without, then with ``latency`` seconds injected before every
answer (the emulator's ``delay`` fault), so a write takes as long as Notion's do.

Reported per step: requests, writes, wall time, and the share of the limit used (requests / (rate * wall)).
Goals: first load <= rows + 12 requests, unchanged <= 12 requests and 0 writes, changed <= changed + 12, and
>= 95% of the limit used while writing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess

PACING_SHARE = 0.95


@dataclass
class Step:
    latency: float
    step: str
    mode: str
    requests: int
    writes: int
    rate_limited: int
    seconds: float
    rate: float
    write_seconds: float = 0.0

    @property
    def share(self) -> float:
        return self.requests / (self.rate * self.seconds) if self.seconds else 0.0

    @property
    def write_share(self) -> float:
        """Writes per second while writing, over the limit (sync only: it reports its writing time)."""
        return self.writes / (self.rate * self.write_seconds) if self.write_seconds else 0.0

    def line(self) -> str:
        return (
            f"latency {self.latency * 1000:.0f} ms | {self.step:<10} | {self.mode:<7} | {self.requests:>5} requests "
            f"| {self.writes:>5} writes | {self.seconds:7.1f} s | {self.share:6.1%} of the limit | "
            f"{self.rate_limited} x 429"
            + (f" | writing: {self.write_share:.1%} of the limit" if self.write_seconds else "")
        )


def source_rows(count: int, changed: int = 0) -> list[dict[str, Any]]:
    return [
        {"Name": f"item {i}", "Count": i + (1000 if i < changed else 0), "Tag": "ab"[i % 2]}
        for i in range(count)
    ]


def run_sync(database_id: str, rows: list[dict[str, Any]], pacing: float) -> float:
    """One sync; returns the seconds it spent writing (from its first write to its last answer)."""
    from airflow_provider_notion.hooks.notion import NotionHook
    from airflow_provider_notion.jobs.sync.engine import sync_rows

    result = sync_rows(NotionHook(requests_per_second=pacing), rows, key="Name", database_id=database_id)
    return float(result.get("write_seconds", 0.0))


def run_per_row(database_id: str, rows: list[dict[str, Any]], pacing: float, threads: int) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook
    from airflow_provider_notion.jobs.upsert import upsert_database_item
    from airflow_provider_notion.rules.targets import item_parent

    def upsert(row: dict[str, Any]) -> None:
        hook = NotionHook(requests_per_second=pacing)  # a fresh hook per mapped task instance
        parent = item_parent(hook.version, database_id=database_id)
        properties = {
            "Name": {"title": row["Name"]},
            "Count": {"number": row["Count"]},
            "Tag": {"select": {"name": row["Tag"]}},
        }
        upsert_database_item(hook, parent, properties, "Name")

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(upsert, rows))


def measure(emu: EmulatorProcess, latency: float, step: str, mode: str, rate: float, work: Any) -> Step:
    emu.clear_requests()
    started = time.perf_counter()
    write_seconds = work()
    seconds = time.perf_counter() - started
    log = emu.requests_sent()
    writes = sum(1 for r in log if r["method"] in ("POST", "PATCH") and "/query" not in r["path"])
    limited = sum(1 for r in log if r["status"] == 429)
    return Step(latency, step, mode, len(log), writes, limited, seconds, rate, float(write_seconds or 0.0))


def run_at_latency(args: argparse.Namespace, latency: float) -> list[Step]:
    steps: list[Step] = []
    pacing = args.rate * PACING_SHARE
    modes = ["sync"] if args.skip_baseline else ["sync", "per-row"]
    with EmulatorProcess(databases=dict.fromkeys(modes, 0), rate_limit=(args.rate, 10)) as emu:
        emu.use_as_default_connection()
        if latency:
            fault = {"kind": "delay", "delay_seconds": latency, "count": 10**9, "path": "^/v1/"}
            requests.post(f"{emu.base_url}/_emulator/faults", json=fault, timeout=30).raise_for_status()
        plan = [
            ("first load", source_rows(args.rows)),
            ("unchanged", source_rows(args.rows)),
            (f"{args.changed} changed", source_rows(args.rows, args.changed)),
        ]
        for step, rows in plan:
            for mode in modes:
                database_id = emu.databases[mode]["id"]
                if mode == "sync":
                    work: Any = lambda d=database_id, r=rows: run_sync(d, r, pacing)  # noqa: E731
                else:
                    work = lambda d=database_id, r=rows: run_per_row(d, r, pacing, args.baseline_threads)  # noqa: E731
                result = measure(emu, latency, step, mode, args.rate, work)
                print(result.line(), flush=True)
                steps.append(result)
    return steps


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--baseline-threads", type=int, default=4)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv or [])
    # Our own pacing files: another process on this machine pacing the same (emulator) token must not share them.
    os.environ["AIRFLOW_NOTION_PACING_DIR"] = tempfile.mkdtemp(prefix="bench-sync-pacing-")
    print(f"emulator limit {args.rate:g} requests/s (burst 10), client pacing {args.rate * PACING_SHARE:g}/s")
    from airflow_provider_notion.hooks.notion import NotionHook  # import Airflow before any clock starts

    del NotionHook
    steps = run_at_latency(args, 0.0) + run_at_latency(args, args.latency)
    lines = [s.line() for s in steps]
    for latency in (0.0, args.latency):
        syncs = [s for s in steps if s.mode == "sync" and s.latency == latency]
        first, unchanged, changed = syncs
        lines.append(
            f"sync at {latency * 1000:.0f} ms: first load {first.requests} requests (goal <= {args.rows + 12}), "
            f"unchanged {unchanged.requests} requests / {unchanged.writes} writes (goal <= 12 / 0), "
            f"changed {changed.requests} (goal <= {args.changed + 12}); first load: {first.share:.1%} of the limit "
            f"overall, {first.write_share:.1%} while writing (goal >= 95%; pacing is {PACING_SHARE:.0%})"
        )
    return lines


if __name__ == "__main__":
    import sys

    for summary in main(sys.argv[1:]):
        print(summary)
