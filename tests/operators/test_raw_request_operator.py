"""NotionRawRequestOperator: what it sends, what it returns per response type, retries, and refusals."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionInputError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.operators.notion import NotionRawRequestOperator
from tests.operators.helpers import API, VERSIONS, assert_request, recorded


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr("airflow_provider_notion.hooks.notion.time.sleep", waited.append)
    return waited


@pytest.mark.parametrize("version", VERSIONS)
def test_get_json(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    me = recorded(version, "test_users_me", "GET", "/users/me")
    requests_mock.get(f"{API}/users/me", json=me)
    assert NotionRawRequestOperator(task_id="r", url="/users/me").execute(context) == me
    assert_request(requests_mock.last_request, "GET", "/v1/users/me", version)


def test_post_json_string_body_query_params_and_headers(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    body = recorded("2025-09-03", "test_search", "POST", "/search")
    requests_mock.post(f"{API}/search", json=body)
    data = {"query": "Tasks", "sort": {"direction": "descending", "timestamp": "last_edited_time"}}

    result = NotionRawRequestOperator(
        task_id="r",
        url="v1/search",
        method="post",
        data=json.dumps(data),
        query_params='{"tag": ["a", "b"]}',
        headers={"X-Trace": "abc", "Notion-Version": "2022-06-28"},
    ).execute(context)

    assert result == body
    req = requests_mock.last_request
    assert_request(req, "POST", "/v1/search", "2022-06-28", json=data)  # per-request version override
    assert req.qs == {"tag": ["a", "b"]}
    assert req.headers["X-Trace"] == "abc"


def test_text_and_binary_responses(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2026-03-11")
    payload = bytes(range(256))
    requests_mock.get(f"{API}/pages/abc/markdown", text="# Title\n")
    requests_mock.get(f"{API}/files/raw", content=payload)

    text = NotionRawRequestOperator(task_id="r", url="/pages/abc/markdown", response_type="text").execute(
        context
    )
    binary = NotionRawRequestOperator(task_id="r", url="/files/raw", response_type="binary").execute(context)

    assert text == "# Title\n"
    assert isinstance(binary, str) and base64.b64decode(binary) == payload  # JSON-serialisable for XCom


@pytest.mark.parametrize(
    ("response_type", "expected"), [("binary", b"\x00\x01raw"), ("json", b'{"ok": true}')]
)
def test_output_path_writes_the_body_and_returns_a_summary(
    response_type: str,
    expected: bytes,
    tmp_path: Path,
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version("2025-09-03")
    requests_mock.get(f"{API}/thing", content=b"\x00\x01raw" if response_type == "binary" else b'{"ok":true}')
    target = tmp_path / "sub" / "body.bin"
    result = NotionRawRequestOperator(
        task_id="r", url="/thing", response_type=response_type, output_path=str(target)
    ).execute(context)
    assert target.read_bytes() == expected
    assert result == {"path": str(target), "bytes": len(expected)}


def test_multipart_upload_with_form_and_file_names(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    upload_id = "393abc1e-edcd-81c2-b028-00b21f81936b"
    sent = recorded("2025-09-03", "test_file_uploads_send", "POST", "/send")
    requests_mock.post(f"{API}/file_uploads/{upload_id}/send", json=sent)

    result = NotionRawRequestOperator(
        task_id="r",
        url=f"/file_uploads/{upload_id}/send",
        method="POST",
        form_data={"part_number": "1"},
        file_data={"file": "hello, notion"},
        file_data_file_names={"file": "hello.txt"},
    ).execute(context)

    assert result == sent
    req = requests_mock.last_request
    assert req.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = req.body
    assert b'name="part_number"' in body and b"\r\n\r\n1\r\n" in body
    assert b'name="file"; filename="hello.txt"' in body and b"hello, notion" in body


def test_retry_settings_build_the_policy(
    sleeps: list[float], use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    me = recorded("2025-09-03", "test_users_me", "GET", "/users/me")
    requests_mock.get(
        f"{API}/users/me",
        [
            {
                "status_code": 503,
                "json": {"object": "error", "status": 503, "code": "service_unavailable", "message": "x"},
            }
        ]
        * 2
        + [{"json": me}],
    )
    op = NotionRawRequestOperator(
        task_id="r", url="/users/me", max_retry_count="2", retry_delay_ms=200, use_exponential_backoff=False
    )
    assert op.execute(context) == me
    assert requests_mock.call_count == 3
    assert len(sleeps) == 2 and all(0.1 <= s <= 0.2 for s in sleeps)  # 200 ms with jitter, no doubling


def test_max_retry_count_zero_fails_after_one_attempt(
    sleeps: list[float], use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    requests_mock.get(
        f"{API}/users",
        status_code=502,
        json={"object": "error", "status": 502, "code": "bad_gateway", "message": "x"},
    )
    with pytest.raises(NotionApiError, match="502"):
        NotionRawRequestOperator(task_id="r", url="/users", max_retry_count=0).execute(context)
    assert requests_mock.call_count == 1 and sleeps == []


def test_writes_are_only_retried_with_retry_on_all_errors(
    sleeps: list[float], use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    page = recorded("2025-09-03", "test_pages_create", "POST", "/pages")
    error = {
        "status_code": 500,
        "json": {"object": "error", "status": 500, "code": "internal_server_error", "message": "x"},
    }
    requests_mock.post(f"{API}/pages", [error, {"json": page}])
    data = {"parent": {"page_id": page["parent"]["page_id"]}, "properties": {}}

    with pytest.raises(NotionWriteOutcomeUnknownError):
        NotionRawRequestOperator(task_id="r", url="/pages", method="POST", data=data).execute(context)
    assert requests_mock.call_count == 1  # a create that got a 500 is not re-sent by default

    requests_mock.post(f"{API}/pages", [error, {"json": page}])
    result = NotionRawRequestOperator(
        task_id="r", url="/pages", method="POST", data=data, retry_on_all_errors=True, retry_delay_ms=1
    ).execute(context)
    assert result == page
    assert requests_mock.call_count == 3


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("path", {"url": "https://evil.example.com/v1/users"}),
        ("path", {"url": "/../../admin"}),
        ("method", {"method": "FETCH"}),
        ("response_type", {"response_type": "xml"}),
        ("data", {"method": "POST", "data": "{not json"}),
        ("data", {"method": "POST", "data": {"a": 1}, "form_data": {"b": "2"}}),
        ("file_data_file_names", {"file_data": {"file": "x"}, "file_data_file_names": {"other": "y.txt"}}),
        ("file_data.file", {"file_data": {"file": 3}}),
        ("headers", {"headers": {"Authorization": "Bearer other"}}),
        ("headers", {"headers": '{"X-A": 1'}),
        ("query_params", {"query_params": "[1]"}),
        ("max_retry_count", {"max_retry_count": -1}),
        ("retry_delay_ms", {"retry_delay_ms": "soon"}),
        ("retry_on_all_errors", {"retry_on_all_errors": "perhaps"}),
        ("timeout", {"timeout": "long"}),
        ("output_path", {"output_path": 5}),
    ],
)
def test_bad_inputs_send_nothing(
    field: str,
    kwargs: dict[str, Any],
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version("2025-09-03")
    arguments = {"url": "/users/me", **kwargs}
    with pytest.raises(NotionInputError, match=field):
        NotionRawRequestOperator(task_id="r", **arguments).execute(context)
    assert requests_mock.call_count == 0
