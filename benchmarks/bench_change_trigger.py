"""Benchmark: 200 NotionChangeTriggers (one per data source) in one event loop, at Notion's rate.

    .venv/bin/python -m benchmarks.bench_change_trigger [--watchers 200] [--speedup 6] [--minutes 10]

Notion reports edits to the minute and allows ~3 requests/s per integration, so the numbers that matter are
minutes long. The run compresses time by ``--speedup``: the triggers' injected clock runs that much faster than
the wall clock, their sleeps are that much shorter and the client-side pacing is that much higher (3 x speedup
real requests/s = 3 requests per virtual second). Edits are written into the in-process emulator stamped with
the virtual time. Every figure below is in virtual (Notion) time.

Reported:
- requests per (virtual) minute against the 180/min budget of 3 requests/s (ratio, measured in this run);
- change-to-event latency (an edit's virtual time to the event naming its row), p50/p99/max, and the ratio of p99
  to the bound the design gives (the rest of the edit's minute + settle + one full poll cycle);
- traced Python memory per watcher (tracemalloc, emulator allocations excluded);
- rows reported twice or never (both must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-notion-bench-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from notion_emulator import NotionEmulator

from airflow_provider_notion.triggers.change import NotionChangeTrigger

NOTION_RATE = 3.0
POLL_INTERVAL = 60.0
SETTLE = 5.0


class VirtualTime:
    def __init__(self, speedup: float) -> None:
        self.speedup = speedup
        self.start_real = time.monotonic()
        self.start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.start_real) * self.speedup)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speedup)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def watched_sources(emu: NotionEmulator, count: int) -> list[str]:
    """``count`` new databases with a title property, as the data source ids a watcher is given."""
    return [
        str(
            emu.add_database(parent_id=emu.root_page_id, title=f"S{i}", properties={"Name": {"title": {}}})[
                "data_source_id"
            ]
        )
        for i in range(count)
    ]


async def run(watchers: int, speedup: float, minutes: float) -> dict[str, Any]:
    with NotionEmulator(seed="demo") as emu:
        os.environ["AIRFLOW_CONN_NOTION_DEFAULT"] = emu.airflow_conn_json
        sources = watched_sources(emu, watchers)
        clock = VirtualTime(speedup)
        # Notion's clock (the emulator's Date header and timestamps) runs on the same virtual time as the
        # watchers': the trigger closes its windows on Notion's clock, so a Notion on real time would sit two
        # hours ahead of the rows it stamps and tick six times slower than the watchers.
        emu.clock = clock.now
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        triggers = [
            NotionChangeTrigger(
                data_source_id=source,
                start_after=clock.now().isoformat(),
                poll_interval=POLL_INTERVAL,
                settle_seconds=SETTLE,
                requests_per_second=NOTION_RATE * speedup,
                clock=clock.now,
                sleep=clock.sleep,
            )
            for source in sources
        ]
        edits: dict[str, datetime] = {}
        reported: Counter[str] = Counter()
        latencies: list[float] = []

        async def consume(trigger: NotionChangeTrigger) -> None:
            async for event in trigger.run():
                for row in event.payload["row_ids"]:
                    reported[row] += 1
                    if row in edits:
                        latencies.append((clock.now() - edits[row]).total_seconds())

        async def edit() -> None:
            rng = random.Random(7)
            plan = sorted((rng.uniform(60, (minutes - 3) * 60), source) for source in sources)
            for offset, source in plan:
                moment = clock.start + timedelta(seconds=offset)
                while clock.now() < moment:
                    await asyncio.sleep(0.01)
                page = emu.state.create_page(
                    parent_type="data_source_id",
                    parent_id=source,
                    properties_input={"Name": {"title": [{"text": {"content": "x"}}]}},
                    creator_id=emu.default_integration().id,
                    created=clock.now(),
                )
                edits[page.id] = clock.now()

        tasks = [asyncio.create_task(consume(t)) for t in triggers]
        await asyncio.sleep(2 / speedup * POLL_INTERVAL)  # every watcher has started and polled once
        settled = tracemalloc.take_snapshot()
        not_emulator = [tracemalloc.Filter(False, "*/emulator/*"), tracemalloc.Filter(False, "*tracemalloc*")]
        grown = sum(
            stat.size_diff
            for stat in settled.filter_traces(not_emulator).compare_to(
                before.filter_traces(not_emulator), "filename"
            )
        )
        tracemalloc.stop()  # it slows every allocation; the rest is timed without it
        del before, settled
        emu.clear_request_log()
        counted_from = clock.now()
        await edit()
        end = clock.start + timedelta(minutes=minutes)
        while clock.now() < end or (
            any(reported[row] == 0 for row in edits) and clock.now() < end + timedelta(minutes=6)
        ):
            await asyncio.sleep(0.1)
        elapsed_min = (clock.now() - counted_from).total_seconds() / 60
        queries = sum(1 for r in emu.request_log if r.path.endswith("/query"))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        status_429 = sum(1 for r in emu.request_log if r.status == 429)
    cycle = watchers / NOTION_RATE
    bound = 60 + SETTLE + max(POLL_INTERVAL, cycle)
    return {
        "watchers": watchers,
        "speedup": speedup,
        "requests_per_min": queries / elapsed_min,
        "budget_per_min": NOTION_RATE * 60,
        "latency_p50": percentile(latencies, 50),
        "latency_p99": percentile(latencies, 99),
        "latency_max": max(latencies, default=float("nan")),
        "latency_bound": bound,
        "memory_per_watcher": grown / watchers,
        "edits": len(edits),
        "missed": sum(1 for row in edits if reported[row] == 0),
        "duplicates": sum(1 for n in reported.values() if n > 1),
        "status_429": status_429,
    }


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--speedup", type=float, default=6.0)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args(argv or [])
    r = asyncio.run(run(args.watchers, args.speedup, args.minutes))
    lines = [
        f"{r['watchers']} watchers, time x{r['speedup']:g}: {r['requests_per_min']:.0f} requests/min "
        f"({r['requests_per_min'] / r['budget_per_min']:.2f} of the {r['budget_per_min']:.0f}/min budget), "
        f"{r['status_429']} x 429",
        f"change-to-event latency p50 {r['latency_p50']:.0f} s, p99 {r['latency_p99']:.0f} s, max "
        f"{r['latency_max']:.0f} s (p99 / design bound {r['latency_bound']:.0f} s = "
        f"{r['latency_p99'] / r['latency_bound']:.2f})",
        f"memory per watcher {r['memory_per_watcher'] / 1024:.1f} KiB; {r['edits']} edits, {r['missed']} missed, "
        f"{r['duplicates']} reported twice",
    ]
    for line in lines:
        print(line)
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
