"""The emulator's integration webhooks, received by a real HTTP server on loopback.

Subscriptions send the handshake; writes made over the API become signed events of Notion's shape; rapid content
edits are aggregated; a non-2xx answer is retried with ``attempt_number`` + 1; faults drop, duplicate, reorder
and mis-sign deliveries; the delay and the admin API are honoured.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from emulator_support import Api, make_database, title
from notion_emulator import NotionEmulator


class Receiver:
    """Records every POST (headers and raw body); answers ``statuses`` in turn, then 200."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes, float]] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.posts.append((dict(self.headers), body, time.monotonic()))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for headers, body, _ in self.posts if "X-Notion-Signature" in headers]

    def wait(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.events()) >= count:
                return self.events()
            time.sleep(0.02)
        raise AssertionError(f"expected {count} events, got {self.events()}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def hooked(emu: NotionEmulator, receiver: Receiver) -> str:
    """Subscribed with no delay and a short aggregation window; returns the verification token."""
    emu.webhooks.configure(delay_seconds=0, aggregation_seconds=1.0, retry_seconds=0.05)
    return emu.add_webhook_subscription(receiver.url).verification_token


def valid(headers: dict[str, str], body: bytes, token: str) -> bool:
    expected = "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Notion-Signature"])


def new_row(api: Api, emu: NotionEmulator) -> tuple[dict[str, Any], dict[str, Any]]:
    database = make_database(api, emu.root_page_id)
    source_id = database["data_sources"][0]["id"]
    row = api.ok(
        "POST",
        "/v1/pages",
        {"parent": {"data_source_id": source_id}, "properties": {"Name": {"title": title("Quarterly plan")}}},
    )
    return database, row


def test_the_handshake_is_one_unsigned_post_with_the_token(emu: NotionEmulator, receiver: Receiver) -> None:
    subscription = emu.add_webhook_subscription(receiver.url, ["page.created"])
    [(headers, body, _)] = receiver.posts
    assert "X-Notion-Signature" not in headers
    assert json.loads(body) == {"verification_token": subscription.verification_token}
    assert subscription.verification_token.startswith("secret_") and subscription.handshake_status == 200


def test_a_write_becomes_a_signed_event_of_notions_shape(
    emu: NotionEmulator, api: Api, receiver: Receiver, hooked: str
) -> None:
    database, row = new_row(api, emu)
    source_id = database["data_sources"][0]["id"]
    events = receiver.wait(3)
    created = next(e for e in events if e["type"] == "page.created")
    assert created["entity"] == {"id": row["id"], "type": "page"}
    assert created["data"]["parent"] == {
        "id": database["id"],
        "type": "database",
        "data_source_id": source_id,
    }
    assert created["attempt_number"] == 1 and created["authors"][0]["type"] == "bot"
    for key in ("id", "timestamp", "workspace_id", "subscription_id", "integration_id"):
        assert created[key]
    assert {"database.created", "data_source.created"} <= {e["type"] for e in events}
    for headers, body, _ in receiver.posts[1:]:
        assert valid(headers, body, hooked)
    assert "Quarterly plan" not in json.dumps(events)  # a signal, never the content

    api.ok("PATCH", f"/v1/pages/{row['id']}", {"properties": {"Name": {"title": title("b")}}})
    updated = [e for e in receiver.wait(4) if e["type"] == "page.properties_updated"]
    assert updated[0]["entity"]["id"] == row["id"] and updated[0]["data"]["updated_properties"]


def test_rapid_content_edits_are_aggregated(
    emu: NotionEmulator, api: Api, receiver: Receiver, hooked: str
) -> None:
    page = emu.add_page(parent_id=emu.root_page_id, title="Notes")
    emu.webhooks.idle()
    before = len(receiver.events())
    for text in ("one", "two", "three"):
        paragraph = {"type": "paragraph", "paragraph": {"rich_text": title(text)}}
        api.ok("PATCH", f"/v1/blocks/{page['id']}/children", {"children": [paragraph]})
    assert emu.webhooks.idle()
    content = [e for e in receiver.events()[before:] if e["type"] == "page.content_updated"]
    assert len(content) == 1
    assert content[0]["entity"]["id"] == page["id"] and len(content[0]["data"]["updated_blocks"]) == 3


def test_a_failed_delivery_is_retried_with_the_next_attempt_number(
    emu: NotionEmulator, receiver: Receiver, hooked: str
) -> None:
    receiver.statuses = [500, 503]
    emu.add_page(parent_id=emu.root_page_id, title="Retry me")
    events = receiver.wait(3)
    assert [e["attempt_number"] for e in events] == [1, 2, 3]
    assert len({e["id"] for e in events}) == 1
    assert [d.status for d in emu.webhooks.deliveries] == [500, 503, 200]


def test_a_delivery_is_given_up_after_eight_attempts(
    emu: NotionEmulator, receiver: Receiver, hooked: str
) -> None:
    emu.webhooks.configure(retry_seconds=0.001)
    receiver.statuses = [500] * 8
    emu.add_page(parent_id=emu.root_page_id, title="Lost")
    assert emu.webhooks.idle()
    assert [e["attempt_number"] for e in receiver.events()] == list(range(1, 9))
    assert emu.webhooks.deliveries[-1].fault == "lost"


def test_faults_drop_duplicate_reorder_and_mis_sign(
    emu: NotionEmulator, receiver: Receiver, hooked: str
) -> None:
    emu.webhooks.inject("drop")
    emu.add_page(parent_id=emu.root_page_id, title="dropped")
    assert emu.webhooks.idle() and receiver.events() == []
    assert emu.webhooks.deliveries[-1].fault == "drop"

    emu.webhooks.inject("duplicate")
    emu.add_page(parent_id=emu.root_page_id, title="twice")
    first, second = receiver.wait(2)
    assert first == second

    emu.webhooks.inject("reorder")
    a = emu.add_page(parent_id=emu.root_page_id, title="first")
    b = emu.add_page(parent_id=emu.root_page_id, title="second")
    assert emu.webhooks.idle()
    assert [e["entity"]["id"] for e in receiver.events()[2:]] == [b["id"], a["id"]]

    emu.webhooks.inject("bad_signature")
    receiver.statuses = [401]
    emu.add_page(parent_id=emu.root_page_id, title="mis-signed")
    assert emu.webhooks.idle()
    (bad_headers, bad_body, _), (good_headers, good_body, _) = receiver.posts[-2:]
    assert not valid(bad_headers, bad_body, hooked) and valid(good_headers, good_body, hooked)
    assert json.loads(good_body)["attempt_number"] == 2


def test_deliveries_wait_for_the_configured_delay(
    emu: NotionEmulator, receiver: Receiver, hooked: str
) -> None:
    emu.webhooks.configure(delay_seconds=0.5)
    started = time.monotonic()
    emu.add_page(parent_id=emu.root_page_id, title="later")
    receiver.wait(1)
    assert receiver.posts[-1][2] - started >= 0.45


def test_the_admin_api_subscribes_injects_and_lists(emu: NotionEmulator, receiver: Receiver) -> None:
    admin = f"{emu.base_url}/_emulator/webhooks"
    made = requests.post(
        f"{admin}/subscriptions", json={"url": receiver.url, "event_types": ["page.created"]}, timeout=10
    )
    assert made.status_code == 200 and made.json()["verification_token"].startswith("secret_")
    listed = requests.get(f"{admin}/subscriptions", timeout=10).json()["results"]
    assert [s["url"] for s in listed] == [receiver.url] and "verification_token" not in listed[0]
    assert requests.put(f"{admin}/settings", json={"delay_seconds": 0, "retry_seconds": 0.05}, timeout=10).ok
    assert requests.post(f"{admin}/faults", json={"kind": "duplicate"}, timeout=10).ok
    emu.add_page(parent_id=emu.root_page_id, title="via admin")
    assert emu.webhooks.idle()
    deliveries = requests.get(f"{admin}/deliveries", timeout=10).json()["results"]
    assert [d["fault"] for d in deliveries] == [None, "duplicate"]
    for bad, field in [
        ({"url": "ftp://x"}, "url"),
        ({"url": receiver.url, "colour": 1}, "colour"),
    ]:
        answer = requests.post(f"{admin}/subscriptions", json=bad, timeout=10)
        assert answer.status_code == 400 and answer.json()["field"] == field
    assert requests.post(f"{admin}/faults", json={"kind": "explode"}, timeout=10).status_code == 400
    assert requests.put(f"{admin}/settings", json={"delay_seconds": -1}, timeout=10).status_code == 400
    assert emu.webhooks.settings()["delay_seconds"] == 0
