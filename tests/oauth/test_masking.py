"""Every secret the hook reads is registered with Airflow's masker, so a line logged by anyone is redacted."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable, Iterator

import pytest
from airflow.sdk.log import _secrets_masker

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.client import NotionOAuthClient, OAuthTokens


@pytest.fixture(autouse=True)
def masking_on() -> Iterator[None]:
    """Airflow turns log masking on in task processes; these tests are one."""
    masker = _secrets_masker()
    was_enabled = masker.is_log_masking_enabled()
    masker.enable_log_masking()
    yield
    if not was_enabled:
        masker.disable_log_masking()


def logged(line: str) -> str:
    """``line`` as it comes out of a logger that has Airflow's masker as a filter, like every task log."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(_secrets_masker())
    logger = logging.getLogger(f"masking-test-{uuid.uuid4().hex}")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("%s", line)
    return stream.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def test_the_static_token_is_masked_once_the_connection_is_read(
    notion_conn: Callable[..., dict[str, object]],
) -> None:
    token = unique("ntn_mask")
    notion_conn(password=token)
    hook = NotionHook()
    assert token in logged(f"debug output: Authorization: Bearer {token}")  # not yet: nothing read
    hook.settings  # noqa: B018 - reading the connection is what registers its secrets
    assert token not in logged(f"debug output: Authorization: Bearer {token}")


def test_oauth_connection_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {"password": unique("secret"), "access_token": unique("ntn_at"), "refresh_token": unique("nrt")}
    conn = {
        "conn_type": "notion",
        "login": "client-id",
        "password": secrets["password"],
        "extra": json.dumps({"auth_type": "oauth", **{k: v for k, v in secrets.items() if k != "password"}}),
    }
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_MASKED", json.dumps(conn))
    NotionHook("notion_masked").settings  # noqa: B018
    for name, value in secrets.items():
        assert value not in logged(f"{name}={value}"), name


def test_rotated_tokens_are_masked(oauth_client: NotionOAuthClient, granted: OAuthTokens) -> None:
    rotated = oauth_client.refresh(str(granted.refresh_token))
    line = logged(f"new pair {rotated.access_token} {rotated.refresh_token}")
    assert rotated.access_token not in line and str(rotated.refresh_token) not in line
