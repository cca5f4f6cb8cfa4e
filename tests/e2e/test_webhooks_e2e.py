"""End to end with real Airflow processes: a Notion edit -> a signed webhook -> an asset event -> a DAG run.

The emulator (this process) subscribes the API server's ``/notion/webhooks/notion_default`` (the handshake stores
the token); a DAG is scheduled on ``notion://data_source/<id>``, whose asset also has a backstop watcher
(``NotionChangeTrigger(backstop=True)``) in the triggerer. Checked, with the api-server, dag-processor, scheduler
and triggerer running:

- an edit starts the DAG through the webhook (seconds, not a polling interval);
- a duplicated delivery (same event id twice) starts it once;
- a dropped delivery is reported by the backstop, once, and the edits the webhook reported are not reported again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.rules.webhooks import WEBHOOK_REPORTED_KEY
from tests.e2e.airflow_processes import AirflowDeployment

pytestmark = pytest.mark.e2e

DAG = """
from datetime import datetime
import json

from airflow.sdk import DAG, AssetWatcher, task

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.triggers.change import NotionChangeTrigger

tickets = notion_asset(
    "data_source",
    "{source}",
    watchers=[
        AssetWatcher(
            name="tickets_backstop",
            trigger=NotionChangeTrigger(data_source_id="{source}", backstop=True, poll_interval=3, settle_seconds=2),
        )
    ],
)

with DAG(dag_id="on_notion_webhook", schedule=[tickets], start_date=datetime(2026, 1, 1), catchup=False):
    @task
    def mark(triggering_asset_events=None, run_id=None) -> None:
        extras = [event.extra for events in (triggering_asset_events or {{}}).values() for event in events]
        with open("{marker}", "a") as out:
            out.write(json.dumps({{"run_id": run_id, "extras": extras}}, default=str) + "\\n")

    mark()
"""


def runs(marker: Path) -> list[dict[str, Any]]:
    if not marker.exists():
        return []
    return [json.loads(line) for line in marker.read_text().splitlines() if line.strip()]


def row_ids_of(run: dict[str, Any]) -> set[str]:
    """The pages a run was started for: a webhook's entity, or the backstop's row ids."""
    ids: set[str] = set()
    for extra in run["extras"]:
        if extra.get("source") == "notion_webhook":
            ids.add(extra["entity"]["id"])
        ids.update((extra.get("payload") or {}).get("row_ids", []))
    return ids


@pytest.mark.timeout(420)
def test_webhooks_start_dags_and_the_backstop_catches_a_lost_one(tmp_path: Path) -> None:
    deadline = time.monotonic() + 330
    with NotionEmulator(seed="demo") as emu:
        database = emu.add_database(
            parent_id=emu.root_page_id, title="Tickets", properties={"Name": {"title": {}}}
        )
        source = str(database["data_source_id"])
        dags, marker = tmp_path / "dags", tmp_path / "runs.jsonl"
        dags.mkdir()
        (dags / "on_notion_webhook.py").write_text(DAG.format(source=source, marker=marker))
        airflow = AirflowDeployment(tmp_path, dags, {"AIRFLOW_CONN_NOTION_DEFAULT": emu.airflow_conn_json})
        airflow.migrate()
        try:
            airflow.start_api_server(deadline)
            for component in ("dag-processor", "scheduler", "triggerer"):
                airflow.start(component)
            airflow.wait_for(
                lambda: (
                    "Backstop poll of notion_default" in airflow.logs["triggerer"].read_text(errors="replace")
                ),
                "the backstop watcher to start in the triggerer",
                deadline,
            )
            emu.webhooks.configure(delay_seconds=0, retry_seconds=1)
            subscription = emu.add_webhook_subscription(f"{airflow.base_url}/notion/webhooks/notion_default")
            assert subscription.handshake_status == 200

            def row(name: str) -> str:
                [page_id] = emu.add_rows(source, [{"Name": {"title": [{"text": {"content": name}}]}}])
                return page_id

            # An edit -> a signed webhook -> an asset event -> a run, in seconds.
            started = time.monotonic()
            first = row("first")
            airflow.wait_for(lambda: len(runs(marker)) >= 1, "a run for the first edit", deadline)
            latency = time.monotonic() - started
            assert row_ids_of(runs(marker)[0]) == {first}
            assert latency < 60, latency

            # A duplicated delivery: Notion's event posted twice; one asset event, one run.
            emu.webhooks.inject("duplicate")
            second = row("second")
            airflow.wait_for(lambda: len(runs(marker)) >= 2, "a run for the second edit", deadline)
            assert emu.webhooks.idle()
            posted = [
                d for d in emu.webhooks.deliveries if d.entity_id == second and d.type == "page.created"
            ]
            assert [d.status for d in posted] == [200, 200] and len({d.event_id for d in posted}) == 1

            # A dropped delivery: only the backstop can see it; it reports that row, and only that row.
            emu.webhooks.inject("drop")
            third = row("third")
            airflow.wait_for(
                lambda: len(runs(marker)) >= 3, "the backstop's run for the dropped edit", deadline
            )
            time.sleep(8)  # a few more polls and scheduler loops: nothing else may start
            done = runs(marker)
            assert [row_ids_of(run) for run in done] == [{first}, {second}, {third}]
            backstop_extras = [e for e in done[2]["extras"] if e.get("source") != "notion_webhook"]
            assert backstop_extras and backstop_extras[0]["payload"]["backstop"] is True

            [(stored,)] = airflow.query(
                "SELECT value FROM asset_state_store WHERE key = ?", WEBHOOK_REPORTED_KEY
            )
            assert {first, second} <= set(json.loads(stored)) and third not in json.loads(stored)
            print(f"edit -> DAG run through the webhook: {latency:.1f} s")
        finally:
            airflow.stop()
        for name, path in airflow.logs.items():
            text = path.read_text(errors="replace")
            assert emu.token not in text, f"the integration token leaked into the {name} log"
            assert subscription.verification_token not in text, f"the verification token leaked into {name}"
