"""Canary: across the whole OAuth life cycle, no secret reaches a log line, an error message or printed output,
except the connection that ``exchange`` prints on purpose."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token

from airflow_provider_notion.exceptions import NotionOAuthError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.cli import main
from tests.oauth.helpers import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI


def test_no_secret_leaks_anywhere(
    emu: NotionEmulator,
    variables: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    authorize = [
        "authorize-url",
        "--client-id",
        CLIENT_ID,
        "--redirect-uri",
        REDIRECT_URI,
        "--base-url",
        emu.base_url,
    ]
    assert main(authorize) == 0
    printed = capsys.readouterr()
    state = printed.err.split("state: ", 1)[1].split("\n", 1)[0]
    redirect = requests.get(printed.out.strip(), allow_redirects=False, timeout=10).headers["Location"]
    code = parse_qs(urlsplit(redirect).query)["code"][0]
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("NOTION_OAUTH_CODE", redirect)  # the whole redirect URL, state included
    args = ["exchange", "--client-id", CLIENT_ID, "--redirect-uri", REDIRECT_URI, "--base-url", emu.base_url]
    assert main([*args, "--state", "not-the-state"]) == 1  # refused, nothing exchanged
    assert main([*args, "--state", state]) == 0
    exchange = capsys.readouterr()
    conn_json = exchange.out.split("# Connection as a URI")[0].split("\n", 1)[1]
    conn = json.loads(conn_json)
    assert conn["password"] == CLIENT_SECRET  # printed on purpose, inside the connection only
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_OAUTH", json.dumps(conn))

    hook = NotionHook("notion_oauth")
    hook.get_current_user()
    expire_access_token(emu)
    hook.get_current_user()  # refresh with rotation
    assert hook.test_connection()[0] is True
    expire_access_token(emu)
    assert "next task run will refresh it" in hook.test_connection()[1]
    hook.get_current_user()  # a task refreshes it
    second = NotionHook("notion_oauth")
    second.get_current_user()  # starts from the stored pair
    print(repr(hook.token_provider), repr(hook.settings), repr(second.token_provider))
    hook.introspect_token()
    hook.revoke_token()
    hook.token_provider.invalid_grant_grace = 0.1  # type: ignore[attr-defined]
    with pytest.raises(NotionOAuthError) as caught:
        hook.get_current_user()
    print(str(caught.value))
    rest = capsys.readouterr()

    secrets = {CLIENT_SECRET, code} | {
        token for token, record in emu.state.tokens.items() if record.kind.startswith("oauth")
    }
    assert len(secrets) >= 6  # client secret, code, two pairs
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "Refreshed the Notion OAuth access token of connection notion_oauth" in caplog.text
    assert "Notion OAuth POST /v1/oauth/token -> 200" in caplog.text  # DEBUG lines were captured too
    for secret in secrets:
        assert secret not in logged
        assert secret not in exchange.err
        assert secret not in rest.out
        assert secret not in rest.err
