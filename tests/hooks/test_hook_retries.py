"""NotionHook retry rules: what is retried, how often, how long it waits, and what is never sent twice."""

from __future__ import annotations

import pytest
import requests
import requests_mock as rm
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from airflow_provider_notion.client.retry import RetryPolicy, parse_retry_after
from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionTransportError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.hooks.notion import NotionHook

API = "https://api.notion.com/v1"
PAGE_ID = "16cabc1e-edcd-8117-a024-fa5446b89751"
DS_ID = "4ee04178-60dc-4b13-a1ea-14e3b9661a33"
OK_PAGE = {"object": "page", "id": PAGE_ID}
OK_LIST = {"object": "list", "results": [{"id": "row"}], "has_more": False, "next_cursor": None}


def error(status: int, code: str, retry_after: str | None = None) -> dict[str, object]:
    answer: dict[str, object] = {
        "status_code": status,
        "json": {"object": "error", "status": status, "code": code, "message": f"{code} happened"},
    }
    if retry_after is not None:
        answer["headers"] = {"Retry-After": retry_after}
    return answer


def connect_refused() -> requests.exceptions.ConnectionError:
    reason = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/v1/pages", reason))  # type: ignore[arg-type]


def connection_reset() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError()))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def hook(default_conn: dict[str, object], sleeps: list[float]) -> NotionHook:
    hook = NotionHook(requests_per_second=None, sleep=sleeps.append)
    return hook


def create_page(hook: NotionHook) -> dict[str, object]:
    return hook.create_page(PAGE_ID, {"title": "row"})


def query(hook: NotionHook) -> dict[str, object]:
    return hook.query_database(data_source_id=DS_ID)


# ---------------------------------------------------------------- rate limits


@pytest.mark.parametrize(
    ("status", "code", "action"),
    [(429, "rate_limited", create_page), (429, "rate_limited", query), (529, "service_overload", query)],
)
def test_rate_limits_are_retried_for_reads_and_writes_after_retry_after(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float], status: int, code: str, action
) -> None:
    answers = [error(status, code, "7"), {"json": OK_PAGE if action is create_page else OK_LIST}]
    requests_mock.post(f"{API}/pages", answers)
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", answers)
    action(hook)
    assert requests_mock.call_count == 2
    assert sleeps == [7.0]


def test_retry_after_longer_than_the_cap_fails_at_once(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/pages", [error(429, "rate_limited", "900"), {"json": OK_PAGE}])
    with pytest.raises(NotionApiError, match="rate_limited") as caught:
        create_page(hook)
    assert caught.value.retry_after == 900
    assert requests_mock.call_count == 1


def test_rate_limit_without_retry_after_backs_off_exponentially(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float]
) -> None:
    requests_mock.get(f"{API}/users/me", [error(429, "rate_limited")] * 3 + [{"json": {"object": "user"}}])
    hook.retry_policy = RetryPolicy(base_delay=2.0)
    hook.get_current_user()
    assert len(sleeps) == 3
    for number, slept in enumerate(sleeps, start=1):
        assert 2.0 * 2 ** (number - 1) * 0.5 <= slept <= 2.0 * 2 ** (number - 1)


def test_retries_stop_after_max_retries(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/users/me", [error(529, "service_overload", "1")] * 10)
    hook.retry_policy = RetryPolicy(max_retries=2)
    with pytest.raises(NotionApiError, match="service_overload"):
        hook.get_current_user()
    assert requests_mock.call_count == 3


# ---------------------------------------------------------------- server errors and timeouts


@pytest.mark.parametrize("status", [500, 502, 503, 504, 529])
def test_server_errors_are_retried_for_reads(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float], status: int
) -> None:
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", [error(status, "boom"), {"json": OK_LIST}])
    requests_mock.get(f"{API}/pages/{PAGE_ID}", [error(status, "boom"), {"json": OK_PAGE}])
    assert query(hook)["results"] == [{"id": "row"}]
    assert hook.get_page(PAGE_ID)["id"] == PAGE_ID
    assert requests_mock.call_count == 4


# 529 service_overload too: nothing says an overloaded Notion did not apply the create before answering.
@pytest.mark.parametrize("status", [500, 502, 503, 504, 529])
def test_a_create_is_sent_exactly_once_after_a_server_error(
    hook: NotionHook, requests_mock: rm.Mocker, status: int
) -> None:
    requests_mock.post(f"{API}/pages", [error(status, "bad_gateway"), {"json": OK_PAGE}])
    with pytest.raises(NotionWriteOutcomeUnknownError, match="outcome is unknown") as caught:
        create_page(hook)
    assert requests_mock.call_count == 1
    assert caught.value.status == status
    assert isinstance(caught.value.__cause__, NotionApiError)


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ReadTimeout, connection_reset, requests.exceptions.ChunkedEncodingError],
)
def test_a_create_whose_answer_was_lost_is_not_retried(
    hook: NotionHook, requests_mock: rm.Mocker, failure
) -> None:
    requests_mock.post(
        f"{API}/pages", [{"exc": failure() if callable(failure) else failure}, {"json": OK_PAGE}]
    )
    with pytest.raises(NotionWriteOutcomeUnknownError, match="a retry could create a duplicate"):
        create_page(hook)
    assert requests_mock.call_count == 1


def test_an_append_is_a_write_too(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.patch(f"{API}/blocks/{PAGE_ID}/children", [error(502, "bad_gateway"), {"json": OK_LIST}])
    with pytest.raises(NotionWriteOutcomeUnknownError):
        hook.append_block_children(PAGE_ID, [{"type": "divider", "divider": {}}])
    assert requests_mock.call_count == 1


@pytest.mark.parametrize("failure", [requests.exceptions.ConnectTimeout, connect_refused])
def test_a_create_that_never_left_is_retried(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float], failure
) -> None:
    requests_mock.post(f"{API}/pages", [{"exc": failure()}, {"json": OK_PAGE}])
    assert create_page(hook)["id"] == PAGE_ID
    assert requests_mock.call_count == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    "failure", [requests.exceptions.ReadTimeout, connection_reset, requests.exceptions.ChunkedEncodingError]
)
def test_reads_survive_lost_answers(hook: NotionHook, requests_mock: rm.Mocker, failure) -> None:
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", [{"exc": failure()}, {"json": OK_LIST}])
    assert query(hook) == OK_LIST
    assert requests_mock.call_count == 2


def test_a_read_that_keeps_failing_ends_with_a_plain_transport_error(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/users/me", exc=requests.exceptions.ReadTimeout)
    with pytest.raises(NotionTransportError, match="read timeout") as caught:
        hook.get_current_user()
    assert not isinstance(caught.value, NotionWriteOutcomeUnknownError)
    assert caught.value.__cause__ is None  # no stack trace from inside the HTTP library
    assert requests_mock.call_count == 4


def test_a_non_json_success_body_is_retried_for_reads_only(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/users/me", [{"text": "<html>oops"}, {"json": {"object": "user"}}])
    assert hook.get_current_user() == {"object": "user"}
    requests_mock.post(f"{API}/pages", [{"text": "<html>oops"}, {"json": OK_PAGE}])
    with pytest.raises(NotionWriteOutcomeUnknownError, match="not valid JSON"):
        create_page(hook)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "validation_error"),
        (401, "unauthorized"),
        (403, "restricted_resource"),
        (404, "object_not_found"),
        (409, "conflict_error"),
    ],
)
def test_client_errors_are_never_retried(
    hook: NotionHook, requests_mock: rm.Mocker, status: int, code: str
) -> None:
    requests_mock.get(f"{API}/users/me", [error(status, code), {"json": {}}])
    with pytest.raises(NotionApiError, match=code):
        hook.get_current_user()
    assert requests_mock.call_count == 1


def test_retry_on_all_errors_is_an_explicit_opt_in(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/pages", [error(502, "bad_gateway"), {"json": OK_PAGE}])
    policy = RetryPolicy(retry_on_all_errors=True, base_delay=0)
    assert hook.request("POST", "/pages", json={}, retry_policy=policy) == OK_PAGE
    assert requests_mock.call_count == 2


def test_each_wait_is_logged_with_its_reason(
    hook: NotionHook,
    requests_mock: rm.Mocker,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.get(f"{API}/users/me", [error(429, "rate_limited", "3"), {"json": {}}])
    hook.get_current_user()
    logged = caplog.text + "".join(capfd.readouterr())
    assert "GET /v1/users/me failed (HTTP 429 rate_limited); retry 1 of 3 in 3.0 s" in logged


# ---------------------------------------------------------------- the policy itself


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5", 5.0), ("0.5", 0.5), (" 12 ", 12.0), ("", None), (None, None), ("soon", None), ("-3", 0.0)],
)
def test_parse_retry_after_seconds(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_retries": -1}, "max_retry_count"),
        ({"base_delay": -1}, "base_delay"),
        ({"max_retries": 1.5}, "max_retry_count"),
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
