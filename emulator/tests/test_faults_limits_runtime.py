"""Fault injection, rate limiting, admin HTTP API, concurrency, inspection API, CLI, pytest plugin."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time

import pytest
import requests
from emulator_support import Api, title
from notion_emulator import NotionEmulator, RateLimit


def _create_child(api: Api, name: str, **kwargs: object) -> requests.Response:
    body = {"parent": {"page_id": api.emulator.root_page_id}, "properties": {"title": title(name)}}
    return api.call("POST", "/v1/pages", body, **kwargs)


@pytest.mark.parametrize(("when", "expected_pages"), [("before", 0), ("after", 1)])
def test_status_fault_before_or_after_the_write(api: Api, when: str, expected_pages: int) -> None:
    api.emulator.faults.inject(
        kind="status", status=529, retry_after=3, method="POST", path=r"^/v1/pages$", when=when
    )
    response = _create_child(api, "Ambiguous")
    assert response.status_code == 529
    assert response.json()["code"] == "service_overload"
    assert response.json()["object"] == "error"
    assert response.headers["Retry-After"] == "3"
    assert api.emulator.state.count_pages(title="Ambiguous") == expected_pages
    assert _create_child(api, "Ambiguous").status_code == 200  # the fault was used up


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_status_fault_codes(api: Api, status: int) -> None:
    api.emulator.faults.inject(status=status, path="/v1/users/me")
    response = api.call("GET", "/v1/users/me")
    codes = {
        500: "internal_server_error",
        502: "bad_gateway",
        503: "service_unavailable",
        504: "gateway_timeout",
        429: "rate_limited",
    }
    assert (response.status_code, response.json()["code"]) == (status, codes[status])


@pytest.mark.parametrize(("when", "expected_pages"), [("before", 0), ("after", 1)])
def test_connection_reset(api: Api, when: str, expected_pages: int) -> None:
    api.emulator.faults.inject(kind="reset", method="POST", path="/v1/pages", when=when)
    with pytest.raises(requests.ConnectionError):
        _create_child(api, "Reset")
    assert api.emulator.state.count_pages(title="Reset") == expected_pages
    assert api.call("GET", "/v1/users/me").status_code == 200  # a new connection works


def test_delay_forces_read_timeout(api: Api) -> None:
    api.emulator.faults.inject(kind="delay", delay_seconds=0.5, path="/v1/users/me")
    with pytest.raises(requests.ReadTimeout):
        api.session.get(
            api.emulator.base_url + "/v1/users/me",
            headers={"Authorization": f"Bearer {api.token}", "Notion-Version": api.version},
            timeout=0.15,
        )


def test_truncated_body(api: Api) -> None:
    api.emulator.faults.inject(kind="truncate", method="POST", path="/v1/pages", when="after")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        _create_child(api, "Truncated")
    assert api.emulator.state.count_pages(title="Truncated") == 1


def test_html_body(api: Api) -> None:
    api.emulator.faults.inject(kind="html", status=502, path="/v1/search")
    response = api.call("POST", "/v1/search", {})
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    with pytest.raises(ValueError):
        response.json()


def test_fault_count_and_method_match(api: Api) -> None:
    api.emulator.faults.inject(status=503, method="GET", path="/v1/users/me", count=2)
    assert api.call("GET", "/v1/users/me").status_code == 503
    assert api.call("GET", "/v1/users/me").status_code == 503
    assert api.call("GET", "/v1/users/me").status_code == 200
    assert api.emulator.faults.pending() == []


def test_rate_limit_answers_429_with_retry_after(api: Api) -> None:
    api.emulator.set_rate_limit(RateLimit(rate=1.0, burst=3))
    statuses = [api.call("GET", "/v1/users/me").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    limited = api.call("GET", "/v1/users/me")
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    api.emulator.set_rate_limit(None)
    assert api.call("GET", "/v1/users/me").status_code == 200


def test_admin_http_api(api: Api) -> None:
    base = api.emulator.base_url + "/_emulator"
    assert requests.get(base + "/health", timeout=5).json()["ok"] is True
    fault = requests.post(
        base + "/faults", json={"kind": "status", "status": 500, "path": "/v1/users/me"}, timeout=5
    )
    assert fault.status_code == 200
    assert len(requests.get(base + "/faults", timeout=5).json()["results"]) == 1
    assert api.call("GET", "/v1/users/me").status_code == 500
    requests.put(base + "/rate_limit", json={"rate": 1, "burst": 1}, timeout=5)
    assert [api.call("GET", "/v1/users/me").status_code for _ in range(2)] == [200, 429]
    requests.put(base + "/rate_limit", json={"enabled": False}, timeout=5)
    _create_child(api, "Via admin")
    pages = requests.get(base + "/pages", params={"title": "Via admin"}, timeout=5).json()["results"]
    assert len(pages) == 1
    assert requests.get(base + "/state", timeout=5).json()["pages"] == 2
    log = requests.get(base + "/requests", timeout=5).json()["results"]
    assert any(r["status"] == 429 for r in log)
    requests.post(base + "/reset", timeout=5)
    assert api.emulator.state.count_pages(title="Via admin") == 0
    assert requests.post(base + "/faults", json={"kind": "bogus"}, timeout=5).status_code == 400


def test_concurrent_writers_create_exactly_the_expected_rows(emu: NotionEmulator) -> None:
    db = emu.add_database(parent_id=emu.root_page_id, title="Concurrent", properties={"Name": {"title": {}}})
    errors: list[str] = []

    def writer(worker: int) -> None:
        client = Api(emu)
        for i in range(20):
            response = client.call(
                "POST",
                "/v1/pages",
                {
                    "parent": {"data_source_id": db["data_source_id"]},
                    "properties": {"Name": title(f"{worker}-{i}")},
                },
            )
            if response.status_code != 200:
                errors.append(response.text)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = emu.state.pages_in(db["id"])
    names = sorted(row["properties"]["Name"]["title"][0]["plain_text"] for row in rows)
    assert names == sorted(f"{w}-{i}" for w in range(6) for i in range(20))


def test_inspection_api(emu: NotionEmulator) -> None:
    db = emu.add_database(
        parent_id=emu.root_page_id, title="Inspect", properties={"Name": {"title": {}}, "N": {"number": {}}}
    )
    row = emu.add_page(parent_id=db["id"], title="one", properties={"N": {"number": 1}})
    assert row["properties"]["N"]["number"] == 1
    assert emu.state.count_pages(title="one") == 1
    assert [r["id"] for r in emu.state.pages_in(db["data_source_id"])] == [row["id"]]
    assert emu.state.get_page(row["id"])["parent"]["data_source_id"] == db["data_source_id"]


def test_users_me_round_trip_time_with_keep_alive(api: Api) -> None:
    """Measured, not asserted: prints the mean over 300 keep-alive requests on one connection."""
    host, port = api.emulator.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    headers = {"Authorization": f"Bearer {api.token}", "Notion-Version": "2026-03-11"}
    for _ in range(20):
        connection.request("GET", "/v1/users/me", headers=headers)
        connection.getresponse().read()
    started = time.perf_counter()
    for _ in range(300):
        connection.request("GET", "/v1/users/me", headers=headers)
        response = connection.getresponse()
        assert json.loads(response.read())["object"] == "user"
    mean_ms = (time.perf_counter() - started) / 300 * 1000
    connection.close()
    print(f"\nGET /v1/users/me keep-alive round trip: {mean_ms:.3f} ms")


def test_cli_starts_and_prints_connection_info() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "notion_emulator", "--port", "0", "--seed", "demo"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        base_url = lines[0].strip().rsplit(" ", 1)[-1]
        assert base_url.startswith("http://127.0.0.1:")
        assert "ntn_demo_airflow_notion_provider" in lines[1]
        assert lines[3].strip().startswith("export AIRFLOW_CONN_NOTION_DEFAULT=")
        me = requests.get(
            base_url + "/v1/users/me",
            headers={
                "Authorization": "Bearer ntn_demo_airflow_notion_provider_0000000000000000",
                "Notion-Version": "2026-03-11",
            },
            timeout=5,
        )
        assert me.json()["name"] == "Airflow demo"
    finally:
        process.terminate()
        process.wait(timeout=10)
