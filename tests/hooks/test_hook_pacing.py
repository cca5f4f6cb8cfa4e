"""The sync hook's pacing: a 429 holds every user of the same token; ``pacing_backend: off`` turns pacing off."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import requests_mock as rm

from airflow_provider_notion.client.pacing.buckets import DEFAULT_BURST, pacing_bucket, shared_bucket
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook

API = "https://api.notion.com/v1"
ME = {"object": "user", "id": "u1", "type": "bot", "bot": {}}
RATE_LIMITED = {"object": "error", "status": 429, "code": "rate_limited", "message": "slow down"}


def test_a_429_pauses_every_hook_on_the_same_token(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn(password=f"ntn_pacing_{uuid.uuid4().hex}")  # a bucket of its own
    refused_sleeps: list[float] = []
    other_sleeps: list[float] = []
    refused = NotionHook(requests_per_second=1000.0, sleep=refused_sleeps.append)
    other = NotionHook(requests_per_second=1000.0, sleep=other_sleeps.append)
    requests_mock.get(f"{API}/users/me", json=ME)
    other.get_current_user()
    assert other_sleeps == []  # plenty of budget before the 429

    requests_mock.get(
        f"{API}/users/me",
        [{"status_code": 429, "headers": {"Retry-After": "7"}, "json": RATE_LIMITED}, {"json": ME}],
    )

    refused.get_current_user()
    other.get_current_user()
    assert refused_sleeps[0] == 7.0  # the refused request waits Retry-After...
    assert len(other_sleeps) == 1 and 6.5 <= other_sleeps[0] <= 7.5  # ...and so does every user of the token


def test_a_429_on_another_token_does_not_pause(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn("notion_a", password=f"ntn_pacing_a_{uuid.uuid4().hex}")
    notion_conn("notion_b", password=f"ntn_pacing_b_{uuid.uuid4().hex}")
    requests_mock.get(
        f"{API}/users/me",
        [{"status_code": 429, "headers": {"Retry-After": "7"}, "json": RATE_LIMITED}, {"json": ME}],
    )
    other_sleeps: list[float] = []
    NotionHook("notion_a", requests_per_second=1000.0, sleep=lambda s: None).get_current_user()
    NotionHook("notion_b", requests_per_second=1000.0, sleep=other_sleeps.append).get_current_user()
    assert other_sleeps == []


def _sleeps_of_a_burst_and_more(requests_mock: rm.Mocker, conn_id: str = "notion_default") -> list[float]:
    requests_mock.get(f"{API}/users/me", json=ME)
    slept: list[float] = []
    hook = NotionHook(conn_id, requests_per_second=1.0, sleep=slept.append)
    for _ in range(DEFAULT_BURST + 3):
        hook.get_current_user()
    return slept


def test_paced_by_default_past_the_burst(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn(password=f"ntn_pacing_on_{uuid.uuid4().hex}")
    assert len(_sleeps_of_a_burst_and_more(requests_mock)) == 3  # the baseline the tests below turn off


def test_pacing_backend_off_in_the_connection_turns_pacing_off(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn(password=f"ntn_pacing_off_{uuid.uuid4().hex}", extra={"pacing_backend": "off"})
    assert _sleeps_of_a_burst_and_more(requests_mock) == []


def test_pacing_backend_off_in_the_airflow_config_turns_pacing_off(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    notion_conn(password=f"ntn_pacing_off_cfg_{uuid.uuid4().hex}")
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "OFF")
    assert _sleeps_of_a_burst_and_more(requests_mock) == []


def test_a_bad_pacing_backend_is_refused_naming_the_field_before_sending(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn(password=f"ntn_pacing_bad_{uuid.uuid4().hex}", extra={"pacing_backend": "none"})
    with pytest.raises(NotionInputError, match="pacing_backend"):
        _sleeps_of_a_burst_and_more(requests_mock)
    assert requests_mock.call_count == 0


def test_pacing_bucket_is_none_when_off_and_shared_otherwise() -> None:
    token = f"ntn_pacing_fn_{uuid.uuid4().hex}"
    assert pacing_bucket(token, 3.0, backend="off") is None
    assert pacing_bucket(token, 0, backend="local") is None
    assert pacing_bucket(token, 3.0, backend="local") is shared_bucket(token, 3.0, backend="local")


def test_with_pacing_off_a_429_is_still_waited_out(
    notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker
) -> None:
    notion_conn(password=f"ntn_pacing_off_429_{uuid.uuid4().hex}", extra={"pacing_backend": "off"})
    requests_mock.get(
        f"{API}/users/me",
        [{"status_code": 429, "headers": {"Retry-After": "7"}, "json": RATE_LIMITED}, {"json": ME}],
    )
    slept: list[float] = []
    assert NotionHook(sleep=slept.append).get_current_user() == ME
    assert slept == [7.0]
