"""4 simulated hosts x 4 task processes on one integration share one Redis budget: no 429.

Each host has its own machine-wide pacing folder, so only Redis can make them agree; without it they would
send 4x the emulator's limit (benchmarks/bench_distributed_pacing.py measures both side by side: 429s,
throughput). This test asserts correctness only: every task succeeds, every request is answered 200, none 429.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from notion_emulator import NotionEmulator, RateLimit

from tests.pacing_hosts import Plan, run_hosts

HOSTS = 4
TASKS_PER_HOST = 4  # one of them a trigger-style async client
REQUESTS_PER_TASK = 6
LIMIT = RateLimit(rate=20.0, burst=10)
# The benchmark paces at 95% of the limit; the test leaves more room, as its subject is sharing, not speed.
PACING = LIMIT.rate * 0.8


@pytest.fixture
def limited_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo", rate_limit=LIMIT, max_logged_requests=100_000) as emu:
        yield emu


@pytest.mark.timeout(600)
def test_hosts_sharing_redis_send_no_request_over_the_limit(limited_emulator, redis_url, tmp_path) -> None:
    emu = limited_emulator
    database = emu.add_database(parent_id=emu.root_page_id, title="rows", properties={"Name": {"title": {}}})
    plans = [
        Plan(
            conn=emu.airflow_conn_dict,
            data_source_id=database["data_source_id"],
            requests_per_task=REQUESTS_PER_TASK,
            rate=PACING,
            pacing_backend=redis_url,  # as AIRFLOW__NOTION__PACING_BACKEND on every host
            pacing_dir=str(tmp_path / f"host-{index}"),
            tasks=TASKS_PER_HOST,
            async_tasks=1,
        )
        for index in range(HOSTS)
    ]
    results = run_hosts(plans)

    assert len(results) == HOSTS * TASKS_PER_HOST
    assert all(result["ok"] for result in results), results
    assert sum(1 for result in results if result["async"]) == HOSTS
    api = [record for record in emu.request_log if record.path.startswith("/v1/")]
    statuses = sorted({record.status for record in api})
    assert statuses == [200], f"statuses seen: {statuses}"  # not one 429
    assert len(api) == HOSTS * TASKS_PER_HOST * REQUESTS_PER_TASK
    # The one integration has one bucket in Redis (had a host paced on its own file, 429s would show above).
    assert len(redis.Redis.from_url(redis_url).keys("airflow-notion:pacing:*")) == 1
