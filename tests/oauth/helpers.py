"""Helpers for the OAuth tests: the public integration's values, emulator inspection, a fake task supervisor."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import requests
from notion_emulator import NotionEmulator

# Distinctive values, so a leak into a log or printed output is unmistakable.
CLIENT_ID = "oauth-client-id-7d1e"
CLIENT_SECRET = "secret_CANARY_client_5b8e0f2a9d41"
REDIRECT_URI = "https://airflow.example.com/notion/callback"
OTHER_REDIRECT_URI = "http://localhost:8765/callback"


def token_requests(emu: NotionEmulator) -> list[int]:
    """Statuses of the ``POST /v1/oauth/token`` calls the emulator saw."""
    return [r.status for r in emu.request_log if r.path == "/v1/oauth/token"]


def follow_authorize(url: str) -> dict[str, str]:
    """Open the authorize URL like a browser would and return the redirect's query parameters."""
    from urllib.parse import parse_qs, urlsplit

    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()} | {
        "_target": location.split("?")[0]
    }


class FakeSupervisor:
    """The task supervisor's side of the Task SDK channel, answering Variable requests from a dict.

    Installed with Airflow's own ``set_supervisor_comms`` (its documented hook for in-process tests), so the
    process is "in a task": the real ``Variable.get``/``Variable.set`` code runs and writes go through here.
    """

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def send(self, msg: Any) -> Any:
        from airflow.sdk.execution_time import comms

        if isinstance(msg, comms.GetVariable):
            if msg.key in self.values:
                return comms.VariableResult(key=msg.key, value=self.values[msg.key])
            return comms.ErrorResponse(error=comms.ErrorType.VARIABLE_NOT_FOUND, detail={"key": msg.key})
        if isinstance(msg, comms.PutVariable):
            self.values[msg.key] = str(msg.value)
            return None
        if isinstance(msg, comms.GetConnection):
            return comms.ErrorResponse(
                error=comms.ErrorType.CONNECTION_NOT_FOUND, detail={"conn_id": msg.conn_id}
            )
        return None  # MaskSecret and other notifications


def run_released_together(
    workers: list[subprocess.Popen[str]], gate: Path, timeout: float
) -> list[tuple[str, str]]:
    """Wait until every worker process wrote ``gate/ready-*``, release them at once (``gate/go``), collect output.

    Workers that are still running at the end are killed, so a failed test leaves no process behind.
    """
    try:
        deadline = time.monotonic() + timeout
        while len(list(gate.glob("ready-*"))) < len(workers):
            assert all(w.poll() is None for w in workers), [
                w.communicate() for w in workers if w.poll() is not None
            ]
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.05)
        (gate / "go").touch()
        return [w.communicate(timeout=timeout) for w in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
