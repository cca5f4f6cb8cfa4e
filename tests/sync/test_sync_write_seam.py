"""The sync's write seam against the emulator over real HTTP: values Notion refuses are refused before the first
write, and a create whose answer was ambiguous is never sent again (issue 21, items 1 and 10)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync import NotionSyncError
from airflow_provider_notion.jobs.sync.engine import sync_rows

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {
    "Name": {"title": {}},
    "Notes": {"rich_text": {}},
    "Stage": {"select": {"options": [{"name": "open"}]}},
    "Tags": {"multi_select": {}},
    "Link": {"url": {}},
}
GOOD = {"Name": "good", "Notes": "fine", "Stage": "open", "Tags": ["a"], "Link": "https://example.com/"}


def connect(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionHook:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT",
        json.dumps({**emu.airflow_conn_dict, "extra": {"notion_version": "2026-03-11"}}),
    )
    return NotionHook(requests_per_second=None)


def titles(emu: NotionEmulator, database_id: str) -> Counter[str]:
    with emu.state.lock:
        rows = emu.state.pages_in(database_id)
    return Counter("".join(p["plain_text"] for p in r["properties"]["Name"]["title"]) for r in rows)


def writes(emu: NotionEmulator) -> list[Any]:
    return [r for r in emu.request_log if r.method in ("POST", "PATCH") and "/query" not in r.path]


# Each: the second row's values, the property the error must name, and words the error must contain.
REFUSED = {
    "text of 250,000 characters": ({"Notes": "x" * 250_000}, "Notes", "200000"),
    "select option with a comma": ({"Stage": "open,closed"}, "Stage", "comma"),
    "select option over 100 characters": ({"Stage": "s" * 101}, "Stage", "100"),
    "multi-select option over 100 characters": ({"Tags": ["ok", "m" * 101]}, "Tags", "100"),
    "URL over 2,000 characters": ({"Link": "https://example.com/" + "u" * 2000}, "Link", "2000"),
    "title key of 250,000 characters": ({"Name": "k" * 250_000}, "Name", "200000"),
    "101 multi-select options": ({"Tags": [f"t{i}" for i in range(101)]}, "Tags", "100"),
    "101 multi-select options in a CSV cell": (
        {"Tags": ",".join(f"t{i}" for i in range(101))},
        "Tags",
        "100",
    ),
    "101 multi-select options as a Notion value": (
        {"Tags": {"multi_select": [{"name": f"t{i}"} for i in range(101)]}},
        "Tags",
        "100",
    ),
    "a Notion rich-text item over 2,000 characters": (
        {"Notes": {"rich_text": [{"type": "text", "text": {"content": "r" * 2001}}]}},
        "Notes",
        "2000",
    ),
}


@pytest.mark.parametrize("bad", REFUSED.values(), ids=list(REFUSED))
def test_a_value_notion_refuses_fails_the_sync_before_the_first_write(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, bad: tuple[dict[str, Any], str, str]
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    values, column, words = bad
    rows = [dict(GOOD), {**GOOD, "Name": "second", **values}]
    emu.clear_request_log()

    with pytest.raises(NotionInputError) as refused:
        sync_rows(hook, rows, key="Name", database_id=db["id"], max_workers=1)

    message = str(refused.value).replace(",", "")
    assert refused.value.field.startswith("rows[Name=") and refused.value.field.endswith(f".{column}")
    assert words in message
    assert len(message) < 400  # the offending value is named, never echoed whole
    if column != "Name":
        assert "rows[Name='second']" in message
    assert writes(emu) == []
    assert titles(emu, db["id"]) == Counter()


def test_text_notion_accepts_once_split_is_written_split(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    longest = "n" * 200_000  # 100 items of 2,000 characters: the most one rich-text value can hold
    result = sync_rows(
        hook, [{**GOOD, "Notes": longest}, {**GOOD, "Name": "t" * 5_000}], key="Name", database_id=db["id"]
    )
    assert result["created"] == 2
    with emu.state.lock:
        rows = emu.state.pages_in(db["id"])
    notes = [r["properties"]["Notes"]["rich_text"] for r in rows]
    assert sorted(len(items) for items in notes) == [1, 100]
    assert "".join(i["plain_text"] for i in max(notes, key=len)) == longest
    assert titles(emu, db["id"]) == Counter({"good": 1, "t" * 5_000: 1})

    again = sync_rows(
        hook, [{**GOOD, "Notes": longest}, {**GOOD, "Name": "t" * 5_000}], key="Name", database_id=db["id"]
    )
    assert (again["unchanged"], again["created"], again["updated"]) == (2, 0, 0)


@pytest.mark.parametrize("status", [529, 503])
def test_a_create_answered_with_an_error_after_notion_applied_it_is_not_sent_again(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    rows = [{**GOOD, "Name": f"row-{i}"} for i in range(6)]
    # The first create is applied, then answered with the error (Retry-After 0: a retry would be immediate).
    emu.faults.inject(
        kind="status", status=status, retry_after=0, when="after", method="POST", path="^/v1/pages$"
    )
    emu.clear_request_log()

    with pytest.raises(NotionSyncError, match="may or may not have been applied") as stopped:
        sync_rows(hook, rows, key="Name", database_id=db["id"], max_workers=1)

    creates = [r for r in emu.request_log if r.method == "POST" and r.path == "/v1/pages"]
    assert len(creates) == 1 + stopped.value.result["created"]  # the faulted create was sent once
    assert titles(emu, db["id"]) == Counter(f"row-{i}" for i in range(len(creates)))

    rerun = sync_rows(hook, rows, key="Name", database_id=db["id"], max_workers=1)
    assert titles(emu, db["id"]) == Counter(f"row-{i}" for i in range(6))  # each key exactly once
    assert rerun["created"] == 6 - len(creates) and rerun["unchanged"] == len(creates)


@pytest.mark.parametrize(
    "properties",
    [
        {"Stage": "open,closed"},  # a plain value, mapped by the page's schema
        {"Stage": {"select": {"name": "open,closed"}}},  # a Notion value
        {"Link": "https://example.com/" + "u" * 2000},
    ],
    ids=["plain select", "Notion select", "plain URL"],
)
def test_the_update_page_operator_refuses_the_same_values_before_writing(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, properties: dict[str, Any]
) -> None:
    from airflow_provider_notion.operators.pages import NotionUpdatePageOperator

    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    sync_rows(hook, [GOOD], key="Name", database_id=db["id"])
    with emu.state.lock:
        (page,) = emu.state.pages_in(db["id"])
    emu.clear_request_log()

    operator = NotionUpdatePageOperator(task_id="update", page_id=page["id"], properties=properties)
    with pytest.raises(NotionInputError, match=r"properties\.(Stage|Link)"):
        operator.execute({})
    assert writes(emu) == []


def test_a_refused_value_fails_before_missing_columns_are_added(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    rows = [{**GOOD, "Extra": "new column"}, {**GOOD, "Name": "second", "Stage": "open,closed"}]
    emu.clear_request_log()

    with pytest.raises(NotionInputError, match=r"rows\[Name='second'\]\.Stage"):
        sync_rows(hook, rows, key="Name", database_id=db["id"], add_missing_properties=True)

    assert writes(emu) == []  # not even the schema update
    (source,) = hook.get_database(db["id"])["data_sources"]
    assert "Extra" not in hook.get_data_source(source["id"])["properties"]
    assert titles(emu, db["id"]) == Counter()
