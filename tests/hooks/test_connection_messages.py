"""Test Connection says in one sentence what is wrong and what to change; log lines keep URLs clickable."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionCreatePageOperator,
)
from tests.helpers import CANARY_SECRET

API = "https://api.notion.com/v1"
PAGE_ID = "16cabc1e-edcd-8117-a024-fa5446b89751"
SOURCE_ID = "2429989f-e8ac-4eff-bc8f-57f56486db54"
PAGE_URL = "https://www.notion.so/Created-16cabc1eedcd8117a024fa5446b89751"


def one_sentence(message: str) -> bool:
    """Ends with a full stop and has no sentence break inside (text quoted from Notion aside)."""
    unquoted = re.sub(r'"[^"]*"', '""', message)
    return message.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", unquoted[:-1])


def test_a_bad_token(default_conn: dict[str, object], requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/users/me",
        status_code=401,
        json={"object": "error", "status": 401, "code": "unauthorized", "message": "API token is invalid."},
    )
    ok, message = NotionHook(requests_per_second=None).test_connection()
    assert not ok and one_sentence(message), message
    assert "Password" in message and "re-authorise" in message and CANARY_SECRET not in message


def test_a_bad_host(notion_conn: Callable[..., dict[str, object]], requests_mock: rm.Mocker) -> None:
    notion_conn(host="garbage host!!")
    ok, message = NotionHook(requests_per_second=None).test_connection()
    assert not ok and one_sentence(message), message
    assert message.startswith("The connection's host is not a valid URL") and "leave Host empty" in message
    assert requests_mock.call_count == 0


def test_an_unreachable_host(notion_conn: Callable[..., dict[str, object]]) -> None:
    notion_conn(host="http://127.0.0.1:9")  # discard port: nothing listens
    hook = NotionHook(requests_per_second=None, retry_policy=RetryPolicy(max_retries=0))
    ok, message = hook.test_connection()
    assert not ok and one_sentence(message), message
    assert (
        message.startswith("Could not connect to http://127.0.0.1:9;")
        and "check the connection's Host" in message
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: NotionCreatePageOperator(task_id="t", parent=PAGE_ID, properties={"title": "x"}),
        lambda: NotionCreateDatabaseOperator(
            task_id="t", parent=PAGE_ID, title="T", properties={"Name": {"title": {}}}
        ),
        lambda: NotionCreateDatabaseItemOperator(
            task_id="t", data_source_id=SOURCE_ID, properties={"Name": {"title": "x"}}
        ),
    ],
)
def test_log_lines_do_not_glue_punctuation_to_a_url(
    make: Callable[[], Any],
    default_conn: dict[str, object],
    requests_mock: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    context: dict[str, Any],
) -> None:
    created = {"object": "page", "id": PAGE_ID, "url": PAGE_URL}
    requests_mock.post(f"{API}/pages", json=created)
    requests_mock.post(f"{API}/databases", json={**created, "object": "database"})
    caplog.set_level(logging.INFO)
    make().execute(context)
    # Airflow's task logger may print through structlog (stdout) rather than propagate to caplog: read both.
    logged = [record.getMessage() for record in caplog.records] + capsys.readouterr().out.splitlines()
    lines = [line for line in logged if PAGE_URL in line]
    assert lines, "the operator logs the URL of what it created"
    for line in lines:
        after = line.split(PAGE_URL, 1)[1]
        assert after == "" or after[0].isspace(), line  # the UI's auto-link ends at whitespace


@pytest.fixture
def context() -> dict[str, Any]:
    from unittest.mock import MagicMock

    return {"ti": MagicMock()}
