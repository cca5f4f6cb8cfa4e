"""``python -m airflow_provider_notion.oauth``: authorize-url and exchange."""

from __future__ import annotations

import io
import json
import shlex
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import mint_authorization_code

from airflow_provider_notion.oauth.cli import main
from tests.oauth.helpers import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, token_requests


def run(args: list[str], **kwargs: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, **kwargs)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


def exchange_args(emu: NotionEmulator, *extra: str) -> list[str]:
    return [
        "exchange",
        "--client-id",
        CLIENT_ID,
        "--redirect-uri",
        REDIRECT_URI,
        "--base-url",
        emu.base_url,
        *extra,
    ]


def sections(output: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in output.split("# ")[1:]:
        title, _, body = block.partition("\n")
        found[title] = body.strip()
    return found


def test_authorize_url_as_a_module(tmp_path: object) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "airflow_provider_notion.oauth",
            "authorize-url",
            "--client-id",
            CLIENT_ID,
            "--redirect-uri",
            REDIRECT_URI,
            "--state",
            "abc",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.startswith(
        "https://api.notion.com/v1/oauth/authorize?client_id=oauth-client-id-7d1e&"
    )
    assert "owner=user" in result.stdout
    assert "response_type=code" in result.stdout
    assert "state=abc" in result.stdout


def test_exchange_prints_json_uri_and_the_connections_add_command(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    status, out, err = run(
        exchange_args(emu, "--code", code, "--conn-id", "notion_team", "--notion-version", "2025-09-03")
    )
    assert status == 0, err
    parts = sections(out)
    conn = json.loads(parts["Connection as JSON (AIRFLOW_CONN_<ID> or a secrets backend):"])
    assert conn["conn_type"] == "notion"
    assert (conn["login"], conn["password"], conn["host"]) == (CLIENT_ID, CLIENT_SECRET, emu.base_url)
    extra = conn["extra"]
    assert extra["auth_type"] == "oauth"
    assert extra["access_token"].startswith("ntn_")
    assert extra["refresh_token"].startswith("nrt_")
    assert extra["notion_version"] == "2025-09-03"
    assert extra["workspace_name"] == "Emulated workspace"
    # The URI parses back to the same connection.
    from airflow.models.connection import Connection

    parsed = Connection(conn_id="x", uri=parts["Connection as a URI:"])
    assert (parsed.conn_type, parsed.host, parsed.login, parsed.password) == (
        "notion",
        emu.base_url,
        CLIENT_ID,
        CLIENT_SECRET,
    )
    assert parsed.extra_dejson == extra
    # The command is one shell line whose --conn-json is the same connection.
    words = shlex.split(parts["Add it to Airflow:"])
    assert words[:4] == ["airflow", "connections", "add", "notion_team"]
    assert json.loads(words[words.index("--conn-json") + 1]) == conn
    # Nothing secret on stderr.
    assert "Emulated workspace" in err
    assert CLIENT_SECRET not in err
    assert extra["access_token"] not in err


def test_a_code_beginning_with_a_dash_is_accepted(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """About 1 code in 64 begins with "-" (URL-safe base64); argparse alone takes it for an option."""
    import notion_emulator.routes.oauth as emulator_oauth

    real = emulator_oauth.secrets.token_urlsafe
    monkeypatch.setattr(emulator_oauth.secrets, "token_urlsafe", lambda n: "-" + real(n))
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    assert code.startswith("-")
    status, out, err = run(exchange_args(emu, "--code", code, "--conn-id", "notion_dash"))
    assert status == 0, err
    assert "notion_dash" in out


def test_an_option_left_without_its_value_is_still_a_usage_error(emu: NotionEmulator) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(exchange_args(emu, "--code", "--conn-id", "x"))
    assert exit_.value.code == 2


def test_exchange_prompts_for_secret_and_code_without_echo(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTION_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("NOTION_OAUTH_CODE", raising=False)
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return CLIENT_SECRET if "secret" in prompt else code

    status, out, err = run(exchange_args(emu), ask_secret=ask)
    assert status == 0, err
    assert prompts == ["Authorization code or the whole redirect URL: ", "OAuth client secret: "]
    assert "host" in out  # a non-default base URL is kept in the connection


def test_default_base_url_is_not_written_into_the_connection() -> None:
    from airflow_provider_notion.oauth.bootstrap import connection_from_tokens
    from airflow_provider_notion.oauth.client import OAuthTokens

    conn = connection_from_tokens(OAuthTokens(access_token="ntn_a", refresh_token="nrt_r"), "id", "s")
    assert "host" not in conn
    assert conn["extra"] == {"auth_type": "oauth", "access_token": "ntn_a", "refresh_token": "nrt_r"}


def test_exchange_error_exits_1_without_echoing_secrets(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", "secret_WRONG_cli_value_77")
    monkeypatch.setenv("NOTION_OAUTH_CODE", "code_value_that_is_secret_88")
    status, out, err = run(exchange_args(emu))
    assert status == 1
    assert out == ""
    assert "invalid_client" in err
    assert "secret_WRONG_cli_value_77" not in err
    assert "code_value_that_is_secret_88" not in err


def test_missing_client_id_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTION_CLIENT_ID", raising=False)
    status, _, err = run(["authorize-url"])
    assert status == 1
    assert "NOTION_CLIENT_ID" in err


def test_client_id_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_CLIENT_ID", "env-client")
    status, out, _ = run(["authorize-url", "--redirect-uri", REDIRECT_URI])
    assert status == 0
    assert "client_id=env-client" in out


# ---------------------------------------------------------------------- state (contract 4)


def _authorize(emu: NotionEmulator, *extra: str) -> tuple[str, str]:
    """Run authorize-url; returns (URL, the state it printed)."""
    status, out, err = run(
        [
            "authorize-url",
            "--client-id",
            CLIENT_ID,
            "--redirect-uri",
            REDIRECT_URI,
            "--base-url",
            emu.base_url,
            *extra,
        ]
    )
    assert status == 0, err
    printed = [line.removeprefix("state: ") for line in err.splitlines() if line.startswith("state: ")]
    assert len(printed) == 1, err
    return out.strip(), printed[0]


def test_authorize_url_adds_a_random_state_and_prints_it(emu: NotionEmulator) -> None:
    url, state = _authorize(emu)
    other_url, other_state = _authorize(emu)
    assert len(state) >= 32
    assert state != other_state
    assert parse_qs(urlsplit(url).query)["state"] == [state]
    assert parse_qs(urlsplit(other_url).query)["state"] == [other_state]
    assert _authorize(emu, "--state", "mine")[1] == "mine"


def test_exchange_checks_the_state_of_the_redirect_url(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    url, state = _authorize(emu)
    redirect = _browser_redirect(url)
    status, out, err = run(exchange_args(emu, "--state", state, "--redirect-url", redirect))
    assert status == 0, err
    assert json.loads(sections(out)["Connection as JSON (AIRFLOW_CONN_<ID> or a secrets backend):"])["extra"][
        "access_token"
    ].startswith("ntn_")
    assert token_requests(emu) == [200]


def test_a_state_mismatch_is_an_error_and_nothing_is_exchanged(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    _, state = _authorize(emu)
    attacker_url, _ = _authorize(emu)  # a code from another authorisation, with its own state
    redirect = _browser_redirect(attacker_url)
    code = parse_qs(urlsplit(redirect).query)["code"][0]
    status, out, err = run(exchange_args(emu, "--state", state, "--redirect-url", redirect))
    assert status == 1
    assert out == ""
    assert "does not match the one authorize-url printed" in err
    assert token_requests(emu) == []  # nothing was sent to the token endpoint
    assert code not in err
    # The same mismatch when the redirect URL is pasted at the prompt.
    monkeypatch.delenv("NOTION_OAUTH_CODE", raising=False)
    status, out, err = run(exchange_args(emu, "--state", state), ask_secret=lambda prompt: redirect)
    assert status == 1
    assert "does not match" in err
    assert token_requests(emu) == []


def test_state_needs_the_redirect_url_not_a_bare_code(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    status, _, err = run(exchange_args(emu, "--state", "expected", "--code", code))
    assert status == 1
    assert "give the whole redirect URL" in err
    assert token_requests(emu) == []


def test_a_redirect_without_state_or_with_an_error_is_refused(
    emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    code = mint_authorization_code(emu, CLIENT_ID, REDIRECT_URI)
    status, _, err = run(
        exchange_args(emu, "--state", "expected", "--redirect-url", f"{REDIRECT_URI}?code={code}")
    )
    assert status == 1
    assert "carries no state" in err
    denied = f"{REDIRECT_URI}?error=access_denied&state=expected"
    status, _, err = run(exchange_args(emu, "--state", "expected", "--redirect-url", denied))
    assert status == 1
    assert "error='access_denied'" in err
    assert token_requests(emu) == []


def test_an_unchecked_state_is_pointed_out(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_CLIENT_SECRET", CLIENT_SECRET)
    url, _ = _authorize(emu)
    status, _, err = run(exchange_args(emu, "--redirect-url", _browser_redirect(url)))
    assert status == 0, err
    assert "state in the redirect URL was not checked" in err


def _browser_redirect(url: str) -> str:
    """Where the emulator's consent screen sends the browser (the whole URL, code and state included)."""
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return str(response.headers["Location"])


def test_a_fresh_state_never_looks_like_a_command_line_option() -> None:
    """A state starting with "-" made ``exchange --state <state>`` fail in argparse (1 run in 64 before)."""
    from airflow_provider_notion.oauth.redirect import new_state

    states = [new_state() for _ in range(2000)]
    assert not [s for s in states if s.startswith("-")]
    assert len(set(states)) == len(states)
    assert all(len(s) >= 32 for s in states)
