"""A ~/.netrc entry for the API host never replaces the bearer token (requests would apply it per call)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.client import NotionOAuthClient
from tests.helpers import CANARY_SECRET

NETRC_PASSWORD = "netrc-password-that-must-not-travel"


class Recorder(BaseHTTPRequestHandler):
    seen: list[str | None] = []

    def _answer(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps(
            {"object": "user", "id": "u1", "name": "bot", "type": "bot", "bot": {}, "active": True}
        )
        payload = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str | None]]]:
    Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", Recorder.seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def netrc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1\n  login someone\n  password {NETRC_PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))


def test_the_netrc_file_would_be_used_by_a_bare_session(
    server: tuple[str, list[str | None]], netrc_home: None
) -> None:
    """The hazard is real in this environment: a plain requests session sends the netrc's Basic credentials."""
    import requests

    base_url, seen = server
    requests.Session().get(f"{base_url}/v1/users/me", headers={"Authorization": "Bearer x"}, timeout=5)
    assert seen[-1] is not None and seen[-1].startswith("Basic ")


def test_hook_sends_the_bearer_token_despite_netrc(
    server: tuple[str, list[str | None]], netrc_home: None, notion_conn: Callable[..., dict[str, object]]
) -> None:
    base_url, seen = server
    notion_conn(host=base_url)
    NotionHook(requests_per_second=None).get_current_user()
    assert seen == [f"Bearer {CANARY_SECRET}"]


def test_oauth_client_sends_its_basic_credentials_despite_netrc(
    server: tuple[str, list[str | None]], netrc_home: None
) -> None:
    import base64

    base_url, seen = server
    NotionOAuthClient("client-id", "client-secret-value", base_url=base_url).introspect("some-token")
    assert seen == ["Basic " + base64.b64encode(b"client-id:client-secret-value").decode()]
    assert all(NETRC_PASSWORD not in (header or "") for header in seen)
