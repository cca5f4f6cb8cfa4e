"""Benchmark: Notion webhooks vs polling (issue 22), all figures measured in this run.

    .venv/bin/python -m benchmarks.bench_webhooks [--watchers 200] [--minutes 10] [--rounds 5] [--deliveries 300]

1. **Polling cost** (in-process emulator, virtual time): requests per minute for ``--watchers`` watched data sources
   of one integration, every watcher polling alone (``NotionChangeTrigger``, 60 s: the baseline) vs the shared
   backstop (``backstop=True``: one search per interval for all of them) at 60 s and at 900 s. Goal: <= 2/min.
2. **Edit -> DAG run queued** (real api-server, dag-processor, scheduler and triggerer, SQLite, LocalExecutor):
   each round edits one row of a data source followed by webhooks and one of a data source watched by a plain
   ``NotionChangeTrigger`` (60 s, the default), at the same moment; the time to each DAG run's ``queued_at``,
   p50/p99 over ``--rounds``. Goal: webhooks p50 <= 5 s. The emulator delivers with no added delay (Notion's
   own delivery delay is not emulated).
3. **Deliveries per second the receiver records** (same API server): ``--deliveries`` signed page events, each a
   new event id on a scheduled asset, posted one at a time and from 4 threads; and replays of them (duplicates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-notion-bench-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

import requests
from notion_emulator import NotionEmulator

from airflow_provider_notion.rules.timestamps import floor_minute
from airflow_provider_notion.rules.webhooks import sign
from airflow_provider_notion.triggers.backstop import poll_changes
from airflow_provider_notion.triggers.change import NotionChangeTrigger
from benchmarks.bench_change_trigger import percentile, watched_sources
from tests.e2e.airflow_processes import AirflowDeployment


class Stop(Exception):
    pass


class FakeTime:
    """A trigger's clock that only moves when it sleeps (virtual minutes cost no wall time)."""

    def __init__(self, start: datetime, until: datetime) -> None:
        self.now, self.until = start, until

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        if self.now > self.until:
            raise Stop


# ------------------------------------------------------------------------------------------- 1. polling cost


async def polling_cost(watchers: int, minutes: int) -> dict[str, float]:
    with NotionEmulator(seed="demo") as emu:
        os.environ["AIRFLOW_CONN_NOTION_DEFAULT"] = emu.airflow_conn_json
        sources = watched_sources(emu, watchers)
        start = floor_minute(datetime.now(UTC)) - timedelta(hours=2)
        for index, source in enumerate(sources):  # one edit per data source, spread over the run
            emu.state.create_page(
                parent_type="data_source_id",
                parent_id=source,
                properties_input={"Name": {"title": [{"text": {"content": "x"}}]}},
                creator_id=emu.default_integration().id,
                created=start + timedelta(seconds=30 + index * (minutes - 1) * 60 / watchers),
            )

        async def drain(trigger: NotionChangeTrigger, stream: Any) -> None:
            try:
                async for _ in stream:
                    pass
            except Stop:
                pass

        def make(source: str, span: int = minutes, **kwargs: Any) -> NotionChangeTrigger:
            fake = FakeTime(start + timedelta(seconds=1), start + timedelta(minutes=span))
            return NotionChangeTrigger(
                data_source_id=source,
                start_after=start.isoformat(),
                requests_per_second=None,
                clock=fake.clock,
                sleep=fake.sleep,
                **kwargs,
            )

        results: dict[str, float] = {}
        emu.clear_request_log()
        for source in sources:
            trigger = make(source, poll_interval=60)
            await drain(trigger, trigger.run())
        results["alone_60s"] = len(emu.request_log) / minutes
        for interval in (60, 900):
            span = max(minutes, 4 * interval // 60)  # a 900 s backstop needs an hour to poll a few times
            emu.clear_request_log()
            trigger = make(sources[0], span, poll_interval=interval, backstop=True)
            await drain(trigger, poll_changes(trigger))
            results[f"shared_{interval}s"] = len(emu.request_log) / span
        os.environ.pop("AIRFLOW_CONN_NOTION_DEFAULT", None)
        return results


# ------------------------------------------------------------------------------------------- 2 and 3: Airflow

DAGS = """
from datetime import datetime

from airflow.sdk import DAG, AssetWatcher, task

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.triggers.change import NotionChangeTrigger

for dag_id, asset in (
    ("bench_webhook", notion_asset("data_source", "{hooked}")),
    ("bench_polling", notion_asset("data_source", "{polled}", watchers=[
        AssetWatcher(name="bench_polling", trigger=NotionChangeTrigger(data_source_id="{polled}", poll_interval=60))
    ])),
):
    with DAG(dag_id=dag_id, schedule=[asset], start_date=datetime(2026, 1, 1), catchup=False):
        @task
        def noop() -> None:
            pass

        noop()
"""


def queued_at(airflow: AirflowDeployment, dag_id: str, count: int) -> datetime | None:
    rows = airflow.query("SELECT queued_at FROM dag_run WHERE dag_id = ? ORDER BY id", dag_id)
    if len(rows) < count or rows[count - 1][0] is None:
        return None
    moment = datetime.fromisoformat(str(rows[count - 1][0]))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def airflow_figures(rounds: int, deliveries: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    with NotionEmulator(seed="demo") as emu:
        hooked = str(
            emu.add_database(parent_id=emu.root_page_id, title="H", properties={"Name": {"title": {}}})[
                "data_source_id"
            ]
        )
        polled = str(
            emu.add_database(parent_id=emu.root_page_id, title="P", properties={"Name": {"title": {}}})[
                "data_source_id"
            ]
        )
        # Edited long before the watcher starts: its first window does not see it.
        polled_row = emu.state.create_page(
            parent_type="data_source_id",
            parent_id=polled,
            properties_input={"Name": {"title": [{"text": {"content": "p0"}}]}},
            creator_id=emu.default_integration().id,
            created=datetime.now(UTC) - timedelta(hours=1),
        ).id
        dags = tmp / "dags"
        dags.mkdir()
        (dags / "bench.py").write_text(DAGS.format(hooked=hooked, polled=polled))
        airflow = AirflowDeployment(tmp, dags, {"AIRFLOW_CONN_NOTION_DEFAULT": emu.airflow_conn_json})
        airflow.migrate()
        deadline = time.monotonic() + 600 + rounds * 240
        try:
            airflow.start_api_server(deadline)
            for component in ("dag-processor", "scheduler", "triggerer"):
                airflow.start(component)
            airflow.wait_for(
                lambda: any(r.path.endswith(f"{polled}/query") for r in emu.request_log),
                "the polling watcher's first query",
                deadline,
            )
            airflow.wait_for(
                lambda: airflow.query("SELECT dag_id FROM dag WHERE dag_id='bench_webhook'"), "DAG", deadline
            )
            emu.webhooks.configure(delay_seconds=0)
            # Only page.created is subscribed: rows created in the hooked data source go by webhook, while the
            # polled data source's row is edited (page.properties_updated), which only its watcher can see.
            subscription = emu.add_webhook_subscription(
                f"{airflow.base_url}/notion/webhooks/notion_default", ["page.created"]
            )
            webhook, polling = [], []
            for number in range(1, rounds + 1):
                edited = datetime.now(UTC)
                emu.add_rows(hooked, [{"Name": {"title": [{"text": {"content": f"h{number}"}}]}}])
                with emu.state.lock:
                    emu.state.update_page_properties(
                        emu.state.pages[polled_row],
                        {"Name": {"title": [{"text": {"content": f"p{number}"}}]}},
                        emu.default_integration().id,
                    )
                hook_at = airflow.wait_for(
                    lambda n=number: queued_at(airflow, "bench_webhook", n), "webhook run", deadline
                )
                poll_at = airflow.wait_for(
                    lambda n=number: queued_at(airflow, "bench_polling", n), "polling run", deadline, 1
                )
                webhook.append((hook_at - edited).total_seconds())
                polling.append((poll_at - edited).total_seconds())
                print(f"round {number}: webhook {webhook[-1]:.1f} s, polling {polling[-1]:.1f} s", flush=True)
            recorded = receiver_throughput(airflow, subscription.verification_token, hooked, deliveries)
        finally:
            airflow.stop()
    return {"webhook": webhook, "polling": polling, **recorded}


def receiver_throughput(airflow: AirflowDeployment, token: str, source: str, count: int) -> dict[str, float]:
    url = f"{airflow.base_url}/notion/webhooks/notion_default"
    session = requests.Session()

    def body() -> bytes:
        return json.dumps(
            {
                "id": str(uuid.uuid4()),
                "timestamp": datetime.now(UTC).isoformat(),
                "type": "page.properties_updated",
                "attempt_number": 1,
                "authors": [],
                "entity": {"id": str(uuid.uuid4()), "type": "page"},
                "data": {"parent": {"id": str(uuid.uuid4()), "type": "database", "data_source_id": source}},
            }
        ).encode()

    def post(raw: bytes) -> str:
        answer = session.post(url, data=raw, headers={"X-Notion-Signature": sign(raw, token)}, timeout=60)
        answer.raise_for_status()
        return str(answer.json()["outcome"])

    figures: dict[str, float] = {}
    bodies = [body() for _ in range(count)]
    started = time.perf_counter()
    outcomes = [post(raw) for raw in bodies]
    figures["recorded_per_s_serial"] = count / (time.perf_counter() - started)
    assert set(outcomes) == {"recorded"}, outcomes
    started = time.perf_counter()
    outcomes = [post(raw) for raw in bodies]
    figures["duplicates_per_s_serial"] = count / (time.perf_counter() - started)
    assert set(outcomes) == {"duplicate"}
    more = [body() for _ in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(post, more))
    figures["recorded_per_s_4_threads"] = count / (time.perf_counter() - started)
    assert set(outcomes) == {"recorded"}
    return figures


def main(argv: list[str]) -> list[str]:
    parser = argparse.ArgumentParser(prog="bench_webhooks")
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--polling-only", action="store_true", help="skip the Airflow parts (2 and 3)")
    args = parser.parse_args(argv)
    cost = asyncio.run(polling_cost(args.watchers, args.minutes))
    lines = [
        f"polling {args.watchers} data sources: {cost['alone_60s']:.0f} requests/min one poll each (60 s, baseline)"
        f" vs {cost['shared_60s']:.2f}/min shared backstop at 60 s, {cost['shared_900s']:.2f}/min at 900 s"
        f" ({cost['alone_60s'] / max(cost['shared_60s'], 1e-9):.0f}x fewer at 60 s)",
    ]
    print(lines[-1], flush=True)
    if args.polling_only:
        return lines
    figures = airflow_figures(args.rounds, args.deliveries)
    webhook, polling = figures["webhook"], figures["polling"]
    lines += [
        f"edit -> DAG run queued over {args.rounds} rounds: webhook p50 {percentile(webhook, 50):.1f} s"
        f" p99 {percentile(webhook, 99):.1f} s; polling (60 s) p50 {percentile(polling, 50):.1f} s"
        f" p99 {percentile(polling, 99):.1f} s ({percentile(polling, 50) / percentile(webhook, 50):.0f}x)",
        f"receiver: {figures['recorded_per_s_serial']:.0f} deliveries recorded/s one at a time,"
        f" {figures['recorded_per_s_4_threads']:.0f}/s from 4 threads,"
        f" {figures['duplicates_per_s_serial']:.0f} duplicates answered/s",
    ]
    for line in lines:
        print(line)
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
