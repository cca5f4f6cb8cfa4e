"""The emulator in its own process for benchmarks, so its CPU time and memory are not the client's.

``EmulatorProcess`` starts ``python -m benchmarks._emulator '<config json>'``, which seeds databases with rows
spread over time (so a fetch past the cap can window by ``created_time``), prints one JSON line describing the
server and serves until its stdin is closed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import requests

SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Count": {"number": {}},
    "Tag": {"select": {"options": [{"name": "a"}, {"name": "b"}]}},
}
ROWS_PER_MINUTE = 500


class EmulatorProcess:
    """``with EmulatorProcess(databases={"big": 50_000}) as emu:`` then ``emu.conn_json``, ``emu.databases``."""

    def __init__(
        self,
        *,
        databases: dict[str, int] | None = None,
        query_cap: int = 10_000,
        rate_limit: tuple[float, int] | None = None,
        max_file_upload_bytes: int | None = None,
    ) -> None:
        self.config = {
            "databases": databases or {},
            "query_cap": query_cap,
            "rate_limit": list(rate_limit) if rate_limit else None,
            "max_file_upload_bytes": max_file_upload_bytes,
        }
        self._process: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> EmulatorProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._emulator", json.dumps(self.config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator process did not start")
        self.info = json.loads(line)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    @property
    def base_url(self) -> str:
        return str(self.info["base_url"])

    @property
    def token(self) -> str:
        return str(self.info["token"])

    @property
    def conn_json(self) -> str:
        return json.dumps(self.info["conn"])

    @property
    def databases(self) -> dict[str, dict[str, Any]]:
        return dict(self.info["databases"])

    def use_as_default_connection(self) -> None:
        os.environ["AIRFLOW_CONN_NOTION_DEFAULT"] = self.conn_json

    def requests_sent(self) -> list[dict[str, Any]]:
        """The emulator's request log (admin API)."""
        answer = requests.get(f"{self.base_url}/_emulator/requests", timeout=30)
        answer.raise_for_status()
        return list(answer.json()["results"])

    def clear_requests(self) -> None:
        requests.delete(f"{self.base_url}/_emulator/requests", timeout=30).raise_for_status()


def _serve(config: dict[str, Any]) -> None:
    from notion_emulator import NotionEmulator, RateLimit

    limit = RateLimit(*config["rate_limit"]) if config.get("rate_limit") else None
    uploads = (
        {"max_file_upload_bytes": config["max_file_upload_bytes"]}
        if config.get("max_file_upload_bytes")
        else {}
    )
    emu = NotionEmulator(
        seed="demo", query_cap=config["query_cap"], rate_limit=limit, max_logged_requests=200_000, **uploads
    )
    emu.start()
    creator = emu.default_integration().id
    databases: dict[str, Any] = {}
    for name, count in config["databases"].items():
        database = emu.add_database(parent_id=emu.root_page_id, title=name, properties=SCHEMA)
        start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(
            minutes=count // ROWS_PER_MINUTE + 1
        )
        with emu.state.lock:
            for index in range(count):
                emu.state.create_page(
                    parent_type="data_source_id",
                    parent_id=database["data_source_id"],
                    properties_input={
                        "Name": [{"type": "text", "text": {"content": f"row {index}"}}],
                        "Count": {"number": index},
                        "Tag": {"select": {"name": "ab"[index % 2]}},
                    },
                    creator_id=creator,
                    created=start + timedelta(minutes=index // ROWS_PER_MINUTE),
                )
        databases[name] = database
    info = {
        "base_url": emu.base_url,
        "token": emu.token,
        "conn": emu.airflow_conn_dict,
        "root_page_id": emu.root_page_id,
        "databases": databases,
    }
    print(json.dumps(info), flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin
    emu.stop()


if __name__ == "__main__":
    _serve(json.loads(sys.argv[1]))
