"""Benchmark 3: 8 concurrent tasks on one integration against the emulator's rate limit.

    .venv/bin/python -m benchmarks.bench_rate_limit [--rate 30] [--burst 10] [--tasks 8] [--requests 30]

The emulator (own process) limits the integration to ``rate`` requests/s with a burst of ``burst`` (30/s
instead of Notion's ~3/s keeps the run short; the mechanics are the same). Each task is a NotionHook of its
own sending ``requests`` small queries. Scenarios:

- threads, hooks paced at the limit: the hooks of one process share a token bucket per token;
- threads, pacing off: the tasks rely on 429 + ``Retry-After`` alone;
- processes (as Airflow runs tasks), paced at the same rate: the hooks of every process on the machine share
  one token bucket through a locked file, so 8 processes pace like 8 threads.

Reported: failed tasks, 429 answers, and throughput of successful requests over the limit. The most a client
can get in ``T`` seconds is ``burst + rate * T``; the goal is >= 90% of ``rate``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass

import benchmarks  # noqa: F401 - sets AIRFLOW_HOME before Airflow is imported
from benchmarks._emulator import EmulatorProcess

# Pacing a little under the server's limit: at exactly the limit, network jitter lets the odd request reach
# the server's bucket a moment early, and each 429 stalls every task for a whole Retry-After second.
PACING_SHARE = 0.95


@dataclass
class Outcome:
    name: str
    tasks: int
    failed: int
    succeeded_requests: int
    rate_limited: int
    elapsed: float
    rate: float

    @property
    def throughput(self) -> float:
        return self.succeeded_requests / self.elapsed

    @property
    def share_of_limit(self) -> float:
        return self.throughput / self.rate


TaskResult = tuple[bool, float, float]  # succeeded, wall-clock start and end of its requests


def run_task(conn_json: str, data_source_id: str, count: int, pacing: float | None) -> TaskResult:
    """One task: ``count`` queries with its own hook. Timed from its first request, not from process start."""
    os.environ["AIRFLOW_CONN_NOTION_DEFAULT"] = conn_json
    from airflow_provider_notion.hooks.notion import NotionHook

    hook = NotionHook(requests_per_second=pacing)
    hook.settings  # noqa: B018 - read the connection before the clock starts
    started = time.time()
    try:
        for _ in range(count):
            hook.query_database(data_source_id=data_source_id, page_size=5)
    except Exception:
        return False, started, time.time()
    return True, started, time.time()


def _process_task(args: tuple[str, str, int, float | None]) -> TaskResult:
    return run_task(*args)


def scenario(
    emu: EmulatorProcess, name: str, args: argparse.Namespace, pacing: float | None, processes: bool
) -> Outcome:
    source = emu.databases["rows"]["data_source_id"]
    task_args = (emu.conn_json, source, args.requests, pacing)
    emu.clear_requests()
    # Refill the emulator's bucket: each scenario starts from a full burst.
    import requests

    requests.put(
        f"{emu.base_url}/_emulator/rate_limit", json={"rate": args.rate, "burst": args.burst}, timeout=10
    ).raise_for_status()
    results: list[TaskResult] = []
    if processes:
        with multiprocessing.get_context("spawn").Pool(args.tasks) as pool:
            results = pool.map(_process_task, [task_args] * args.tasks)
    else:
        lock = threading.Lock()

        def thread_task() -> None:
            outcome = _process_task(task_args)
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=thread_task) for _ in range(args.tasks)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # From the first task's first request to the last task's end (process start-up is not the API's time).
    elapsed = max(end for _, _, end in results) - min(start for _, start, _ in results)
    sent = emu.requests_sent()
    return Outcome(
        name=name,
        tasks=args.tasks,
        failed=sum(1 for ok, _, _ in results if not ok),
        succeeded_requests=sum(1 for r in sent if r["status"] == 200 and r["path"].endswith("/query")),
        rate_limited=sum(1 for r in sent if r["status"] == 429),
        elapsed=elapsed,
        rate=args.rate,
    )


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=30.0, help="the emulator's limit, requests/s")
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--requests", type=int, default=30, help="queries per task")
    parser.add_argument("--skip-processes", action="store_true")
    args = parser.parse_args(argv)
    outcomes: list[Outcome] = []
    with EmulatorProcess(databases={"rows": 20}, rate_limit=(args.rate, args.burst)) as emu:
        paced = args.rate * PACING_SHARE
        outcomes.append(scenario(emu, f"threads, paced at {paced:g}/s", args, paced, processes=False))
        outcomes.append(scenario(emu, f"threads, paced at {args.rate:g}/s", args, args.rate, processes=False))
        outcomes.append(scenario(emu, "threads, pacing off (429 only)", args, None, processes=False))
        if not args.skip_processes:
            # Every process's hook paces through the same bucket file on this machine (ratelimit.py).
            outcomes.append(scenario(emu, f"processes, sharing {paced:g}/s", args, paced, processes=True))
    total = args.tasks * args.requests
    print(
        f"\n== 3. Shared rate limit: {args.tasks} tasks x {args.requests} queries, emulator limit "
        f"{args.rate:g}/s burst {args.burst} =="
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
    return summary


if __name__ == "__main__":
    main()
