"""The webhook receiver inside a real ``airflow api-server`` (plugin loaded from the entry point, SQLite).

One API server serves every check, in the order a subscription lives: deliveries before the handshake are
refused; the handshake stores the token (masked Variable); a second handshake is refused and keeps it; a
signed delivery records one asset event per scheduled asset; a replay, a bad signature, a missing signature and
an oversized body each record nothing; an event for an unscheduled asset is acknowledged without a record; the
deliveries page needs a login; with the database locked the receiver answers 503 + Retry-After.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
import requests

from airflow_provider_notion.plugins.webhooks.token_store import variable_key
from airflow_provider_notion.rules.webhooks import sign
from tests.e2e.airflow_processes import AirflowDeployment

pytestmark = pytest.mark.e2e
DS = "33333333-3333-4333-8333-333333333333"
DB = "22222222-2222-4222-8222-222222222222"
PAGE = "11111111-1111-4111-8111-111111111111"
TOKEN = "secret_e2e_verification_token_0123456789"

DAG = f'''
from datetime import datetime

from airflow.sdk import DAG, task

from airflow_provider_notion.assets import notion_asset

with DAG(
    dag_id="on_notion_rows",
    schedule=[notion_asset("data_source", "{DS}")],
    start_date=datetime(2026, 1, 1),
    catchup=False,
):
    @task
    def noop() -> None:
        pass

    noop()
'''


def page_event(event_id: str, page: str = PAGE) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "timestamp": "2026-01-31T10:05:12.345Z",
            "workspace_id": str(uuid.uuid4()),
            "subscription_id": str(uuid.uuid4()),
            "integration_id": str(uuid.uuid4()),
            "type": "page.properties_updated",
            "authors": [{"id": str(uuid.uuid4()), "type": "person"}],
            "attempt_number": 1,
            "entity": {"id": page, "type": "page"},
            "data": {
                "parent": {"id": DB, "type": "database", "data_source_id": DS},
                "updated_properties": ["x"],
            },
        }
    ).encode()


@pytest.mark.timeout(420)
def test_the_receiver_in_a_real_api_server(tmp_path: Path) -> None:
    deadline = time.monotonic() + 300
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "on_notion_rows.py").write_text(DAG)
    conn = json.dumps({"conn_type": "notion", "password": "secret_integration_not_used_here"})
    airflow = AirflowDeployment(tmp_path, dags, {"AIRFLOW_CONN_NOTION_DEFAULT": conn})
    airflow.migrate()
    airflow.cli("dags", "reserialize")
    airflow.start_api_server(deadline)
    url = f"{airflow.base_url}/notion/webhooks/notion_default"
    ds_uri = f"notion://data_source/{DS}"

    def post(body: bytes, signature: str | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Notion-Signature"] = signature
        return requests.post(url, data=body, headers=headers, timeout=30)

    def deliveries() -> int:
        return len(airflow.query("SELECT id FROM notion_webhook_delivery"))

    try:
        # Before the handshake nothing is trusted, whatever it is signed with.
        first = page_event(str(uuid.uuid4()))
        assert post(first, sign(first, TOKEN)).status_code == 401
        # A handshake for a connection that does not exist stores nothing.
        stray = requests.post(
            f"{airflow.base_url}/notion/webhooks/nope", json={"verification_token": TOKEN}, timeout=30
        )
        assert stray.status_code == 404
        assert airflow.query("SELECT key FROM variable") == []

        handshake = post(json.dumps({"verification_token": TOKEN}).encode())
        assert handshake.status_code == 200, handshake.text
        assert airflow.query("SELECT key FROM variable") == [(variable_key("notion_default"),)]
        stored = airflow.cli("variables", "get", variable_key("notion_default")).strip()
        assert stored == TOKEN  # an admin can read it to paste it into Notion

        again = post(json.dumps({"verification_token": "secret_an_attacker_token_123"}).encode())
        assert again.status_code == 409
        assert airflow.cli("variables", "get", variable_key("notion_default")).strip() == TOKEN

        # A signed delivery: one asset event on the scheduled data source (the page asset is not scheduled).
        event_id = str(uuid.uuid4())
        body = page_event(event_id)
        ok = post(body, sign(body, TOKEN))
        assert ok.status_code == 200, ok.text
        assert ok.json() == {"outcome": "recorded", "event_id": event_id, "assets": [ds_uri]}
        [extra] = airflow.asset_events(ds_uri)
        assert extra["event_id"] == event_id and extra["type"] == "page.properties_updated"
        assert extra["entity"] == {"id": PAGE, "type": "page"}
        assert airflow.asset_events(f"notion://page/{PAGE}") == []
        assert deliveries() == 1

        # The same event again (Notion's retry): acknowledged, not recorded.
        replay = post(body, sign(body, TOKEN))
        assert replay.status_code == 200 and replay.json()["outcome"] == "duplicate"

        other = page_event(str(uuid.uuid4()))
        assert post(other, sign(other, "secret_not_the_token_1234")).status_code == 401
        assert post(other).status_code == 401
        assert post(other, "sha256=" + "0" * 64).status_code == 401
        huge = other + b" " * (64 * 1024)
        assert post(huge, sign(huge, TOKEN)).status_code == 413
        assert len(airflow.asset_events(ds_uri)) == 1
        assert deliveries() == 1

        # An event of a page nobody schedules on (its parent is another data source): dropped cheaply.
        unrelated = json.loads(page_event(str(uuid.uuid4()), page=str(uuid.uuid4())))
        unrelated["data"] = {"parent": {"id": str(uuid.uuid4()), "type": "page"}}
        raw = json.dumps(unrelated).encode()
        dropped = post(raw, sign(raw, TOKEN))
        assert dropped.status_code == 200 and dropped.json()["outcome"] == "no_subscriber"
        assert deliveries() == 1

        # The deliveries page and its data need an Airflow login.
        page_url = f"{airflow.base_url}/notion/deliveries"
        assert requests.get(page_url, timeout=30).status_code in (401, 403)
        assert requests.get(page_url + ".json", timeout=30).status_code in (401, 403)
        auth = {"Authorization": f"Bearer {airflow.token()}"}
        listed = requests.get(page_url + ".json", headers=auth, timeout=30)
        assert listed.status_code == 200, listed.text
        outcomes = {d["outcome"] for d in listed.json()["deliveries"]}
        assert {"recorded", "duplicate", "rejected", "no_subscriber"} <= outcomes
        html = requests.get(page_url, headers=auth, timeout=30)
        assert html.status_code == 200 and event_id in html.text and TOKEN not in html.text
        assert TOKEN not in listed.text

        # Airflow's database unavailable (locked by another writer): 503 + Retry-After, so Notion retries.
        locker = airflow.db()
        locker.isolation_level = None
        locker.execute("BEGIN EXCLUSIVE")
        try:
            late = page_event(str(uuid.uuid4()))
            busy = post(late, sign(late, TOKEN))
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert busy.status_code == 503, busy.text
        assert int(busy.headers["Retry-After"]) > 0
        assert len(airflow.asset_events(ds_uri)) == 1
    finally:
        airflow.stop()
    log = airflow.logs["api-server"].read_text(errors="replace")
    assert TOKEN not in log, "the verification token leaked into the API server log"
