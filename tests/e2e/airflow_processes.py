"""Real Airflow components for end-to-end tests: a throwaway AIRFLOW_HOME (SQLite), migrate, start, stop.

``AirflowDeployment`` runs ``airflow db migrate`` and starts the components a test names (api-server,
dag-processor, scheduler, triggerer) as subprocesses on loopback ports, each logging to a file of the tmp dir;
``stop()`` terminates them (``kill`` after 30 s). The webhook receiver is loaded by the API server from the
``airflow.plugins`` entry point of the installed provider.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.helpers import free_port

AIRFLOW = [sys.executable, "-m", "airflow"]


class AirflowDeployment:
    def __init__(self, tmp_path: Path, dags: Path, extra_env: dict[str, str] | None = None) -> None:
        self.home = tmp_path / "home"
        self.dags = dags
        self.tmp_path = tmp_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_", "AIRFLOW__"))
        }
        self.env.update(
            {
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": "2",
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                "AIRFLOW__API__PORT": str(self.port),
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
                "AIRFLOW__API_AUTH__JWT_SECRET": "e2e-only-jwt-secret-not-a-real-one",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
                "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
                "AIRFLOW_NOTION_PACING_DIR": str(tmp_path / "pacing"),
            }
        )
        self.env.update(extra_env or {})
        self.logs: dict[str, Path] = {}
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    # ------------------------------------------------------------------ lifecycle
    def cli(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [*AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, f"airflow {' '.join(args)}: " + done.stdout[-2000:] + done.stderr[-2000:]
        return done.stdout

    def migrate(self) -> None:
        self.cli("db", "migrate")

    def start(self, component: str, *args: str, log_name: str | None = None) -> None:
        """Start ``airflow <component> <args>``, logging to ``<log_name or component>.log`` (a restarted component
        can log to a file of its own, so a test reads what the new process said)."""
        name = log_name or component
        log_path = self.tmp_path / f"{name}.log"
        self.logs[name] = log_path
        with log_path.open("ab") as log:
            self.running[component] = subprocess.Popen(
                [*AIRFLOW, component, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def start_api_server(self, deadline: float) -> None:
        self.start("api-server", "--port", str(self.port))
        self.wait_for(self._api_up, "the API server to answer", deadline)

    def _api_up(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/api/v2/monitor/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, component: str | None = None) -> None:
        names = [component] if component else list(self.running)
        for name in names:
            self.running[name].terminate()
        for name in names:
            process = self.running.pop(name)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    # ------------------------------------------------------------------ reading
    def wait_for(self, check: Callable[[], Any], what: str, deadline: float, every: float = 0.5) -> Any:
        while time.monotonic() < deadline:
            found = check()
            if found:
                return found
            for name, process in self.running.items():
                if process.poll() is not None:
                    raise AssertionError(f"{name} exited ({process.returncode})\n{self.tail()}")
            time.sleep(every)
        raise AssertionError(f"timed out waiting for {what}\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(
            f"--- {name}\n{path.read_text(errors='replace')[-3000:]}" for name, path in self.logs.items()
        )

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.home / "airflow.db", timeout=30)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return list(conn.execute(sql, params).fetchall())

    def asset_events(self, uri: str) -> list[dict[str, Any]]:
        rows = self.query(
            "SELECT e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id WHERE a.uri = ? ORDER BY e.id",
            uri,
        )
        return [json.loads(extra) if isinstance(extra, str) else extra for (extra,) in rows]

    def dag_runs(self, dag_id: str) -> list[tuple[str, str]]:
        return [
            (r[0], r[1]) for r in self.query("SELECT run_id, state FROM dag_run WHERE dag_id = ?", dag_id)
        ]

    def token(self, username: str = "admin") -> str:
        """A JWT for the simple auth manager's user (its generated password file)."""
        passwords = json.loads((self.home / "simple_auth_manager_passwords.json.generated").read_text())
        answer = requests.post(
            f"{self.base_url}/auth/token",
            json={"username": username, "password": passwords[username]},
            timeout=10,
        )
        assert answer.status_code in (200, 201), answer.text
        return str(answer.json()["access_token"])
