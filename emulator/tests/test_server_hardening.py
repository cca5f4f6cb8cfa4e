"""The emulator as a server: secrets kept out of the request log, socket timeouts, Content-Length and body cap,
deeply nested JSON, validated admin inputs."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from emulator_support import V3, Api
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import add_public_integration, mint_authorization_code

CLIENT_ID = "client-id-hardening"
CLIENT_SECRET = "client-secret-must-not-be-logged-0123456789"
REDIRECT = "https://example.com/callback"


def _raw_exchange(emulator: NotionEmulator, request: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes and read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks: list[bytes] = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _status_and_body(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


# ---------------------------------------------------------------------- request log


def _everything_logged(emu: NotionEmulator) -> str:
    over_http = requests.get(emu.base_url + "/_emulator/requests", timeout=10).json()
    return json.dumps([record.to_dict() for record in emu.request_log]) + json.dumps(over_http)


def test_request_log_never_holds_oauth_codes_secrets_or_tokens(emu: NotionEmulator) -> None:
    add_public_integration(emu, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT])
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT)
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}"}
    url = emu.base_url + "/v1/oauth/token"
    emu.clear_request_log()

    granted = requests.post(
        url,
        json={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=headers,
        timeout=10,
    ).json()
    access, refresh = granted["access_token"], granted["refresh_token"]
    rotated = requests.post(
        url, json={"grant_type": "refresh_token", "refresh_token": refresh}, headers=headers, timeout=10
    ).json()
    requests.post(
        emu.base_url + "/v1/oauth/introspect",
        json={"token": rotated["access_token"]},
        headers=headers,
        timeout=10,
    )
    # A client that (wrongly) puts credentials in a form body or the query string.
    requests.post(
        emu.base_url + "/v1/oauth/revoke",
        data={"token": rotated["refresh_token"], "client_secret": CLIENT_SECRET},
        headers=headers,
        timeout=10,
    )
    requests.get(
        emu.base_url + "/v1/users/me",
        params={"access_token": access, "code": code},
        headers={"Notion-Version": V3},
        timeout=10,
    )
    # A token pasted into an ordinary field is scrubbed too.
    requests.post(
        emu.base_url + "/v1/search",
        json={"query": f"find {rotated['access_token']}"},
        headers={"Authorization": f"Bearer {emu.token}", "Notion-Version": V3},
        timeout=10,
    )

    logged = _everything_logged(emu)
    assert len(emu.request_log) == 6
    for secret in (
        code,
        CLIENT_SECRET,
        access,
        refresh,
        rotated["access_token"],
        rotated["refresh_token"],
        emu.token,
        basic,  # the Authorization header (headers are not logged at all)
    ):
        assert secret not in logged
    token_records = [r for r in emu.request_log if r.path == "/v1/oauth/token"]
    assert token_records[0].body is not None
    assert json.loads(token_records[0].body) == {
        "grant_type": "authorization_code",
        "code": "[redacted]",
        "redirect_uri": REDIRECT,
    }
    assert "access_token=%5Bredacted%5D" in emu.request_log[4].query


def test_request_log_keeps_ordinary_bodies_including_code_blocks(api: Api) -> None:
    page_id = api.emulator.root_page_id
    api.emulator.clear_request_log()
    block = {"type": "code", "code": {"rich_text": [{"text": {"content": "x = 1"}}], "language": "python"}}
    api.ok("PATCH", f"/v1/blocks/{page_id}/children", {"children": [block]})
    body = api.emulator.request_log[0].body
    assert body is not None
    assert json.loads(body) == {"children": [block]}


# ---------------------------------------------------------------------- socket timeouts


@pytest.fixture
def quick_timeout_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo", socket_timeout=0.3, body_deadline=1.0) as emulator:
        yield emulator


def _wait_until(predicate: object, limit: float = 20.0) -> bool:
    assert callable(predicate)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def test_half_sent_requests_are_closed_and_free_their_threads(quick_timeout_emulator: NotionEmulator) -> None:
    emulator = quick_timeout_emulator
    baseline = threading.active_count()
    sockets = []
    for index in range(60):
        sock = socket.create_connection(("127.0.0.1", emulator.port), timeout=10)
        if index % 2:
            sock.sendall(b"GET /v1/users/me HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        else:
            sock.sendall(b'POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"query"')
        sockets.append(sock)
    try:
        for sock in sockets:
            assert sock.recv(65536) == b""  # closed by the server, long before the client's 10 s timeout
    finally:
        for sock in sockets:
            sock.close()
    assert _wait_until(lambda: threading.active_count() <= baseline + 1)


def test_a_dripped_body_is_cut_at_the_body_deadline(quick_timeout_emulator: NotionEmulator) -> None:
    emulator = quick_timeout_emulator
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        closed = False
        for _ in range(200):  # one byte every 0.1 s: each read is within the socket timeout
            try:
                sock.sendall(b" ")
            except OSError:
                closed = True
                break
            time.sleep(0.1)
        if not closed:
            sock.settimeout(10)
            try:
                closed = sock.recv(65536) == b""
            except OSError:
                closed = True
    assert closed


def test_keep_alive_still_works_with_the_timeout(api: Api) -> None:
    for _ in range(3):
        assert api.ok("GET", "/v1/users/me")["object"] == "user"


# ---------------------------------------------------------------------- Content-Length and body cap


@pytest.mark.parametrize(
    ("length_header", "message"),
    [
        (b"", "Content-Length header is required."),
        (b"Content-Length: -5\r\n", "Content-Length header should be a non-negative integer."),
        (b"Content-Length: abc\r\n", "Content-Length header should be a non-negative integer."),
        (b"Content-Length: 1e3\r\n", "Content-Length header should be a non-negative integer."),
        (
            b"Content-Length: 2\r\nContent-Length: 3\r\n",
            "Content-Length header should be a non-negative integer.",
        ),
        (b"Transfer-Encoding: chunked\r\n", "Transfer-Encoding is not supported"),
    ],
)
def test_bad_content_length_is_400(emu: NotionEmulator, length_header: bytes, message: str) -> None:
    request = (
        b"POST /v1/search HTTP/1.1\r\nHost: x\r\nNotion-Version: 2026-03-11\r\n"
        + f"Authorization: Bearer {emu.token}\r\n".encode()
        + length_header
        + b"\r\n"
    )
    status, body = _status_and_body(_raw_exchange(emu, request))
    assert status == 400
    assert body["code"] == "invalid_request"
    assert str(body["message"]).startswith(message)


def test_get_without_content_length_is_fine(emu: NotionEmulator) -> None:
    request = (
        b"GET /v1/users/me HTTP/1.1\r\nHost: x\r\nNotion-Version: 2026-03-11\r\nConnection: close\r\n"
        + f"Authorization: Bearer {emu.token}\r\n\r\n".encode()
    )
    status, body = _status_and_body(_raw_exchange(emu, request))
    assert (status, body["object"]) == (200, "user")


def test_body_over_the_cap_is_413_before_it_is_read_or_authenticated() -> None:
    with NotionEmulator(seed="demo", max_body_bytes=1024) as emulator:
        # 300 MB announced, nothing sent, no token: the answer comes at once and is 413, not 401.
        request = b"POST /v1/pages HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\n"
        status, body = _status_and_body(_raw_exchange(emulator, request))
        assert status == 413
        assert body["code"] == "payload_too_large"
        assert "1024" in str(body["message"])
        assert emulator.request_log[-1].status == 413
        # A client that sends its whole (too large) body still reads the 413, not a reset connection.
        sent = requests.post(
            emulator.base_url + "/v1/pages",
            data=b"x" * 2_000_000,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert (sent.status_code, sent.json()["code"]) == (413, "payload_too_large")
        # At the cap is accepted.
        at_cap = {"query": "x" * (1024 - len('{"query": ""}'))}
        assert len(json.dumps(at_cap)) == 1024
        response = requests.post(
            emulator.base_url + "/v1/search",
            data=json.dumps(at_cap),
            headers={"Authorization": f"Bearer {emulator.token}", "Notion-Version": V3},
            timeout=10,
        )
        assert response.status_code == 200


def test_server_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_body_bytes"):
        NotionEmulator(seed="demo", max_body_bytes=0)
    with pytest.raises(ValueError, match="socket_timeout"):
        NotionEmulator(seed="demo", socket_timeout=float("nan"))


# ---------------------------------------------------------------------- deep JSON


@pytest.mark.parametrize("path", ["/v1/search", "/v1/pages"])
def test_json_nested_50000_levels_is_a_validation_error(api: Api, path: str) -> None:
    deep = '{"a":' * 50_000 + "1" + "}" * 50_000
    response = api.call("POST", path, data=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert api.ok("GET", "/v1/users/me")["object"] == "user"  # the server is fine afterwards


def test_deep_json_in_a_filter_below_the_parser_limit_is_a_validation_error(api: Api) -> None:
    deep = '{"query": "x", "filter": ' + '{"a":' * 900 + "1" + "}" * 900 + "}"
    response = api.call("POST", "/v1/search", data=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_admin_endpoint_refuses_deep_json(emu: NotionEmulator) -> None:
    deep = '{"a":' * 50_000 + "1" + "}" * 50_000
    response = requests.post(emu.base_url + "/_emulator/faults", data=deep, timeout=10)
    assert response.status_code == 400


# ---------------------------------------------------------------------- admin inputs


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/_emulator/query_cap", {"query_cap": "x"}, "query_cap"),
        ("/_emulator/query_cap", {"query_cap": -5}, "query_cap"),
        ("/_emulator/query_cap", {"query_cap": 0}, "query_cap"),
        ("/_emulator/query_cap", {"query_cap": 2.5}, "query_cap"),
        ("/_emulator/query_cap", {}, "query_cap"),
        ("/_emulator/rate_limit", {"rate": "fast"}, "rate"),
        ("/_emulator/rate_limit", {"rate": -1}, "rate"),
        ("/_emulator/rate_limit", {"rate": 3, "burst": 0}, "burst"),
        ("/_emulator/rate_limit", {"enabled": "no"}, "enabled"),
    ],
)
def test_admin_inputs_are_validated_naming_the_field(
    emu: NotionEmulator, path: str, body: dict[str, object], field: str
) -> None:
    before = emu.config.query_cap
    response = requests.put(emu.base_url + path, json=body, timeout=10)
    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == field
    assert field in answer["error"]
    assert emu.config.query_cap == before
    assert emu.rate_limiter.limit is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "x"}, "status"),
        ({"status": 99}, "status"),
        ({"count": -1}, "count"),
        ({"path": "("}, "path"),
        ({"delay_seconds": "slow", "kind": "delay"}, "delay_seconds"),
        ({"retry_after": -3}, "retry_after"),
        ({"kind": "explode"}, "kind"),
        ({"statuss": 500}, "statuss"),
    ],
)
def test_admin_fault_inputs_are_validated(emu: NotionEmulator, body: dict[str, object], field: str) -> None:
    response = requests.post(emu.base_url + "/_emulator/faults", json=body, timeout=10)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert emu.faults.pending() == []


def test_admin_accepts_valid_inputs(emu: NotionEmulator) -> None:
    assert requests.put(emu.base_url + "/_emulator/query_cap", json={"query_cap": 50}, timeout=10).json() == {
        "query_cap": 50
    }
    limit = requests.put(emu.base_url + "/_emulator/rate_limit", json={"rate": 2, "burst": 4}, timeout=10)
    assert limit.json() == {"enabled": True, "rate": 2.0, "burst": 4}
    emu.set_rate_limit(None)
    fault = requests.post(emu.base_url + "/_emulator/faults", json={"status": 503, "count": 2}, timeout=10)
    assert fault.status_code == 200
    assert len(emu.faults.pending()) == 1
