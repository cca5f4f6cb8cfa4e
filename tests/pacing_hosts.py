"""Simulated Airflow hosts sharing one integration: for the distributed pacing test and its benchmark.

Each host is a process of its own (``python -m tests.pacing_hosts '<json>'``) with its own machine-wide pacing
folder, as separate machines would have; it forks ``tasks`` task processes, as a Celery worker does. A task is
a ``NotionHook`` sending queries (a worker's task), or an ``AsyncNotionClient`` on an event loop (a trigger).
Each host prints ``ready`` once its tasks have read their connection and waits for ``go`` on stdin, so every
task of every host starts at once (a host's start-up is not the API's time); then one JSON line: each task's
outcome and when its requests started and ended.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Plan:
    conn: dict[str, Any]
    data_source_id: str
    requests_per_task: int
    rate: float  # client-side pacing, requests/s
    pacing_backend: str | None
    pacing_dir: str
    tasks: int = 4
    async_tasks: int = 1  # of ``tasks``, how many are trigger-style async clients


def run_hosts(plans: list[Plan], timeout: float = 300.0) -> list[dict[str, Any]]:
    """Start one process per plan at once; return every task's result."""
    env = {key: value for key, value in os.environ.items() if key != "AIRFLOW__NOTION__PACING_BACKEND"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.pacing_hosts", json.dumps(plan.__dict__)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            text=True,
        )
        for plan in plans
    ]
    for process in processes:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a simulated host did not start")
    for process in processes:  # every host's tasks start together
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results: list[dict[str, Any]] = []
    for process in processes:
        out, _ = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise RuntimeError(f"a simulated host exited with {process.returncode}")
        results.extend(json.loads(out.strip().splitlines()[-1]))
    return results


_ready: Any = None  # multiprocessing.Barrier of the host's tasks and the host, inherited through fork
_go: Any = None  # multiprocessing.Event set when every host is ready


def _task(args: tuple[Plan, bool]) -> dict[str, Any]:
    plan, is_async = args
    from airflow_provider_notion.hooks.notion import NotionHook

    hook = NotionHook(requests_per_second=plan.rate)
    hook.settings  # noqa: B018 - read the connection before the clock starts
    _ready.wait()
    _go.wait()
    started = time.time()
    try:
        if is_async:
            import asyncio

            from airflow_provider_notion.client.aio import AsyncNotionClient

            async def poke() -> None:
                client = AsyncNotionClient(hook.settings, hook.version.name, requests_per_second=plan.rate)
                for _ in range(plan.requests_per_task):
                    await client.request("GET", "/v1/users/me")

            asyncio.run(poke())
        else:
            for _ in range(plan.requests_per_task):
                hook.query_database(data_source_id=plan.data_source_id, page_size=5)
    except Exception as error:
        return {"ok": False, "error": type(error).__name__, "started": started, "ended": time.time()}
    ended = time.time()
    waited = float(getattr(hook._bucket, "waited", 0.0))  # what the bucket told this task to wait, in total
    return {"ok": True, "async": is_async, "started": started, "ended": ended, "waited": waited}


def _host(plan: Plan) -> None:
    os.environ["AIRFLOW_NOTION_PACING_DIR"] = plan.pacing_dir
    os.environ["AIRFLOW_CONN_NOTION_DEFAULT"] = json.dumps(plan.conn)
    if plan.pacing_backend:
        os.environ["AIRFLOW__NOTION__PACING_BACKEND"] = plan.pacing_backend
    # Import before forking, as a worker has: the tasks start at once instead of each importing Airflow.
    import airflow_provider_notion.client.aio
    import airflow_provider_notion.hooks.notion

    if plan.pacing_backend:
        # redis-py takes most of a second to import; a Celery worker on a Redis broker has it loaded already.
        import airflow_provider_notion.client.pacing.redis  # noqa: F401

    global _ready, _go
    context = multiprocessing.get_context("fork")
    _ready, _go = context.Barrier(plan.tasks + 1), context.Event()
    kinds = [index < plan.async_tasks for index in range(plan.tasks)]
    with context.Pool(plan.tasks) as pool:
        pending = pool.map_async(_task, [(plan, kind) for kind in kinds])
        _ready.wait()
        print("ready", flush=True)
        sys.stdin.readline()
        _go.set()
        results = pending.get()
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    _host(Plan(**json.loads(sys.argv[1])))
