"""``make demo``: run the example ETL DAG end to end and tell what happened.

By default the DAG runs against the local Notion emulator (rate limit on, as Notion's). With ``NOTION_TOKEN`` and
``NOTION_PARENT_PAGE_ID`` set, it runs against the real Notion API instead, creating a database under that page.

Everything Airflow writes goes to a throwaway ``AIRFLOW_HOME`` in ``.demo/`` (SQLite), recreated each run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / ".demo"
DAG_ID = "example_notion_etl"


def log(message: str) -> None:
    print(f"[demo] {message}", flush=True)


@contextlib.contextmanager
def notion_backend() -> Iterator[tuple[dict[str, str], Any]]:
    """Environment for the DAG run, and the emulator (``None`` against the real API)."""
    token, parent = os.environ.get("NOTION_TOKEN"), os.environ.get("NOTION_PARENT_PAGE_ID")
    if token and parent:
        log("NOTION_TOKEN and NOTION_PARENT_PAGE_ID are set: running against the real Notion API")
        conn = {"conn_type": "notion", "password": token, "extra": {"notion_version": "2026-03-11"}}
        yield {"AIRFLOW_CONN_NOTION_DEFAULT": json.dumps(conn), "NOTION_PARENT_PAGE_ID": parent}, None
        return
    from notion_emulator import NotionEmulator, RateLimit

    with NotionEmulator(seed="demo", rate_limit=RateLimit(rate=3.0, burst=10)) as emulator:
        log(
            f"Notion emulator on {emulator.base_url} (seed 'demo', rate limit 3 requests/s with bursts of 10)"
        )
        yield (
            {
                "AIRFLOW_CONN_NOTION_DEFAULT": emulator.airflow_conn_json,
                "NOTION_PARENT_PAGE_ID": emulator.root_page_id,
            },
            emulator,
        )


def airflow(args: list[str], env: dict[str, str], log_file: Path) -> None:
    """Run an Airflow CLI command, its output in ``log_file``; on failure show the end of it and stop."""
    started = time.monotonic()
    with log_file.open("w") as out:
        result = subprocess.run(
            [str(Path(sys.executable).parent / "airflow"), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0:
        tail = log_file.read_text().splitlines()[-40:]
        print("\n".join(tail))
        raise SystemExit(f"[demo] `airflow {' '.join(args)}` failed; full output in {log_file}")
    log(
        f"airflow {args[0]} {args[1]} took {time.monotonic() - started:.1f} s (log: {log_file.relative_to(ROOT)})"
    )


def task_results(airflow_home: Path) -> dict[str, Any]:
    """Each task's return value from the run's XComs."""
    with contextlib.closing(sqlite3.connect(airflow_home / "airflow.db")) as db:
        (run_id,) = db.execute(
            "SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", (DAG_ID,)
        ).fetchone()
        rows = db.execute(
            "SELECT task_id, map_index, value FROM xcom WHERE dag_id = ? AND run_id = ? AND key = 'return_value' "
            "ORDER BY map_index",
            (DAG_ID, run_id),
        ).fetchall()
    results: dict[str, Any] = {}
    for task_id, map_index, value in rows:
        try:
            decoded = json.loads(value) if isinstance(value, str | bytes) else value
        except ValueError:
            decoded = value
        if map_index >= 0:  # a mapped task: one value per mapped instance
            results.setdefault(task_id, []).append(decoded)
        else:
            results[task_id] = decoded
    return results


def describe(value: Any) -> str:
    if isinstance(value, dict) and {"created", "updated", "unchanged", "requests"} <= set(value):
        return (
            f"sync counts: created {value['created']}, updated {value['updated']}, unchanged "
            f"{value['unchanged']}, trashed {value.get('trashed', 0)} in {value['requests']} requests"
        )
    if isinstance(value, list) and value and all(isinstance(v, dict) and "object" in v for v in value):
        kinds = sorted({v["object"] for v in value})
        return f"{len(value)} mapped results ({', '.join(kinds)})"
    if isinstance(value, dict) and value.get("object") == "list":
        return f"a list of {len(value.get('results', []))} results"
    if isinstance(value, dict) and value.get("object") in ("page", "database", "data_source", "user"):
        return f"a {value['object']} ({value.get('id')})"
    text = json.dumps(value, default=str)
    return text if len(text) <= 100 else text[:97] + "..."


def summarise(emulator: Any, results: dict[str, Any]) -> None:
    print("\n==== What happened ====")
    if emulator is not None:
        state = emulator.state
        with state.lock:
            for database in state.databases.values():
                title = "".join(part.get("plain_text", "") for part in database.title)
                rows = state.pages_in(database.id)
                print(f"Database {title!r}: {len(rows)} items")
                for row in rows[:10]:
                    print(f"  - {_row_title(row)}")
        requests = emulator.request_log
        limited = sum(1 for r in requests if r.status == 429)
        writes = sum(
            1 for r in requests if r.method in ("POST", "PATCH") and r.path in ("/v1/pages", "/v1/databases")
        )
        writes += sum(1 for r in requests if r.method == "PATCH" and r.path.startswith("/v1/pages/"))
        print(
            f"Requests the emulator answered: {len(requests)} ({limited} rate-limited with 429, then retried); "
            f"{writes} of them created or changed a database or row"
        )
    for task_id, value in results.items():
        print(f"Task {task_id} returned {describe(value)}")


def _row_title(row: dict[str, Any]) -> str:
    for prop in row.get("properties", {}).values():
        if prop.get("type") == "title":
            return "".join(part.get("plain_text", "") for part in prop.get("title", []))
    return row.get("id", "?")


def main() -> None:
    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    airflow_home = DEMO_DIR / "airflow"
    airflow_home.mkdir(parents=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    with notion_backend() as (backend_env, emulator):
        env.update(backend_env)
        airflow(["db", "migrate"], env, DEMO_DIR / "db-migrate.log")
        now = datetime.now(UTC).replace(microsecond=0)
        # Two scheduled runs in a row: the second finds the database and writes nothing (the data did not change).
        for number, logical_date in enumerate((now - timedelta(days=1), now), start=1):
            log(f"Run {number} of {DAG_ID}")
            airflow(
                ["dags", "test", DAG_ID, logical_date.isoformat()], env, DEMO_DIR / f"dags-test-{number}.log"
            )
            summarise(emulator, task_results(airflow_home))
            if emulator is not None:
                emulator.clear_request_log()
    log("done")


if __name__ == "__main__":
    main()
