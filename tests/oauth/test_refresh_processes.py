"""Contract 3: task processes on one host refreshing the same expired token at once all succeed.

Real processes, the emulator over loopback HTTP, and a store shared through files whose save takes 4 s (registered
as a real entry point, as a team's store would be). Before the host-wide refresh lock, every process refreshed:
one won, the others got ``invalid_grant`` and gave up after the 3 s grace with "re-authorise".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token, is_token_active

from airflow_provider_notion.oauth.client import OAuthTokens
from airflow_provider_notion.oauth.store import StoredTokens, token_fingerprint
from tests.oauth.helpers import run_released_together, token_requests
from tests.oauth.store_plugins import register_entry_points

REPO = Path(__file__).resolve().parents[2]
PROCESSES = 3
CONN = "notion_oauth"


@pytest.mark.timeout(400)
def test_three_processes_refresh_once_with_a_slow_store(
    emu: NotionEmulator, granted: OAuthTokens, oauth_conn: Callable[..., Any], tmp_path: Path
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
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(plugins), str(REPO)]),
        "SLOW_STORE_DIR": str(store_dir),
        "SLOW_STORE_SAVE_SECONDS": "4",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.oauth.refresh_worker", CONN, str(gate)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = run_released_together(workers, gate, timeout=120)
    results = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, (out, err[-3000:])
        results.append(json.loads(out.strip().splitlines()[-1]))
    # One refresh reached Notion's token endpoint (after the grant's exchange); one save was made.
    assert token_requests(emu) == [200, 200]
    saves = (store_dir / "saves.log").read_text().splitlines()
    assert len(saves) == 1
    stored = StoredTokens.from_json((store_dir / f"{CONN}.json").read_text())
    assert stored.generation == 1
    assert stored.refresh_token is not None
    assert is_token_active(emu, stored.refresh_token)
    # Every process ended with the rotated pair: one refreshed it, the others read it from the store.
    assert {r["token"] for r in results} == {token_fingerprint(stored.access_token)}
    assert sorted(r["source"] for r in results) == [
        "a refresh in this process (rotation 1)",
        "the token store (rotation 1)",
        "the token store (rotation 1)",
    ]
    # Nothing secret in what the processes printed.
    everything = "".join(out + err for out, err in outputs)
    for secret in (
        granted.access_token,
        str(granted.refresh_token),
        stored.access_token,
        stored.refresh_token,
    ):
        assert secret not in everything
