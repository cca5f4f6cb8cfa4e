"""Token stores as a third-party package would ship them, and a way to register them as a real entry point.

Registering writes a ``*.dist-info`` folder with an ``entry_points.txt`` into a folder that is then put on
``sys.path`` (in-process) or ``PYTHONPATH`` (subprocesses): exactly how an installed package is discovered.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from airflow_provider_notion.oauth.store import StoredTokens, TokenStore
from airflow_provider_notion.oauth.store_registry import ENTRY_POINT_GROUP

CALLS: list[str] = []


class TeamVaultStore(TokenStore):
    """What a team would write for its secrets manager (here: a dict)."""

    saved: dict[str, StoredTokens] = {}

    def load(self, conn_id: str) -> StoredTokens | None:
        return self.saved.get(conn_id)

    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        self.saved[conn_id] = tokens


class DuckTypedStore:
    """Has load and save but is not a TokenStore subclass."""

    def __init__(self) -> None:
        CALLS.append("DuckTypedStore()")

    def load(self, conn_id: str) -> StoredTokens | None:
        return None

    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        pass


def not_a_store() -> None:
    """A registered name pointing at a plain function: it must never be called."""
    CALLS.append("not_a_store()")


class SlowFileTokenStore(TokenStore):
    """A store shared by processes (a JSON file per connection) whose save takes ``SLOW_STORE_SAVE_SECONDS``.

    The folder comes from ``SLOW_STORE_DIR`` (stores are built with no arguments). Writes are atomic (rename).
    """

    def __init__(self) -> None:
        self.folder = Path(os.environ["SLOW_STORE_DIR"])
        self.delay = float(os.environ.get("SLOW_STORE_SAVE_SECONDS", "4"))

    def __repr__(self) -> str:
        return "SlowFileTokenStore()"

    def _path(self, conn_id: str) -> Path:
        return self.folder / f"{conn_id}.json"

    def load(self, conn_id: str) -> StoredTokens | None:
        try:
            return StoredTokens.from_json(self._path(conn_id).read_text())
        except FileNotFoundError:
            return None

    def save(self, conn_id: str, tokens: StoredTokens) -> None:
        time.sleep(self.delay)  # a slow secrets manager: widens the window in which others find the old pair
        temporary = self._path(conn_id).with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(tokens.to_json())
        temporary.replace(self._path(conn_id))
        with (self.folder / "saves.log").open("a") as log:
            log.write(json.dumps({"pid": os.getpid(), "generation": tokens.generation}) + "\n")


def register_entry_points(folder: Path, stores: dict[str, str], dist: str = "oauth_test_plugins") -> Path:
    """Write a distribution's metadata registering ``stores`` (name -> ``module:attr``); returns ``folder``."""
    info = folder / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = [f"[{ENTRY_POINT_GROUP}]", *(f"{name} = {target}" for name, target in stores.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return folder
