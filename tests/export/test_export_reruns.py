"""What an export's state keeps across runs, against the emulator with real files read back: a rerun of an
interval writes the same tombstones, a column keeps its property, a removed property is not forgotten, and CSV
text is written so that a spreadsheet does not run it as a formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionError
from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator
from tests.export.helpers import title

INTERVALS = [
    {"edited_after": f"2020-01-0{day}T00:00:00Z", "edited_before": f"2020-01-0{day + 1}T00:00:00Z"}
    for day in (1, 2, 3)
]


def export(**kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("task_id", "export")
    kwargs.setdefault("requests_per_second", None)
    return NotionToObjectStorageOperator(**kwargs).execute({})


def database(emu: NotionEmulator, properties: dict[str, Any]) -> str:
    return str(emu.add_database(parent_id=emu.root_page_id, properties=properties)["data_source_id"])


def schema_of(emu: NotionEmulator, source: str) -> dict[str, Any]:
    return emu.state.data_sources[source].schema  # type: ignore[no-any-return]


def trash(emu: NotionEmulator, page_id: str) -> None:
    with emu.state.lock:
        emu.state.set_page_trashed(emu.state.pages[page_id], True, emu.default_integration().id)


# ---------------------------------------------------------------------------------------------- deletions


def test_a_rerun_of_an_interval_writes_the_same_deletions(emu: NotionEmulator, tmp_path: Path) -> None:
    source = database(emu, {"Name": {"title": {}}})
    ids = emu.add_rows(source, [{"Name": {"title": title(f"r{i}")}} for i in range(4)])
    state = tmp_path / "state.json"
    common = {"data_source_id": source, "format": "parquet", "detect_deletes": True, "state_path": str(state)}

    def run(day: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        folder = tmp_path / f"day{day}"
        result = export(path=str(folder / "rows.parquet"), **INTERVALS[day], **common)
        return result["deleted"], pq.read_table(folder / "rows.deleted.parquet").to_pylist()

    export(path=str(tmp_path / "full" / "rows.parquet"), mode="full", **common)  # records the ids
    trash(emu, ids[1])
    first, tombstones = run(0)
    assert first["rows"] == 1 and [row["id"] for row in tombstones] == [ids[1]]

    # A task retry or a cleared run: the same file, with the deletion and its first detected_at.
    again, rerun_tombstones = run(0)
    assert again["rows"] == 1 and rerun_tombstones == tombstones

    trash(emu, ids[2])
    _, next_day = run(1)
    assert [row["id"] for row in next_day] == [ids[2]]  # the earlier deletion is not reported twice
    # An older interval cleared after a newer one ran still writes its own deletions.
    assert run(0)[1] == tombstones
    assert run(1)[1] == next_day
    assert run(2)[1] == []
    recorded = json.loads(state.read_text())
    assert recorded["version"] == 2 and sorted(recorded["ids"]) == sorted([ids[0], ids[3]])


# ---------------------------------------------------------------------------------------------- columns


def test_a_column_keeps_its_property_when_a_look_alike_property_is_added(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = database(emu, {"Name": {"title": {}}, "due_date": {"number": {}}})
    emu.add_rows(source, [{"Name": {"title": title("a")}, "due_date": {"number": 7}}])
    common = {
        "data_source_id": source,
        "format": "parquet",
        "mode": "full",
        "column_names": "snake_case",
        "state_path": str(tmp_path / "state.json"),
    }
    export(path=str(tmp_path / "1.parquet"), **common)
    with emu.state.lock:  # someone adds a text property that snake_cases to the same name, and sorts first
        schema_of(emu, source)["Due Date"] = {
            "id": "dUe2",
            "name": "Due Date",
            "type": "rich_text",
            "rich_text": {},
        }
    emu.add_rows(
        source,
        [
            {
                "Name": {"title": title("b")},
                "due_date": {"number": 8},
                "Due Date": {"rich_text": title("soon")},
            }
        ],
    )

    result = export(path=str(tmp_path / "2.parquet"), **common)

    table = pq.read_table(tmp_path / "2.parquet")
    assert "due_date" in result["columns"] and "due_date_2" in result["columns"]
    assert table.schema.field("due_date").type == pa.float64()  # still the numbers
    rows = sorted(table.select(["due_date", "due_date_2"]).to_pylist(), key=lambda r: r["due_date"])
    assert rows == [{"due_date": 7.0, "due_date_2": None}, {"due_date": 8.0, "due_date_2": "soon"}]


def test_a_removed_property_keeps_its_name_and_type(emu: NotionEmulator, tmp_path: Path) -> None:
    source = database(emu, {"Name": {"title": {}}, "Count": {"number": {}}})
    emu.add_rows(source, [{"Name": {"title": title("a")}, "Count": {"number": 2}}])
    state = tmp_path / "state.json"
    common = {"data_source_id": source, "format": "parquet", "mode": "full", "state_path": str(state)}
    export(path=str(tmp_path / "1.parquet"), **common)
    with emu.state.lock:
        count = schema_of(emu, source).pop("Count")
    second = export(path=str(tmp_path / "2.parquet"), **common)
    assert "Count" not in second["columns"]
    assert json.loads(state.read_text())["columns"]["Count"]["type"] == "float64"  # not forgotten

    with emu.state.lock:  # a new property under the old name, and the old one back as a checkbox
        schema_of(emu, source)["Count "] = {
            "id": "nEw1",
            "name": "Count ",
            "type": "rich_text",
            "rich_text": {},
        }
        schema_of(emu, source)["Count"] = {**count, "type": "checkbox", "checkbox": {}}
    third = export(path=str(tmp_path / "3.parquet"), **common)
    table = pq.read_table(tmp_path / "3.parquet")
    # The old property gets its column back, widened to text (float64 before, bool now); the new one, whose
    # name differs only in case or spacing, never takes it.
    assert table.schema.field("Count").type == pa.string()
    assert [c for c in third["columns"] if c.startswith("Count")] == ["Count", "Count "]


def test_a_state_binding_one_name_to_two_properties_fails_naming_it(
    emu: NotionEmulator, tmp_path: Path
) -> None:
    source = database(emu, {"Name": {"title": {}}, "Count": {"number": {}}})
    state = tmp_path / "state.json"
    common = {"data_source_id": source, "format": "jsonl", "mode": "full", "state_path": str(state)}
    export(path=str(tmp_path / "1.jsonl"), **common)
    document = json.loads(state.read_text())
    document["columns"]["count"] = {**document["columns"]["Count"], "property_id": "other"}
    state.write_text(json.dumps(document))
    with pytest.raises(NotionError, match="binds the column name '[Cc]ount'"):
        export(path=str(tmp_path / "2.jsonl"), **common)
    assert not (tmp_path / "2.jsonl").exists()


def test_a_version_1_state_is_read_and_upgraded(emu: NotionEmulator, tmp_path: Path) -> None:
    source = database(emu, {"Name": {"title": {}}, "Count": {"number": {}}})
    emu.add_rows(source, [{"Name": {"title": title("a")}, "Count": {"number": 2}}])
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 1, "ids": [], "columns": {"Count": "bool"}}))
    export(
        data_source_id=source,
        format="parquet",
        mode="full",
        state_path=str(state),
        path=str(tmp_path / "r.parquet"),
    )
    assert pq.read_table(tmp_path / "r.parquet").column("Count").to_pylist() == ["2.0"]  # widened by name
    upgraded = json.loads(state.read_text())["columns"]["Count"]
    assert upgraded["type"] == "string" and upgraded["property_id"] == schema_of(emu, source)["Count"]["id"]


# ---------------------------------------------------------------------------------------------- CSV formulas

# "\ry": a lone carriage return once ended the CSV row in the middle of the cell (it was not quoted).
FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\ry", "plain", "a=b"]


@pytest.mark.parametrize("escape", [True, False])
def test_csv_text_that_a_spreadsheet_would_run_is_neutralised(
    emu: NotionEmulator, tmp_path: Path, escape: bool
) -> None:
    source = database(emu, {"Name": {"title": {}}, "Count": {"number": {}}})
    emu.add_rows(source, [{"Name": {"title": title(text)}, "Count": {"number": -3}} for text in FORMULAS])
    target = tmp_path / "rows.csv"
    export(data_source_id=source, path=str(target), format="csv", mode="full", csv_formula_escape=escape)

    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = sorted(row["Name"] for row in rows)
    if escape:
        assert names == sorted(["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "'\ry", "plain", "a=b"])
    else:
        assert names == sorted(FORMULAS)
    assert {row["Count"] for row in rows} == {"-3.0"}  # numbers are ours, never formulas
    assert json.loads((tmp_path / "rows.csv.schema.json").read_text())["csv_formula_escape"] is escape
    # Other formats are not read by spreadsheets: the text is kept as it is.
    export(data_source_id=source, path=str(tmp_path / "rows.jsonl"), mode="full")
    texts = sorted(json.loads(line)["Name"] for line in (tmp_path / "rows.jsonl").read_text().splitlines())
    assert texts == sorted(FORMULAS)


def test_csv_formula_escape_is_a_checked_flag(emu: NotionEmulator, tmp_path: Path) -> None:
    from airflow_provider_notion.exceptions import NotionInputError

    with pytest.raises(NotionInputError, match="csv_formula_escape"):
        export(
            data_source_id=database(emu, {"Name": {"title": {}}}),
            path=str(tmp_path / "r.csv"),
            format="csv",
            mode="full",
            csv_formula_escape="maybe",
        )
