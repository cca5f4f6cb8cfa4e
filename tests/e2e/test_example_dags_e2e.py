"""Every example DAG runs end to end with ``airflow dags test`` against the local Notion emulator.

Airflow runs in a subprocess (its own AIRFLOW_HOME and SQLite database, migrated once); the emulator runs in this
process, so the assertions read the workspace state it ended with, not only the exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests
from notion_emulator import NotionEmulator

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
_dates = count(1)


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("airflow-home")
    migrate = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=_env(home, {}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]
    return home


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            **extra,
        }
    )
    return env


def run_dag(
    home: Path, emu: NotionEmulator, dag_id: str, version: str, extra_env: dict[str, str] | None = None
) -> tuple[str, dict[str, Any]]:
    """``airflow dags test`` one DAG; returns its output and each task's return value."""
    conn = {**emu.airflow_conn_dict, "extra": {"notion_version": version}}
    logical_date = f"2026-02-{next(_dates):02d}T00:00:00+00:00"
    env = _env(
        home,
        {
            "AIRFLOW_CONN_NOTION_DEFAULT": json.dumps(conn),
            "NOTION_PARENT_PAGE_ID": emu.root_page_id,
            **(extra_env or {}),
        },
    )
    run = subprocess.run(
        [sys.executable, "-m", "airflow", "dags", "test", dag_id, logical_date],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    assert emu.token not in output
    return output, _xcoms(home, dag_id)


def _xcoms(home: Path, dag_id: str) -> dict[str, Any]:
    with contextlib.closing(sqlite3.connect(home / "airflow.db")) as db:
        (run_id,) = db.execute(
            "SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", (dag_id,)
        ).fetchone()
        states = dict(
            db.execute(
                "SELECT task_id, state FROM task_instance WHERE dag_id = ? AND run_id = ?", (dag_id, run_id)
            )
        )
        assert set(states.values()) == {"success"}, states
        rows = db.execute(
            "SELECT task_id, map_index, value FROM xcom WHERE dag_id = ? AND run_id = ? AND key = 'return_value'",
            (dag_id, run_id),
        ).fetchall()
    values: dict[str, Any] = {}
    for task_id, map_index, value in rows:
        decoded = json.loads(value) if isinstance(value, str | bytes) else value
        if map_index >= 0:
            values.setdefault(task_id, {})[map_index] = decoded
        else:
            values[task_id] = decoded
    return values


def _title(row: dict[str, Any], prop: str = "Name") -> str:
    return "".join(part["plain_text"] for part in row["properties"][prop]["title"])


@pytest.mark.timeout(900)  # two `airflow dags test` runs
@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_etl_is_idempotent_over_two_scheduled_runs(airflow_home: Path, version: str) -> None:
    with NotionEmulator(seed="demo") as emu:
        _, results = run_dag(airflow_home, emu, "example_notion_etl", version)
        state = emu.state
        databases = [db for db in state.databases.values() if db.parent_id == emu.root_page_id]
        assert len(databases) == 1
        rows = state.pages_in(databases[0].id)
        assert sorted(_title(r) for r in rows) == [f"sensor-{i}" for i in range(1, 6)]
        readings = {_title(r): r["properties"]["Reading"]["number"] for r in rows}
        assert readings == {f"sensor-{i}": round(10.5 * i, 1) for i in range(1, 6)}
        assert {_title(r): r["properties"]["Day"]["date"]["start"] for r in rows} == {
            f"sensor-{i}": f"2026-01-{i:02d}" for i in range(1, 6)
        }
        assert results["wait_for_items"]["object"] == "list"
        assert len(results["wait_for_items"]["results"]) == 5
        sync = results["sync_rows"]
        assert (sync["created"], sync["updated"], sync["unchanged"], sync["trashed"]) == (5, 0, 0, 0)
        healthy = sorted(
            (r for r in rows if r["properties"]["Healthy"]["checkbox"]), key=lambda r: -readings[_title(r)]
        )
        assert results["report"] == {
            "healthy": 4,
            "total_reading": sum(readings[_title(r)] for r in healthy),
            "names": [_title(r) for r in healthy],
        }
        creates = [r for r in emu.request_log if r.method == "POST" and r.path == "/v1/pages"]
        assert len(creates) == 5

        # The next scheduled run: same database, same rows, no write at all.
        emu.clear_request_log()
        _, again = run_dag(airflow_home, emu, "example_notion_etl", version)
        databases = [db for db in state.databases.values() if db.parent_id == emu.root_page_id]
        assert len(databases) == 1
        assert sorted(_title(r) for r in state.pages_in(databases[0].id)) == [
            f"sensor-{i}" for i in range(1, 6)
        ]
        assert again["create_database"]["id"] == results["create_database"]["id"]
        sync = again["sync_rows"]
        assert (sync["created"], sync["updated"], sync["unchanged"], sync["trashed"]) == (0, 0, 5, 0)
        written = [
            (r.method, r.path)
            for r in emu.request_log
            if r.method in ("POST", "PATCH") and not r.path.endswith("/query") and r.path != "/v1/search"
        ]
        assert written == []


def test_pages_dag_creates_a_page_with_all_its_blocks_and_exports(airflow_home: Path, tmp_path: Path) -> None:
    version = "2026-03-11"
    with NotionEmulator(seed="demo") as emu:
        emu.add_database(parent_id=emu.root_page_id, title="Existing", properties={"Name": {"title": {}}})
        _, results = run_dag(
            airflow_home,
            emu,
            "example_notion_pages",
            version,
            {"AIRFLOW_VAR_NOTION_EXPORT_DIR": str(tmp_path)},
        )
        pages = [
            p
            for p in emu.state.find_pages(parent_id=emu.root_page_id)
            if p["id"] == results["create_page"]["id"]
        ]
        assert len(pages) == 1
        blocks = emu.state.block_children_of(pages[0]["id"])
        assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in blocks] == [
            f"Line {n}" for n in range(1, 151)
        ]
        assert results["get_page"]["id"] == pages[0]["id"]
        assert results["count_databases"] == 1
        exported = list(tmp_path.rglob("databases.jsonl"))
        assert len(exported) == 1 and len(exported[0].read_text().splitlines()) == 1


def test_users_dag_reads_the_bot_and_every_user(airflow_home: Path) -> None:
    version = "2025-09-03"
    with NotionEmulator(seed="demo") as emu:
        _, results = run_dag(airflow_home, emu, "example_notion_users", version)
        assert results["summarise"] == {
            "bot": emu.default_integration().id,
            "same_user": True,
            "people": len(emu.state.people),
            "bots": len(emu.state.integrations),
        }


def test_raw_request_dag_reaches_three_endpoints(airflow_home: Path) -> None:
    version = "2026-03-11"
    with NotionEmulator(seed="demo") as emu:
        _, results = run_dag(airflow_home, emu, "example_notion_raw_request", version)
        assert results["summarise"]["bot"] == emu.default_integration().id
        assert results["summarise"]["users"] == len(emu.state.people) + len(emu.state.integrations)
        paths = {(r.method, r.path) for r in emu.request_log}
        assert {("GET", "/v1/users/me"), ("POST", "/v1/search"), ("GET", "/v1/users")} <= paths


@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_report_dag_writes_the_report_attaches_the_csv_comments_and_trashes_the_old_one(
    airflow_home: Path, tmp_path: Path, version: str
) -> None:
    with NotionEmulator(seed="demo") as emu:
        results = emu.add_database(
            parent_id=emu.root_page_id,
            title="Results",
            properties={"Name": {"title": {}}, "Score": {"number": {}}},
        )
        for name, score in (("alpha", 3), ("beta", 7), ("gamma", 5)):
            emu.add_page(parent_id=results["id"], title=name, properties={"Score": {"number": score}})
        reports = emu.add_database(
            parent_id=emu.root_page_id, title="Reports", properties={"Name": {"title": {}}}
        )
        # One old report per January day: the run must trash exactly the one 30 days before its own date.
        for day in range(1, 32):
            emu.add_page(parent_id=reports["id"], title=f"Report 2026-01-{day:02d}")
        reviewer = next(p for p in emu.state.people.values() if p.get("email"))
        _, values = run_dag(
            airflow_home,
            emu,
            "example_notion_report",
            version,
            {
                "NOTION_RESULTS_DATABASE_ID": results["id"],
                "NOTION_REPORTS_DATABASE_ID": reports["id"],
                "NOTION_REPORT_REVIEWER": reviewer["email"],
                "AIRFLOW_VAR_NOTION_EXPORT_DIR": str(tmp_path),
            },
        )
        state = emu.state
        page_id = values["write_report"]["id"]
        title = state.page_title(state.pages[page_id])
        day = title.removeprefix("Report ")
        blocks = state.block_children_of(page_id)
        assert [b["type"] for b in blocks] == ["heading_1", "paragraph", "table", "file"]
        assert blocks[0]["heading_1"]["rich_text"][0]["plain_text"] == f"Results for {day}"
        rows = [
            [cell[0]["plain_text"] if cell else "" for cell in state.blocks[row_id].content["cells"]]
            for row_id in state.live_children(blocks[2]["id"])
        ]
        assert rows == [["Name", "Score"], ["beta", "7"], ["gamma", "5"], ["alpha", "3"]]
        # An attached upload reads back as a Notion-hosted file whose link serves the uploaded bytes.
        attached = blocks[3]["file"]
        assert attached["type"] == "file"
        assert attached["caption"][0]["plain_text"] == f"Results of {day} (CSV)"
        download = requests.get(attached["file"]["url"], timeout=10)
        assert download.text.splitlines() == ["Name,Score", "beta,7", "gamma,5", "alpha,3"]
        # The attached upload reads back as a Notion-hosted file linking to the uploaded CSV.
        upload = state.file_uploads.get(values["attach_csv"]["upload"]["id"], emu.default_integration().id)
        assert upload is not None
        assert blocks[3]["file"]["type"] == "file"
        assert blocks[3]["file"]["file"]["url"].endswith(f"/{upload.id}/results-{day}.csv")
        assert blocks[3]["file"]["caption"][0]["plain_text"] == f"Results of {day} (CSV)"
        assert upload.data.decode().splitlines() == ["Name,Score", "beta,7", "gamma,5", "alpha,3"]
        (comment,) = state.comments.on(page_id)
        assert "".join(t["plain_text"] for t in comment.rich_text) == (
            f"The report for {day} is ready, @{reviewer['name']} please have a look."
        )
        from datetime import date, timedelta

        old = (date.fromisoformat(day) - timedelta(days=30)).isoformat()
        trashed = [state.page_title(p) for p in state.pages.values() if p.in_trash]
        assert trashed == [f"Report {old}"]


@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_page_content_dag_writes_reads_comments_and_updates_the_run_row(
    airflow_home: Path, version: str
) -> None:
    with NotionEmulator(seed="demo") as emu:
        _, values = run_dag(airflow_home, emu, "example_notion_page_content", version)
        state = emu.state
        page_id = values["create_page"]["id"]
        assert state.get_page(page_id)["parent"]["page_id"].replace("-", "") == emu.root_page_id.replace(
            "-", ""
        )
        run_id = state.page_title(state.pages[page_id]).partition("(")[2].rstrip(")")
        assert run_id.startswith("manual__")

        # The Markdown of the create, then the appended log, in order and nested as written.
        blocks = state.block_children_of(page_id)
        assert [b["type"] for b in blocks] == [
            "heading_1",
            "paragraph",
            "bulleted_list_item",
            "bulleted_list_item",
            "heading_2",
            "bulleted_list_item",
            "bulleted_list_item",
        ]
        day = blocks[0]["heading_1"]["rich_text"][0]["plain_text"].removeprefix("Run notes for ")
        (nested,) = state.block_children_of(blocks[2]["id"])
        assert nested["bulleted_list_item"]["rich_text"][0]["plain_text"] == "checked"
        code = blocks[1]["paragraph"]["rich_text"][1]
        assert code["plain_text"] == run_id and code["annotations"]["code"]
        assert values["append_log"]["object"] == "list"
        assert [b["id"] for b in values["append_log"]["results"]] == [b["id"] for b in blocks[4:]]

        # Read back as Markdown: Notion's renderer under 2026-03-11, the provider's converter before.
        content = values["read_content"]
        assert content["source"] == ("notion" if version == "2026-03-11" else "converter")
        markdown = content["markdown"]
        assert f"# Run notes for {day}" in markdown
        assert "## Log" in markdown and "finished" in markdown and "checked" in markdown
        assert markdown.index("outputs") < markdown.index("## Log")

        (comment,) = state.comments.on(page_id)
        text = "".join(t["plain_text"] for t in comment.rich_text)
        assert text == f"Notes for {day} are written."
        listed = values["list_comments"]["results"]
        assert ["".join(t["plain_text"] for t in c["rich_text"]) for c in listed] == [text]

        # The run-log database: created under the parent, described with its schema, one row marked done.
        (database,) = [db for db in state.databases.values() if db.parent_id == emu.root_page_id]
        assert values["create_database"]["id"] == values["describe_database"]["id"]
        if version == "2026-03-11":
            (source,) = values["describe_database"]["data_sources"]
            schema = source["properties"]
        else:
            schema = values["describe_database"]["properties"]
        assert {name: prop["type"] for name, prop in schema.items()} == {
            "Name": "title",
            "Status": "select",
            "Notes": "url",
        }
        (row,) = state.pages_in(database.id)
        assert row["id"] == values["mark_done"]["id"] == values["add_run"]["id"]
        assert _title(row) == run_id
        assert row["properties"]["Status"]["select"]["name"] == "Done"
        assert row["properties"]["Notes"]["url"] == values["create_page"]["url"]
        assert page_id.replace("-", "") in row["properties"]["Notes"]["url"]
        assert state.pages[row["id"]].icon == {"type": "emoji", "emoji": "✅"}
        (started,) = state.block_children_of(row["id"])
        assert started["paragraph"]["rich_text"][0]["plain_text"].startswith("Started at ")
