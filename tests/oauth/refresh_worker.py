"""One "task process" for the concurrent-refresh test: ``python -m tests.oauth.refresh_worker <conn_id> <folder>``.

Reads its connection (expired access token), signals ``<folder>/ready-<pid>``, waits for ``<folder>/go`` so the
processes call Notion together, makes one call (401, refresh or adopt), and prints JSON with the fingerprint of
the token it ended with (never the token itself).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.provider import OAuthTokenProvider
from airflow_provider_notion.oauth.store import token_fingerprint


def main(conn_id: str, folder: Path) -> int:
    hook = NotionHook(conn_id, requests_per_second=None)
    provider = hook.token_provider
    assert isinstance(provider, OAuthTokenProvider)
    provider.current_token()  # the connection's (expired) token, read before anyone refreshes
    (folder / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            print(json.dumps({"error": "no go signal"}))
            return 3
        time.sleep(0.01)
    try:
        user = hook.get_current_user()
    except Exception as err:
        print(json.dumps({"error": f"{type(err).__name__}: {err}"}))
        return 1
    print(
        json.dumps(
            {
                "user": user.get("id"),
                "token": token_fingerprint(provider.current_token()),
                "generation": provider.generation,
                "source": provider.source,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
