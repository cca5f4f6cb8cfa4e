"""NotionToObjectStorageOperator against the emulator over HTTP: every property type to Parquet/CSV/JSON Lines,
read back and checked; consecutive intervals export each edit exactly once; empty windows; atomic reruns;
deletions; users; errors before any request."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator
from tests.export.helpers import (
    every_type_database,
    set_edited,
    title,
)

T0 = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
EXPECTED_ARROW = {
    "id": pa.string(),
    "url": pa.string(),
    "created_time": pa.timestamp("us", tz="UTC"),
    "last_edited_time": pa.timestamp("us", tz="UTC"),
    "in_trash": pa.bool_(),
    "Attachments": pa.list_(pa.string()),
    "Count": pa.float64(),
    "Created": pa.timestamp("us", tz="UTC"),
    "Creator": pa.string(),
    "Done": pa.bool_(),
    "Due.start": pa.timestamp("us", tz="UTC"),
    "Due.end": pa.timestamp("us", tz="UTC"),
    "Due.time_zone": pa.string(),
    "Edited": pa.timestamp("us", tz="UTC"),
    "Editor": pa.string(),
    "Labels": pa.list_(pa.string()),
    "Link": pa.string(),
    "Mail": pa.string(),
    "Name": pa.string(),
    "Notes": pa.string(),
    "Owner": pa.list_(pa.string()),
    "Phone": pa.string(),
    "Related": pa.list_(pa.string()),
    "Score": pa.string(),
    "State": pa.string(),
    "Tag": pa.string(),
    "Ticket": pa.string(),
    "Total": pa.float64(),
}


def export(context_interval: tuple[datetime, datetime] | None = None, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("task_id", "export")
    kwargs.setdefault("requests_per_second", None)
    context: dict[str, Any] = {}
    if context_interval is not None:
        context = {"data_interval_start": context_interval[0], "data_interval_end": context_interval[1]}
    return NotionToObjectStorageOperator(**kwargs).execute(context)


def test_every_property_type_to_parquet_with_its_arrow_type_and_value(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    database, expected = every_type_database(emu)
    target = tmp_path / "rows.parquet"

    result = export(database_id=database["id"], path=str(target), format="parquet", mode="full")

    table = pq.read_table(target)
    assert {field.name: field.type for field in table.schema} == EXPECTED_ARROW
    assert result["columns"] == list(EXPECTED_ARROW)
    assert result["rows"] == 2 and result["format"] == "parquet" and result["window"] is None
    assert result["requests"] == 3  # database -> data source, its schema, one query page
    rows = {row["id"]: row for row in table.to_pylist()}
    for case in ("full", "empty"):
        got = rows[expected[case]["id"]]
        for column, value in expected[case].items():
            assert got[column] == value, column
    assert rows[expected["full"]["id"]]["url"].startswith("https://")


def test_every_property_type_to_csv_with_the_sidecar_schema(emu: NotionEmulator, tmp_path: Path) -> None:
    database, expected = every_type_database(emu)
    target = tmp_path / "out" / "rows.csv"

    export(database_id=database["id"], path=str(target), format="csv", mode="full")

    with target.open(newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    full = rows[expected["full"]["id"]]
    assert full["Name"] == 'Full, "quoted"\nrow'  # quoting survives commas, quotes and newlines
    assert full["Count"] == "2.5" and full["Total"] == "2.5" and full["Score"] == "42"
    assert full["Done"] == "true" and full["in_trash"] == "false"
    assert json.loads(full["Labels"]) == ["x", "y"]
    assert json.loads(full["Owner"]) == expected["full"]["Owner"]
    assert full["Due.start"] == "2026-01-31T08:00:00Z" and full["Due.end"] == "2026-02-02T00:00:00Z"
    assert full["Due.time_zone"] == "" and full["Ticket"] == "TCK-1"
    empty = rows[expected["empty"]["id"]]
    assert empty["Count"] == "" and empty["Done"] == "false" and json.loads(empty["Labels"]) == []
    sidecar = json.loads((target.parent / "rows.csv.schema.json").read_text())
    types = {column["name"]: column["type"] for column in sidecar["columns"]}
    assert (
        types["Count"] == "float64"
        and types["Labels"] == "list<string>"
        and types["Due.start"] == "timestamp"
    )
    assert types["Total"] == "float64" and types["Score"] == "string" and types["Done"] == "bool"
    assert [column["name"] for column in sidecar["columns"]] == list(rows[expected["full"]["id"]])


def test_json_lines_keep_types_and_snake_case_names(emu: NotionEmulator, tmp_path: Path) -> None:
    database, expected = every_type_database(emu)
    target = tmp_path / "rows.jsonl"
    result = export(
        data_source_id=database["data_source_id"],
        path=str(target),
        format="jsonl",
        mode="full",
        column_names="snake_case",
    )
    assert "due_start" in result["columns"] and "due_time_zone" in result["columns"]
    rows = {row["id"]: row for row in map(json.loads, target.read_text().splitlines())}
    full = rows[expected["full"]["id"]]
    assert full["count"] == 2.5 and full["done"] is True and full["labels"] == ["x", "y"]
    assert full["due_start"] == "2026-01-31T08:00:00Z"
    assert result["requests"] == 2  # a data source needs no database lookup


# ---------------------------------------------------------------------------------------------- windows


def simple_database(emu: NotionEmulator) -> str:
    database = emu.add_database(
        parent_id=emu.root_page_id,
        properties={"Name": {"title": {}}, "Count": {"number": {}}},
    )
    return str(database["data_source_id"])


def test_consecutive_intervals_export_each_edit_exactly_once(emu: NotionEmulator, tmp_path: Path) -> None:
    source = simple_database(emu)
    ids = emu.add_rows(source, [{"Name": {"title": title(f"r{i}")}} for i in range(6)])
    # Interval 1 [T0, T0+1h): r0, r1 edited (r1 at the last second); interval 2: r2, r3 and r0 again.
    edits_1 = {ids[0]: T0 + timedelta(minutes=5), ids[1]: T0 + timedelta(minutes=59, seconds=59)}
    edits_2 = {ids[2]: T0 + timedelta(hours=1), ids[3]: T0 + timedelta(hours=1, minutes=30)}
    for row_id, moment in {**edits_1, **edits_2}.items():
        set_edited(emu, row_id, moment)
    set_edited(emu, ids[4], T0 - timedelta(seconds=1))  # before both
    set_edited(emu, ids[5], T0 + timedelta(hours=2))  # after both

    def run(start: datetime, name: str) -> list[str]:
        target = tmp_path / name
        result = export(
            data_source_id=source,
            path=str(target),
            format="parquet",
            edited_after=start.isoformat(),
            edited_before=(start + timedelta(hours=1)).isoformat(),
        )
        assert result["window"] == [
            start.strftime("%Y-%m-%dT%H:%M:00.000Z"),
            (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:00.000Z"),
        ]
        return [str(row_id) for row_id in pq.read_table(target).column("id").to_pylist()]

    first = run(T0, "1.parquet")
    second = run(T0 + timedelta(hours=1), "2.parquet")
    assert sorted(first) == sorted(edits_1)
    assert sorted(second) == sorted(edits_2)
    # r0 edited again in interval 2: exported again there (Notion keeps only the latest edit), once.
    set_edited(emu, ids[0], T0 + timedelta(hours=1, minutes=10))
    assert sorted(run(T0 + timedelta(hours=1), "2b.parquet")) == sorted([*edits_2, ids[0]])


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_an_empty_window_writes_a_valid_empty_file_with_the_schema(
    emu: NotionEmulator, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = simple_database(emu)
    target = tmp_path / f"rows.{fmt}"
    result = export(
        data_source_id=source,
        path=str(target),
        format=fmt,
        edited_after="2020-01-01T00:00:00Z",
        edited_before="2020-01-02T00:00:00Z",
    )
    assert result["rows"] == 0
    assert "No rows in this window" in capsys.readouterr().out
    if fmt == "parquet":
        table = pq.read_table(target)
        assert table.num_rows == 0 and table.schema.field("Count").type == pa.float64()
    elif fmt == "csv":
        assert target.read_text().splitlines() == [",".join(result["columns"])]
    else:
        assert target.read_text() == ""
        assert (tmp_path / "rows.jsonl.schema.json").exists()


def test_a_rerun_of_the_same_interval_writes_the_same_file(emu: NotionEmulator, tmp_path: Path) -> None:
    source = simple_database(emu)
    ids = emu.add_rows(
        source, [{"Name": {"title": title(f"r{i}")}, "Count": {"number": i}} for i in range(5)]
    )
    for row_id in ids:
        set_edited(emu, row_id, T0)
    target = tmp_path / "rows.parquet"
    contents = []
    for _ in range(2):
        export(
            data_source_id=source,
            path=str(target),
            format="parquet",
            edited_after=T0,
            edited_before=T0 + timedelta(hours=1),
        )
        contents.append(target.read_bytes())
    assert contents[0] == contents[1]
    assert [p.name for p in tmp_path.iterdir()] == ["rows.parquet"]


def test_a_run_failing_on_its_first_page_keeps_the_previous_export(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = simple_database(emu)
    emu.add_rows(source, [{"Name": {"title": title("a")}}])
    target = tmp_path / "rows.csv"
    export(data_source_id=source, path=str(target), format="csv", mode="full")
    previous = target.read_bytes()
    emu.add_rows(source, [{"Name": {"title": title("b")}}])
    emu.faults.inject(status=403, path="/query", count=1)
    with pytest.raises(NotionError):
        export(data_source_id=source, path=str(target), format="csv", mode="full")
    assert target.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv", "rows.csv.schema.json"]


def test_a_property_added_or_retyped_between_runs_never_breaks_the_export(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = simple_database(emu)
    emu.add_rows(source, [{"Name": {"title": title("a")}, "Count": {"number": 1}}])
    first = export(data_source_id=source, path=str(tmp_path / "1.parquet"), format="parquet", mode="full")
    with emu.state.lock:
        schema = emu.state.data_sources[source].schema
        schema["Count"] = {**schema["Count"], "type": "rich_text", "rich_text": {}}  # retyped
        schema["Added"] = {"id": "aDd1", "name": "Added", "type": "checkbox", "checkbox": {}}
    second = export(data_source_id=source, path=str(tmp_path / "2.parquet"), format="parquet", mode="full")
    system = ["id", "url", "created_time", "last_edited_time", "in_trash"]
    assert first["columns"] == [*system, "Count", "Name"]
    assert second["columns"] == [*system, "Added", "Count", "Name"]  # properties in name order
    table = pq.read_table(tmp_path / "2.parquet")
    assert table.schema.field("Count").type == pa.string()  # the new type, never mixed within a file
    assert table.schema.field("Added").type == pa.bool_()
    assert table.column("Count").to_pylist() == [None]  # the stored value still has the old type: no value


def test_with_a_state_path_a_retyped_property_is_widened_to_string(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = simple_database(emu)
    first_id, *_ = emu.add_rows(source, [{"Name": {"title": title("a")}, "Count": {"number": 2.5}}])
    state = tmp_path / "state.json"
    common = {"data_source_id": source, "format": "parquet", "mode": "full", "state_path": str(state)}
    export(path=str(tmp_path / "1.parquet"), **common)
    with emu.state.lock:  # Count becomes a checkbox in Notion
        schema = emu.state.data_sources[source].schema
        schema["Count"] = {**schema["Count"], "type": "checkbox", "checkbox": {}}
    second_id, *_ = emu.add_rows(source, [{"Name": {"title": title("b")}, "Count": {"checkbox": True}}])

    export(path=str(tmp_path / "2.parquet"), **common)
    table = pq.read_table(tmp_path / "2.parquet")
    assert table.schema.field("Count").type == pa.string()  # widened, not bool after float64
    values = dict(zip(table.column("id").to_pylist(), table.column("Count").to_pylist(), strict=True))
    assert values == {first_id: None, second_id: "true"}
    assert json.loads(state.read_text())["columns"]["Count"]["type"] == "string"
    # Once widened it stays a string, so later files agree with the earlier ones.
    export(path=str(tmp_path / "3.parquet"), **common)
    assert pq.read_table(tmp_path / "3.parquet").schema.field("Count").type == pa.string()
    assert pq.read_table(tmp_path / "1.parquet").schema.field("Count").type == pa.float64()


@pytest.mark.parametrize(
    ("version", "source_of_markdown"),
    [("2026-03-11", "Notion's page Markdown endpoint"), ("2025-09-03", "the block tree, converted")],
)
def test_include_content_adds_each_pages_markdown(
    emu: NotionEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    version: str,
    source_of_markdown: str,
) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    source = simple_database(emu)
    with_content, without = emu.add_rows(source, [{"Name": {"title": title(n)}} for n in ("doc", "empty")])
    NotionHook(requests_per_second=None).append_block_children(
        with_content,
        [
            {"type": "heading_1", "heading_1": {"rich_text": title("Plan")}},
            {"type": "paragraph", "paragraph": {"rich_text": title("Ship it.")}},
        ],
    )
    conn = json.loads(emu.airflow_conn_json)
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT", json.dumps({**conn, "extra": {"notion_version": version}})
    )
    emu.clear_request_log()
    target = tmp_path / "rows.jsonl"
    result = export(data_source_id=source, path=str(target), mode="full", include_content=True)

    rows = {row["id"]: row for row in map(json.loads, target.read_text().splitlines())}
    markdown = rows[with_content]["content_markdown"]
    assert "# Plan" in markdown and "Ship it." in markdown, source_of_markdown
    assert rows[without]["content_markdown"] == ""
    assert result["columns"][-1] == "content_markdown"
    assert result["requests"] == len(emu.request_log)
    markdown_calls = [r for r in emu.request_log if r.path.endswith("/markdown")]
    assert len(markdown_calls) == (2 if version == "2026-03-11" else 0)


# ---------------------------------------------------------------------------------------------- deletes


def test_detect_deletes_writes_the_ids_gone_since_the_previous_run(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = simple_database(emu)
    ids = emu.add_rows(source, [{"Name": {"title": title(f"r{i}")}} for i in range(4)])
    state = tmp_path / "state" / "rows.ids.json"
    common = {"data_source_id": source, "format": "parquet", "detect_deletes": True, "state_path": str(state)}

    first = export(path=str(tmp_path / "1" / "rows.parquet"), mode="full", **common)
    assert first["deleted"]["rows"] == 0 and first["deleted"]["first_run"] is True
    with emu.state.lock:
        emu.state.set_page_trashed(emu.state.pages[ids[1]], True, emu.default_integration().id)
    emu.clear_request_log()
    window = {"edited_after": "2020-01-01T00:00:00Z", "edited_before": "2020-01-02T00:00:00Z"}
    second = export(path=str(tmp_path / "2" / "rows.parquet"), **window, **common)

    assert second["rows"] == 0 and second["deleted"]["rows"] == 1
    tombstones = pq.read_table(tmp_path / "2" / "rows.deleted.parquet")
    assert tombstones.column("id").to_pylist() == [ids[1]]
    assert tombstones.schema.field("detected_at").type == pa.timestamp("us", tz="UTC")
    # The incremental run cost its window query plus one key scan of the whole data source.
    queries = [r for r in emu.request_log if r.path.endswith("/query")]
    assert len(queries) == 2
    assert second["requests"] == 3  # schema + window query + key scan
    assert json.loads(state.read_text())["ids"] == sorted(ids[:1] + ids[2:])


def test_detect_deletes_needs_a_state_path(emu: NotionEmulator, tmp_path: Path) -> None:
    with pytest.raises(NotionInputError, match="state_path"):
        export(
            data_source_id=simple_database(emu),
            path=str(tmp_path / "r.csv"),
            detect_deletes=True,
            mode="full",
        )


# ---------------------------------------------------------------------------------------------- users


def test_users_stream_exports_the_workspace_users(emu: NotionEmulator, tmp_path: Path) -> None:
    emu.clear_request_log()
    target = tmp_path / "users.parquet"
    result = export(stream="users", path=str(target), format="parquet")
    table = pq.read_table(target)
    assert table.column_names == ["id", "type", "name", "avatar_url", "email", "bot_workspace_name"]
    users = {row["id"]: row for row in table.to_pylist()}
    assert set(users) == set(emu.state.user_map())
    assert result["rows"] == len(users) and result["window"] is None
    assert result["requests"] == len([r for r in emu.request_log if r.path == "/v1/users"]) == 1
    assert {row["type"] for row in users.values()} <= {"person", "bot"}


# ---------------------------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("format", {"format": "xlsx"}),
        ("mode", {"mode": "sometimes"}),
        ("column_names", {"column_names": "camel"}),
        ("stream", {"stream": "comments"}),
        ("edited_after", {"mode": "incremental", "edited_after": "None", "edited_before": "None"}),
        ("edited_after", {"mode": "incremental", "edited_after": "yesterday"}),
        (  # Airflow 3's default cron timetable: data_interval_start == data_interval_end
            "edited_before",
            {
                "mode": "incremental",
                "edited_after": "2026-01-31T10:00:00Z",
                "edited_before": "2026-01-31T10:00:00Z",
            },
        ),
        ("flatten", {"flatten": False, "format": "csv"}),
        ("filter", {"filter": "{not json"}),
        ("path", {"path": ""}),
        ("page_size", {"page_size": 500}),
        ("row_group_rows", {"row_group_rows": 0}),
        ("database_id", {"data_source_id": None}),
    ],
)
def test_bad_input_is_refused_before_any_request(
    emu: NotionEmulator, tmp_path: Path, field: str, kwargs: dict[str, Any]
) -> None:
    emu.clear_request_log()
    arguments: dict[str, Any] = {
        "data_source_id": "393abc1e-edcd-81a2-8d0b-000bae7f15dc",
        "path": str(tmp_path / "r.csv"),
    }
    arguments["mode"] = "full"
    arguments.update(kwargs)
    with pytest.raises(NotionInputError) as raised:
        export(**arguments)
    assert raised.value.field == field
    assert emu.request_log == []


def test_parquet_without_pyarrow_names_the_extra(
    emu: NotionEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    emu.clear_request_log()
    with pytest.raises(NotionInputError, match=r"airflow-notion-provider\[parquet\]"):
        export(
            data_source_id=simple_database(emu),
            path=str(tmp_path / "r.parquet"),
            format="parquet",
            mode="full",
        )
    assert emu.request_log == []


# ---------------------------------------------------------------------------------------------- raw, progress, asset


def test_flatten_false_writes_notions_page_objects(emu: NotionEmulator, tmp_path: Path) -> None:
    source = simple_database(emu)
    ids = emu.add_rows(source, [{"Name": {"title": title("a")}, "Count": {"number": 3}}])
    target = tmp_path / "raw.jsonl"
    result = export(data_source_id=source, path=str(target), mode="full", flatten=False)
    (page,) = map(json.loads, target.read_text().splitlines())
    assert page["object"] == "page" and page["id"] == ids[0]
    assert page["properties"]["Count"] == {
        "id": page["properties"]["Count"]["id"],
        "type": "number",
        "number": 3,
    }
    assert result["columns"] is None
    assert not (tmp_path / "raw.jsonl.schema.json").exists()  # raw objects have no flat schema


def test_the_export_logs_its_progress(
    emu: NotionEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = simple_database(emu)
    emu.add_rows(source, [{"Name": {"title": title(f"r{i}")}} for i in range(7)])
    export(data_source_id=source, path=str(tmp_path / "r.csv"), format="csv", mode="full", page_size=3)
    assert "Notion export rows: 7 rows in total, 3 pages" in capsys.readouterr().out


def test_the_asset_event_carries_the_written_path(emu: NotionEmulator, tmp_path: Path) -> None:
    from airflow.sdk.execution_time.context import OutletEventAccessors

    source = simple_database(emu)
    emu.add_rows(source, [{"Name": {"title": title("a")}}])
    path = f"{tmp_path}/" + "{{ ds }}/rows.csv"
    task = NotionToObjectStorageOperator(
        task_id="export",
        data_source_id=source,
        path=path,
        format="csv",
        mode="full",
        requests_per_second=None,
    )
    (asset,) = task.outlets
    assert asset.uri == f"file://{tmp_path}"
    events = OutletEventAccessors()
    task.path = path.replace("{{ ds }}", "2026-01-31")  # as rendered
    result = task.execute({"outlet_events": events})
    assert events[asset].extra == {
        "path": result["path"],
        "format": "csv",
        "rows": 1,
        "window": None,
        "title": "Database",  # the emulator's default title
    }


def test_the_asset_event_names_the_exported_database_by_its_title(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    from airflow.sdk.execution_time.context import OutletEventAccessors

    database = emu.add_database(
        parent_id=emu.root_page_id, title="Sales pipeline", properties={"Deal": {"title": {}}}
    )
    task = NotionToObjectStorageOperator(
        task_id="export",
        database_id=database["id"],
        path=str(tmp_path / "rows.jsonl"),
        mode="full",
        requests_per_second=None,
    )
    events = OutletEventAccessors()
    result = task.execute({"outlet_events": events})
    (asset,) = task.outlets
    assert result["title"] == "Sales pipeline"
    assert events[asset].extra["title"] == "Sales pipeline"


# ---------------------------------------------------------------------------------------------- runs without dates


def _render(task: NotionToObjectStorageOperator, context: dict[str, Any]) -> None:
    """Airflow's own rendering, in a DAG (whose Jinja environment is strict about undefined names)."""
    from airflow.sdk import DAG

    DAG("export_dag", schedule=None, start_date=datetime(2026, 1, 1)).add_task(task)
    task.render_template_fields(context)


def test_a_path_using_the_data_interval_on_a_run_without_one_fails_naming_the_field(tmp_path: Path) -> None:
    task = NotionToObjectStorageOperator(
        task_id="export",
        data_source_id="393abc1e-edcd-81a2-8d0b-000bae7f15dc",
        path=f"{tmp_path}/" + "{{ data_interval_start | ts_nodash }}.parquet",
        mode="full",
    )
    # A REST- or asset-triggered run of Airflow 3: no logical date, so no data interval in the context.
    with pytest.raises(NotionInputError) as raised:
        _render(task, {"run_id": "manual__2026-03-01T07:00:00+00:00"})
    assert raised.value.field == "path"
    assert "{{ data_interval_start }}" in str(raised.value)
    assert "dag_run.run_after" in str(raised.value)


def test_a_full_export_runs_without_a_data_interval(emu: NotionEmulator, tmp_path: Path) -> None:
    source = simple_database(emu)
    emu.add_rows(source, [{"Name": {"title": title(f"r{i}")}} for i in range(3)])
    task = NotionToObjectStorageOperator(
        task_id="export",
        data_source_id=source,
        path=f"{tmp_path}/" + "{{ run_id }}.jsonl",
        mode="full",
        requests_per_second=None,
    )
    context: dict[str, Any] = {"run_id": "manual__1"}
    _render(task, context)
    result = task.execute(context)
    assert result["rows"] == 3 and result["path"] == f"{tmp_path}/manual__1.jsonl"


def test_an_incremental_export_without_a_data_interval_says_what_to_give(tmp_path: Path) -> None:
    task = NotionToObjectStorageOperator(
        task_id="export",
        data_source_id="393abc1e-edcd-81a2-8d0b-000bae7f15dc",
        path=f"{tmp_path}/" + "{{ run_id }}.jsonl",
    )
    context: dict[str, Any] = {"run_id": "manual__1"}
    _render(task, context)
    with pytest.raises(NotionInputError, match="mode='full'") as raised:
        task.execute(context)
    assert raised.value.field == "edited_after"


def test_an_incremental_export_takes_its_window_from_the_runs_data_interval(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = simple_database(emu)
    inside, outside = emu.add_rows(source, [{"Name": {"title": title(n)}} for n in ("in", "out")])
    set_edited(emu, inside, T0 + timedelta(minutes=10))
    set_edited(emu, outside, T0 + timedelta(hours=2))
    result = export(
        data_source_id=source,
        path=str(tmp_path / "r.jsonl"),
        context_interval=(T0, T0 + timedelta(hours=1)),
    )
    assert result["rows"] == 1
    assert result["window"] == ["2026-01-31T10:00:00.000Z", "2026-01-31T11:00:00.000Z"]
