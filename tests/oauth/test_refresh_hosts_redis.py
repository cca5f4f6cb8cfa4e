"""8 task processes on 4 simulated hosts find one expired OAuth token; Redis makes it one refresh.

Each host has its own private state folder, so the host-wide file lock cannot order processes of different hosts;
only the Redis lock (``[notion] pacing_backend = redis://…`` on every host) can. The token store is shared by
every host, as Airflow's Variables are (here: files, whose save takes a second). Real processes, a real
redis-server, the emulator's token endpoint over loopback HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token, is_token_active

from airflow_provider_notion.oauth.client import OAuthTokens
from airflow_provider_notion.oauth.store import StoredTokens, token_fingerprint
from tests.oauth.helpers import run_released_together, token_requests
from tests.oauth.store_plugins import register_entry_points
from tests.redis_server import RedisServer

REPO = Path(__file__).resolve().parents[2]
HOSTS = 4
PER_HOST = 2
CONN = "notion_oauth"


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def _run_workers(env_for_host: Callable[[int], dict[str, str]], gate: Path) -> list[tuple[int, str, str]]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.oauth.refresh_worker", CONN, str(gate)],
            cwd=REPO,
            env=env_for_host(host),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for host in range(HOSTS)
        for _ in range(PER_HOST)
    ]
    outputs = run_released_together(workers, gate, timeout=300)
    return [(w.returncode, out, err) for w, (out, err) in zip(workers, outputs, strict=True)]


@pytest.mark.timeout(600)
def test_eight_processes_on_four_hosts_refresh_once_through_the_redis_lock(
    emu: NotionEmulator,
    granted: OAuthTokens,
    oauth_conn: Callable[..., Any],
    tmp_path: Path,
    redis_server: RedisServer,
) -> None:
    plugins = register_entry_points(
        tmp_path / "site", {"slow_file": "tests.oauth.store_plugins:SlowFileTokenStore"}
    )
    store_dir = tmp_path / "store"
    gate = tmp_path / "gate"
    store_dir.mkdir()
    gate.mkdir()
    oauth_conn(granted, conn_id=CONN, oauth_store="slow_file")
    expire_access_token(emu, granted.access_token)

    def env_for_host(host: int) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(plugins), str(REPO)]),
            "SLOW_STORE_DIR": str(store_dir),  # shared by every host, like the Variable store
            "SLOW_STORE_SAVE_SECONDS": "1",
            "AIRFLOW__NOTION__PACING_BACKEND": redis_server.url,
            # A machine of its own: its own refresh lock files and pacing folder.
            "AIRFLOW_NOTION_OAUTH_DIR": str(tmp_path / f"host-{host}" / "oauth"),
            "AIRFLOW_NOTION_PACING_DIR": str(tmp_path / f"host-{host}" / "pacing"),
        }

    ran = _run_workers(env_for_host, gate)
    results = []
    for returncode, out, err in ran:
        assert returncode == 0, (out, err[-3000:])
        results.append(json.loads(out.strip().splitlines()[-1]))
    # The grant's exchange, then exactly one refresh; no invalid_grant (it would be a 400 here).
    assert token_requests(emu) == [200, 200]
    saves = (store_dir / "saves.log").read_text().splitlines()
    assert len(saves) == 1
    stored = StoredTokens.from_json((store_dir / f"{CONN}.json").read_text())
    assert stored.generation == 1 and stored.refresh_token is not None
    assert is_token_active(emu, stored.refresh_token)
    # Every process ended with the rotated pair: one refreshed, seven read it from the shared store.
    assert {r["token"] for r in results} == {token_fingerprint(stored.access_token)}
    assert sorted(r["source"] for r in results) == [
        "a refresh in this process (rotation 1)",
        *["the token store (rotation 1)"] * (HOSTS * PER_HOST - 1),
    ]
    # The lock was released (no key left behind for the TTL to clean up); nothing secret was printed.
    import redis

    assert not redis.Redis.from_url(redis_server.url).keys("airflow-notion:refresh-lock:*")
    everything = "".join(out + err for _, out, err in ran)
    for secret in (
        granted.access_token,
        str(granted.refresh_token),
        stored.access_token,
        stored.refresh_token,
    ):
        assert secret not in everything
