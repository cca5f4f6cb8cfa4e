"""Bad inputs fail before anything is sent, name their field, and are never retried or "outcome unknown"."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.client.auth import StaticTokenProvider
from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.client.sync import SyncClient
from airflow_provider_notion.exceptions import (
    NotionInputError,
    NotionPaginationError,
    NotionTransportError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.operators.notion import NotionRawRequestOperator
from tests.helpers import CANARY_SECRET

API = "https://api.notion.com/v1"
DB_ID = "1429989f-e8ac-4eff-bc8f-57f56486db54"
SOURCE_ID = "2429989f-e8ac-4eff-bc8f-57f56486db54"
PAGE_ID = "16cabc1e-edcd-8117-a024-fa5446b89751"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def hook(default_conn: dict[str, object], sleeps: list[float]) -> NotionHook:
    return NotionHook(requests_per_second=None, sleep=sleeps.append)


# ------------------------------------------------------------------ NaN and Infinity


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_number_property_is_an_input_error_and_nothing_is_sent(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float], bad: float
) -> None:
    requests_mock.post(f"{API}/pages", json={"id": PAGE_ID})
    with pytest.raises(NotionInputError) as caught:
        hook.create_page({"database_id": DB_ID}, {"Name": {"title": "x"}, "Score": {"number": bad}})
    assert caught.value.field == "properties.Score.number"
    assert not isinstance(caught.value, NotionWriteOutcomeUnknownError)
    assert requests_mock.call_count == 0 and sleeps == []


def test_infinity_in_a_filter_sends_nothing_not_even_the_data_source_lookup(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float]
) -> None:
    requests_mock.get(f"{API}/databases/{DB_ID}", json={"id": DB_ID, "data_sources": [{"id": SOURCE_ID}]})
    requests_mock.post(f"{API}/data_sources/{SOURCE_ID}/query", json={"results": [], "has_more": False})
    bad_filter = {"and": [{"property": "Score", "number": {"greater_than": math.inf}}]}
    with pytest.raises(NotionInputError) as caught:
        hook.query_database(DB_ID, filter=bad_filter)
    assert caught.value.field == "filter.and[0].number.greater_than"
    assert requests_mock.call_count == 0 and sleeps == []


def test_nan_in_a_json_string_filter_is_refused(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    with pytest.raises(NotionInputError, match=r"filter\.number\.equals"):
        hook.query_database(data_source_id=SOURCE_ID, filter='{"property": "S", "number": {"equals": NaN}}')
    assert requests_mock.call_count == 0


def test_nan_in_a_raw_request_body_names_the_path(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.patch(f"{API}/pages/{PAGE_ID}", json={})
    with pytest.raises(NotionInputError) as caught:
        hook.request("PATCH", f"/pages/{PAGE_ID}", json={"properties": {"n": {"number": [1, math.nan]}}})
    assert caught.value.field == "json.properties.n.number[1]"
    assert requests_mock.call_count == 0


# ------------------------------------------------------------------ requests that cannot be built


def test_a_request_that_cannot_be_built_is_not_sent_and_not_retried() -> None:
    """A write whose URL cannot even be parsed never reached anyone: not "outcome unknown", not retried."""
    waits: list[float] = []
    client = SyncClient(
        "http://bad host", "2026-03-11", StaticTokenProvider(CANARY_SECRET), sleep=waits.append
    )
    with pytest.raises(NotionTransportError, match="nothing was sent") as caught:
        client.request("POST", "/pages", json={"parent": {"page_id": PAGE_ID}})
    assert not isinstance(caught.value, NotionWriteOutcomeUnknownError)
    assert waits == []
    assert CANARY_SECRET not in str(caught.value)


def test_text_bodies_are_encoded_before_sending(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/pages", json={})
    hook.request("POST", "/pages", data="naïve — ✓", headers={"Content-Type": "text/plain"})
    assert requests_mock.last_request.body == "naïve — ✓".encode()


# ------------------------------------------------------------------ the connection


def test_a_garbage_host_is_refused_when_the_connection_is_read(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn(host="garbage host!!")
    hook = NotionHook(requests_per_second=None)
    with pytest.raises(NotionInputError) as caught:
        hook.get_current_user()
    assert caught.value.field == "host"
    assert requests_mock.call_count == 0


def test_an_unreachable_host_names_the_base_url(notion_conn: Callable[..., dict[str, object]]) -> None:
    notion_conn(host="http://127.0.0.1:9")  # discard port: nothing listens
    hook = NotionHook(requests_per_second=None, retry_policy=RetryPolicy(max_retries=0))
    with pytest.raises(NotionTransportError, match=r"could not connect to http://127\.0\.0\.1:9"):
        hook.get_current_user()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"password": "ntn_secret_with_ключ"}, "password (Internal Integration Secret)"),
        (
            {
                "login": "client",
                "password": "sécret_ok_but_ключ",
                "extra": {"auth_type": "oauth", "access_token": "a"},
            },
            "password (OAuth client secret)",
        ),
    ],
)
def test_a_non_latin1_secret_is_refused_naming_the_field_without_echoing_it(
    notion_conn: Callable[..., dict[str, object]],
    requests_mock: rm.Mocker,
    fields: dict[str, Any],
    field: str,
) -> None:
    if "extra" in fields:
        fields = {**fields, "extra": json.dumps(fields["extra"])}
    notion_conn(**fields)
    secret = str(fields["password"])
    with pytest.raises(NotionInputError) as caught:
        NotionHook(requests_per_second=None).get_current_user()
    error = caught.value
    assert error.field == field
    everything = repr(error.args) + str(error) + repr(vars(error)) + repr(getattr(error, "object", ""))
    assert secret not in everything and "ключ" not in everything
    assert secret not in repr(error.__cause__) + repr(error.__context__)
    assert requests_mock.call_count == 0


# ------------------------------------------------------------------ numeric inputs


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1.0])
def test_hook_timeout_must_be_finite_and_positive(bad: float) -> None:
    with pytest.raises(NotionInputError, match="timeout"):
        NotionHook(timeout=bad)


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", math.nan, math.inf])
@pytest.mark.parametrize("field", ["retry_delay_ms", "timeout"])
def test_operator_numeric_inputs_refuse_nan_and_inf(
    default_conn: dict[str, object], requests_mock: rm.Mocker, bad: object, field: str
) -> None:
    requests_mock.get(f"{API}/users/me", json={"object": "user"})
    op = NotionRawRequestOperator(task_id="r", url="/users/me", **{field: bad})  # type: ignore[arg-type]
    with pytest.raises(NotionInputError) as caught:
        op.execute({})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert requests_mock.call_count == 0


@pytest.mark.parametrize("name", ["base_delay", "max_delay", "max_retry_after"])
def test_retry_policy_refuses_non_finite_delays(name: str) -> None:
    with pytest.raises(NotionInputError, match=name):
        RetryPolicy(**{name: math.inf})  # type: ignore[arg-type]


# ------------------------------------------------------------------ headers


@pytest.mark.parametrize("name", ["Host", "content-length", "Transfer-Encoding", "Authorization"])
def test_user_headers_cannot_override_what_the_client_sets(
    hook: NotionHook, requests_mock: rm.Mocker, name: str
) -> None:
    with pytest.raises(NotionInputError, match="cannot be overridden"):
        hook.request("GET", "/users/me", headers={name: "x"})
    assert requests_mock.call_count == 0


def test_non_latin1_header_values_name_the_header(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    with pytest.raises(NotionInputError) as caught:
        hook.request("GET", "/users/me", headers={"X-Run": "réunion ✓"})
    assert caught.value.field == "headers.X-Run"
    assert requests_mock.call_count == 0


# ------------------------------------------------------------------ pagination that never ends


def test_a_repeated_next_cursor_cannot_loop_paginate_forever(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        f"{API}/users", json={"results": [{"id": "u"}], "has_more": True, "next_cursor": "same"}
    )
    with pytest.raises(NotionPaginationError, match="already returned"):
        list(hook.paginate("GET", "/users"))
    assert requests_mock.call_count <= 5


def test_cursors_going_round_in_a_circle_are_caught_too(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    answers = [{"json": {"results": [], "has_more": True, "next_cursor": c}} for c in ("a", "b") * 10]
    requests_mock.post(f"{API}/search", answers)
    with pytest.raises(NotionPaginationError):
        hook.search(fetch_all=True)
    assert requests_mock.call_count <= 6


def test_a_repeated_cursor_cannot_loop_a_complete_query_forever(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    row = {"id": "r1", "object": "page", "created_time": "2026-01-01T00:00:00.000Z"}
    requests_mock.post(
        f"{API}/data_sources/{SOURCE_ID}/query",
        json={"object": "list", "results": [row], "has_more": True, "next_cursor": "same"},
    )
    with pytest.raises(NotionPaginationError):
        hook.query_database(data_source_id=SOURCE_ID, fetch_all=True)
    assert requests_mock.call_count <= 5


# ------------------------------------------------------------------ paths


def test_dot_segments_are_removed_before_the_path_is_judged_and_sent(
    hook: NotionHook, requests_mock: rm.Mocker, sleeps: list[float]
) -> None:
    requests_mock.post(f"{API}/search", [{"status_code": 503, "json": {}}, {"json": {"results": []}}])
    assert hook.request("POST", "/v1/./search/.") == {"results": []}
    assert requests_mock.last_request.path == "/v1/search"
    assert len(sleeps) == 1  # judged as the read-only search it is, so the 503 was retried


@pytest.mark.parametrize("path", ["/v1/pages/../users/me", "/v1/pages/%2e%2e/users/me", "pages/./../search"])
def test_dot_dot_segments_are_refused(hook: NotionHook, requests_mock: rm.Mocker, path: str) -> None:
    with pytest.raises(NotionInputError, match=r"\.\."):
        hook.request("GET", path)
    assert requests_mock.call_count == 0
