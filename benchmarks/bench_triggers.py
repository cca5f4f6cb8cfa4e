"""Benchmark: 1,000 waiting NotionQueryTriggers in one event loop, against the local emulator.

    .venv/bin/python benchmarks/bench_triggers.py [--triggers 1000] [--poke-interval 15] [--duration 45]

The emulator runs in a subprocess (so its memory is not counted) with a per-integration rate limit; the
triggers run here, as in a triggerer, sharing one httpx client and one pacing bucket per token. Nothing ever
matches, so every trigger keeps polling until its deadline and ends with a ``timeout`` event.

Reported:
- peak traced Python memory (tracemalloc) while all triggers wait, in total and per trigger;
- lateness of polls: ``wake`` = when a poll started minus when its interval ended (event-loop load), ``done``
  = when its answer arrived minus the same moment (adds queueing for the token's budget and HTTP);
  p50/p90/p99/max; polls still queued at a trigger's deadline are counted apart;
- event-loop lag (a 100 ms heartbeat's overshoot);
- HTTP statuses seen: 429s (absorbed by retries if no trigger ended with an error), errors, events by status.

Scenarios: "fits" (the triggers' demand is below the client pacing rate, starts spread over one interval),
"overcommitted" (demand above the pacing: polls queue, Notion's limit is still kept), "fits-restart" (all
triggers start at once, as after a triggerer restart) and "notion-default" (Notion's documented 3 requests/s
with the hook's default pacing of 3/s).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-notion-bench-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

import httpx

from airflow_provider_notion.client import aio as async_client
from airflow_provider_notion.client.aio import AsyncNotionClient
from airflow_provider_notion.triggers.notion import NotionQueryTrigger

NOTION_VERSION = "2026-03-11"


@dataclass
class Scenario:
    name: str
    triggers: int
    poke_interval: float
    duration: float
    server_rate: float  # the emulator's limit per integration (requests/s)
    server_burst: int
    client_rate: float  # pacing per token in this process (requests/s)
    stagger: bool = True  # spread the triggers' start over one interval (else all start together)


@dataclass
class Measurements:
    wake_lateness: list[float] = field(default_factory=list)
    done_lateness: list[float] = field(default_factory=list)
    loop_lag: list[float] = field(default_factory=list)
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    abandoned: int = 0


class MeasuredTrigger(NotionQueryTrigger):
    """Records how late each poll starts and finishes relative to the end of its interval."""

    measurements: Measurements

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._due: float | None = None
        self._polling = False

    async def wait(self, seconds: float) -> None:
        if not self._polling:  # the interval between polls (pacing and retry waits happen inside poll)
            self._due = time.monotonic() + seconds
        await super().wait(seconds)

    async def poll(self, client: AsyncNotionClient) -> dict[str, Any]:
        started = time.monotonic()
        if self._due is not None:
            self.measurements.wake_lateness.append(started - self._due)
        self._polling = True
        try:
            page = await super().poll(client)
        except BaseException:
            self.measurements.abandoned += 1  # the deadline came first (or Notion refused)
            raise
        finally:
            self._polling = False
        if self._due is not None:
            self.measurements.done_lateness.append(time.monotonic() - self._due)
        return page


def start_emulator(rate: float, burst: int) -> tuple[subprocess.Popen[str], str]:
    """The emulator in its own process; returns it and its Airflow connection JSON."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "notion_emulator",
            "--port",
            "0",
            "--rate-limit",
            str(rate),
            "--burst",
            str(burst),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "AIRFLOW_CONN_NOTION_DEFAULT=" in line:
            return process, line.split("=", 1)[1].strip().strip("'")
    process.kill()
    raise RuntimeError("the emulator did not start")


def set_server_limit(conn: dict[str, Any], rate: float, burst: int) -> None:
    """Reconfigure the emulator's per-integration limit (this also refills its buckets)."""
    httpx.put(f"{conn['host']}/_emulator/rate_limit", json={"rate": rate, "burst": burst}).raise_for_status()


def create_data_source(conn: dict[str, Any]) -> str:
    """An empty-of-matches data source to wait on (one row that never matches)."""
    headers = {"Authorization": f"Bearer {conn['password']}", "Notion-Version": NOTION_VERSION}
    with httpx.Client(base_url=conn["host"], headers=headers, timeout=10) as http:
        root = http.post("/v1/search", json={"filter": {"property": "object", "value": "page"}}).json()
        parent = root["results"][0]["id"]
        database = http.post(
            "/v1/databases",
            json={
                "parent": {"page_id": parent},
                "title": [{"text": {"content": "Bench"}}],
                "initial_data_source": {"properties": {"Name": {"title": {}}, "Ready": {"checkbox": {}}}},
            },
        ).json()
        data_source = str(database["data_sources"][0]["id"])
        http.post(
            "/v1/pages",
            json={
                "parent": {"data_source_id": data_source},
                "properties": {
                    "Name": {"title": [{"text": {"content": "draft"}}]},
                    "Ready": {"checkbox": False},
                },
            },
        ).raise_for_status()
        return data_source


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50": round(at(0.50), 3),
        "p90": round(at(0.90), 3),
        "p99": round(at(0.99), 3),
        "max": round(ordered[-1], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


async def heartbeat(measurements: Measurements, stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.monotonic()
        await asyncio.sleep(0.1)
        measurements.loop_lag.append(time.monotonic() - before - 0.1)


async def run_scenario(scenario: Scenario, data_source: str) -> dict[str, Any]:
    measurements = Measurements()
    MeasuredTrigger.measurements = measurements

    original_new_client = async_client.new_client

    def counting_client() -> httpx.AsyncClient:
        async def count(response: httpx.Response) -> None:
            measurements.statuses[response.status_code] += 1

        client = original_new_client()
        client.event_hooks["response"].append(count)
        return client

    # Memory is traced from before the triggers exist, as a triggerer sees them arrive.
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    async_client.new_client = counting_client  # type: ignore[assignment]
    try:
        spread = scenario.poke_interval if scenario.stagger else 0.0
        # Each trigger waits (duration - spread) seconds from its own start, so deadlines are spread like starts.
        lifetime = scenario.duration - spread
        if lifetime < spread:
            raise SystemExit(
                "--duration must be at least twice --poke-interval, so all triggers wait at once"
            )

        def make_trigger() -> MeasuredTrigger:
            return MeasuredTrigger(
                conn_id="notion_default",
                query_path=f"/data_sources/{data_source}/query",
                body={"filter": {"property": "Ready", "checkbox": {"equals": True}}},
                end_time=time.time() + lifetime,
                poke_interval=scenario.poke_interval,
                requests_per_second=scenario.client_rate,
            )

        async def first_event(delay: float) -> dict[str, Any]:
            await asyncio.sleep(delay)  # sensors defer at different moments in a running deployment
            trigger = make_trigger()
            async for event in trigger.run():
                payload: dict[str, Any] = event.payload
                return payload
            return {"status": "no event"}

        stop = asyncio.Event()
        beat = asyncio.create_task(heartbeat(measurements, stop))
        started = time.monotonic()
        rng = random.Random(42)
        events = await asyncio.gather(
            *(first_event(rng.uniform(0, spread)) for _ in range(scenario.triggers))
        )
        elapsed = time.monotonic() - started
        stop.set()
        await beat
        _, peak = tracemalloc.get_traced_memory()
    finally:
        async_client.new_client = original_new_client  # type: ignore[assignment]
        tracemalloc.stop()
    requests_sent = sum(measurements.statuses.values())
    demand = scenario.triggers / scenario.poke_interval
    return {
        "scenario": scenario.name,
        "triggers": scenario.triggers,
        "poke_interval_s": scenario.poke_interval,
        "staggered_start": scenario.stagger,
        "demand_rps": round(demand, 1),
        "client_pacing_rps": scenario.client_rate,
        "emulator_limit_rps": scenario.server_rate,
        "elapsed_s": round(elapsed, 1),
        "requests": requests_sent,
        "achieved_rps": round(requests_sent / elapsed, 1),
        "statuses": dict(sorted(measurements.statuses.items())),
        "events": dict(collections.Counter(e["status"] for e in events)),
        "error_messages": sorted({e.get("message", "")[:120] for e in events if e["status"] == "error"})[:3],
        "peak_memory_mib": round((peak - baseline) / 2**20, 2),
        "peak_memory_per_trigger_kib": round((peak - baseline) / scenario.triggers / 1024, 1),
        "polls_answered": len(measurements.done_lateness),
        "polls_cut_by_deadline": measurements.abandoned,
        "wake_lateness_s": percentiles(measurements.wake_lateness),
        "done_lateness_s": percentiles(measurements.done_lateness),
        "loop_lag_s": percentiles(measurements.loop_lag),
    }


def summary_line(result: dict[str, Any]) -> str:
    """One line: load, 429s, events, memory and lateness of a scenario."""
    done = result["done_lateness_s"]
    return (
        f"{result['scenario']}: {result['triggers']} triggers, demand {result['demand_rps']}/s, pacing "
        f"{result['client_pacing_rps']:g}/s, limit {result['emulator_limit_rps']:g}/s -> {result['requests']} "
        f"requests, 429s {result['statuses'].get(429, 0)}, events {result['events']}, peak "
        f"{result['peak_memory_mib']} MiB ({result['peak_memory_per_trigger_kib']} KiB/trigger), answer lateness "
        f"p50 {done.get('p50')} s p99 {done.get('p99')} s, loop lag max {result['loop_lag_s'].get('max')} s"
    )


def main(argv: list[str] | None = None) -> list[str]:
    """Run the scenarios, print each result as JSON, and return one summary line per scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triggers", type=int, default=1000)
    parser.add_argument("--poke-interval", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per scenario")
    parser.add_argument("--server-rate", type=float, default=100.0, help="emulator limit per integration")
    parser.add_argument("--only", nargs="*", help="scenario names to run (default: all)")
    args = parser.parse_args(argv)
    demand = args.triggers / args.poke_interval
    common = {"triggers": args.triggers, "poke_interval": args.poke_interval, "duration": args.duration}
    scenarios = [
        # Pacing above the triggers' demand and below the integration's limit: polls run on time.
        Scenario("fits", **common, server_rate=args.server_rate, server_burst=10, client_rate=80.0),
        # More demand than the pacing allows: polls queue in the shared bucket, Notion's limit is still kept.
        Scenario(
            "overcommitted", **common, server_rate=args.server_rate, server_burst=10, client_rate=demand / 2
        ),
        # All triggers start at once (a triggerer restart): the first polls queue behind each other.
        Scenario(
            "fits-restart",
            **common,
            server_rate=args.server_rate,
            server_burst=10,
            client_rate=80.0,
            stagger=False,
        ),
        # Notion's documented average (3 requests/s, bursts of 10) and the hook's default pacing of 3/s.
        Scenario("notion-default", **common, server_rate=3.0, server_burst=10, client_rate=3.0),
    ]
    summary: list[str] = []
    process, conn_json = start_emulator(args.server_rate, 10)
    try:
        conn = json.loads(conn_json)
        os.environ["AIRFLOW_CONN_NOTION_DEFAULT"] = conn_json
        data_source = create_data_source(conn)
        for scenario in scenarios:
            if args.only and scenario.name not in args.only:
                continue
            set_server_limit(conn, scenario.server_rate, scenario.server_burst)
            result = asyncio.run(run_scenario(scenario, data_source))
            print(json.dumps(result, indent=2), flush=True)
            summary.append(summary_line(result))
    finally:
        process.terminate()
        process.wait(timeout=10)
    return summary


if __name__ == "__main__":
    main()
