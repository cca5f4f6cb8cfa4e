"""Benchmark 6: pacing shared by several hosts through Redis, side by side with per-host pacing.

    .venv/bin/python -m benchmarks.bench_distributed_pacing [--rate 20] [--burst 10] [--hosts 4] [--tasks 4]
                                                            [--requests 30]

``hosts`` simulated hosts (processes with separate machine-wide pacing folders, as separate machines have) each
run ``tasks`` task processes (one of them a trigger-style async client) on ONE integration, against the emulator
(own process) limited to ``rate`` requests/s with a burst of ``burst``. Clients pace at 95% of the limit.

- per-host pacing (no ``pacing_backend``): each host's bucket allows the full rate, so together they ask for
  ``hosts`` x the limit;
- Redis (``[notion] pacing_backend = redis://...``, a real redis-server on loopback): one bucket for all.

Reported: failed tasks, 429 answers, throughput of successful requests over the limit (the same measure as
benchmark 3), and the cost of one reserve: Redis (one round trip) vs the machine-wide file vs in-process.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess
from benchmarks.bench_rate_limit import Outcome
from tests.pacing_hosts import Plan, run_hosts
from tests.redis_server import RedisServer

PACING_SHARE = 0.95


def scenario(emu: EmulatorProcess, name: str, args: argparse.Namespace, backend: str | None) -> Outcome:
    import requests

    emu.clear_requests()
    requests.put(  # a full server bucket for each scenario
        f"{emu.base_url}/_emulator/rate_limit", json={"rate": args.rate, "burst": args.burst}, timeout=10
    ).raise_for_status()
    with tempfile.TemporaryDirectory(prefix="bench-hosts-") as root:
        plans = [
            Plan(
                conn=emu.info["conn"],
                data_source_id=emu.databases["rows"]["data_source_id"],
                requests_per_task=args.requests,
                rate=args.rate * PACING_SHARE,
                pacing_backend=backend,
                pacing_dir=str(Path(root) / f"host-{index}"),
                tasks=args.tasks,
                async_tasks=1,
            )
            for index in range(args.hosts)
        ]
        results = run_hosts(plans, timeout=1800)
    # From the first task's first request to the last task's end (process start-up is not the API's time).
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    sent = [r for r in emu.requests_sent() if r["path"].startswith("/v1/")]
    return Outcome(
        name=name,
        tasks=len(results),
        failed=sum(1 for r in results if not r["ok"]),
        succeeded_requests=sum(1 for r in sent if r["status"] == 200),
        rate_limited=sum(1 for r in sent if r["status"] == 429),
        elapsed=elapsed,
        rate=args.rate,
    )


def reserve_cost(url: str, count: int = 2000) -> dict[str, float]:
    """Microseconds per reserve() with no waiting (a bucket far larger than the calls)."""
    from airflow_provider_notion.client.pacing.redis import RedisTokenBucket
    from airflow_provider_notion.client.pacing.token_bucket import HostTokenBucket, TokenBucket

    rate, burst = 1e9, 10**9
    with tempfile.TemporaryDirectory() as folder:
        buckets = {
            "in-process": TokenBucket(rate, burst),
            "machine-wide file": HostTokenBucket(Path(folder) / "bucket", rate, burst),
            "Redis (loopback)": RedisTokenBucket.from_url(url, "bench", rate, burst),
        }
        costs: dict[str, float] = {}
        for name, bucket in buckets.items():
            bucket.reserve()  # connect / create the file first
            started = time.perf_counter()
            for _ in range(count):
                bucket.reserve()
            costs[name] = (time.perf_counter() - started) / count * 1e6
    return costs


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=20.0, help="the emulator's limit, requests/s")
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=4, help="task processes per host")
    parser.add_argument("--requests", type=int, default=30, help="requests per task")
    args = parser.parse_args(argv)
    with (
        RedisServer() as server,
        EmulatorProcess(databases={"rows": 20}, rate_limit=(args.rate, args.burst)) as emu,
    ):
        outcomes = [
            scenario(emu, "per-host pacing (file per host)", args, None),
            scenario(emu, "Redis pacing_backend", args, server.url),
        ]
        costs = reserve_cost(server.url)
    total = args.hosts * args.tasks * args.requests
    print(
        f"\n== 6. Distributed pacing: {args.hosts} hosts x {args.tasks} tasks x {args.requests} requests, "
        f"emulator limit {args.rate:g}/s burst {args.burst}, clients paced at {PACING_SHARE:.0%} =="
    )
    print(
        f"{'scenario':34} {'failed':>6} {'ok req':>7} {'429s':>5} {'time s':>7} {'req/s':>6} {'of limit':>8}"
    )
    summary: list[str] = []
    for o in outcomes:
        print(
            f"{o.name:34} {o.failed:>6} {o.succeeded_requests:>7} {o.rate_limited:>5} {o.elapsed:>7.1f} "
            f"{o.throughput:>6.1f} {o.share_of_limit:>7.0%}"
        )
        summary.append(
            f"{o.name}: {o.failed}/{o.tasks} failed tasks, {o.succeeded_requests}/{total} requests, "
            f"{o.rate_limited} 429s, {o.throughput:.1f} req/s = {o.share_of_limit:.0%} of {o.rate:g}/s"
        )
    print("cost of one reserve(), no waiting: " + ", ".join(f"{k} {v:.0f} us" for k, v in costs.items()))
    summary.append("reserve() cost: " + ", ".join(f"{k} {v:.0f} us" for k, v in costs.items()))
    return summary


if __name__ == "__main__":
    main()
