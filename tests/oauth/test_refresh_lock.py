"""The host-wide refresh lock and the private folder it lives in."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token, is_token_active

from airflow_provider_notion.exceptions import (
    NotionInputError,
    NotionOAuthError,
    NotionRefreshLockTimeoutError,
    UnsafeStateDirError,
)
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.client import OAuthTokens
from airflow_provider_notion.oauth.provider import OAuthTokenProvider
from airflow_provider_notion.oauth.refresh_lock import lock_file_name, refresh_lock
from airflow_provider_notion.utils.state_dir import private_state_dir
from tests.helpers import FakeClock
from tests.oauth.helpers import token_requests


def test_state_dir_is_private(private_state: Path) -> None:
    folder = private_state_dir("oauth")
    assert folder == private_state / "airflow-notion-provider" / "oauth"
    for path in (folder, folder.parent):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert private_state_dir("oauth") == folder  # idempotent


def test_state_dir_refuses_a_folder_others_can_write(private_state: Path) -> None:
    base = private_state / "airflow-notion-provider"
    base.mkdir(mode=0o700)
    (base / "oauth").mkdir()
    os.chmod(base / "oauth", 0o770)  # noqa: S103 - the unsafe folder under test
    with pytest.raises(UnsafeStateDirError, match="writable by its group or other users"):
        private_state_dir("oauth")


def test_state_dir_refuses_a_symlink(private_state: Path, tmp_path: Path) -> None:
    base = private_state / "airflow-notion-provider"
    base.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (base / "oauth").symlink_to(elsewhere)
    with pytest.raises(UnsafeStateDirError, match="not a directory"):
        private_state_dir("oauth")


def test_lock_excludes_a_second_holder_until_released() -> None:
    clock = FakeClock(0.0)
    with refresh_lock("conn/with:odd chars", timeout=5):
        with (
            pytest.raises(NotionRefreshLockTimeoutError, match="for more than 2 s"),
            refresh_lock("conn/with:odd chars", timeout=2, clock=clock, sleep=clock.sleep),
        ):
            pass
        assert clock.now >= 2  # it polled until the timeout, on the injected clock
        with refresh_lock("another connection", timeout=0):
            pass  # other connections are not blocked
    with refresh_lock("conn/with:odd chars", timeout=0):
        pass  # released


def test_lock_file_is_private_and_named_by_a_hash() -> None:
    with refresh_lock("team/notion", timeout=1):
        pass
    path = private_state_dir("oauth") / lock_file_name("team/notion")
    assert "team" not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlink_in_place_of_the_lock_file_is_not_followed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (private_state_dir("oauth") / lock_file_name("c")).symlink_to(victim)
    with caplog.at_level(logging.WARNING), refresh_lock("c", timeout=1):
        pass
    assert victim.read_text() == "precious"
    assert "without locking out other processes" in caplog.text


def test_a_lock_timeout_is_not_a_reauthorise_error(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], variables: dict[str, str]
) -> None:
    oauth_conn(granted, oauth_refresh_lock_timeout=0)
    expire_access_token(emu, granted.access_token)
    hook = NotionHook("notion_oauth")
    with refresh_lock("notion_oauth", timeout=1), pytest.raises(NotionOAuthError) as caught:
        hook.get_current_user()  # another process is refreshing
    message = str(caught.value)
    assert caught.value.code == "refresh_lock_timeout"
    assert "Nothing was spent and the grant is fine; retry the task" in message
    assert "Re-authorise" not in message
    assert token_requests(emu) == [200]
    assert is_token_active(emu, str(granted.refresh_token))
    hook.get_current_user()  # lock free again: refreshes
    assert token_requests(emu) == [200, 200]


def test_waits_are_configurable_by_extras(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any]
) -> None:
    oauth_conn(granted, oauth_invalid_grant_grace="12.5", oauth_refresh_lock_timeout=90)
    provider = NotionHook("notion_oauth").token_provider
    assert isinstance(provider, OAuthTokenProvider)
    assert (provider.invalid_grant_grace, provider.refresh_lock_timeout) == (12.5, 90.0)


@pytest.mark.parametrize("value", ["nan", "inf", -1, 601, "soon", True])
def test_bad_wait_extras_are_refused_naming_the_field(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], value: object
) -> None:
    oauth_conn(granted, oauth_invalid_grant_grace=value)
    with pytest.raises(NotionInputError) as caught:
        NotionHook("notion_oauth").get_current_user()
    assert caught.value.field == "extra.oauth_invalid_grant_grace"
    assert token_requests(emu) == [200]  # only the grant's exchange: nothing sent


def test_state_dir_prefers_this_users_runtime_folder(
    tmp_path: Path, private_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert private_state_dir("oauth") == runtime / "airflow-notion-provider" / "oauth"
    monkeypatch.setenv("XDG_RUNTIME_DIR", "relative/run")
    assert private_state_dir("oauth") == private_state / "airflow-notion-provider" / "oauth"
