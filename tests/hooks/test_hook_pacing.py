"""The sync hook's 429 holds every user of the same token, not only the request that was refused."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import requests_mock as rm

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
