"""One rule, every entry point: row keys and value equality through the public job functions, against the
emulator over real HTTP on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync.engine import sync_rows
from airflow_provider_notion.jobs.upsert import upsert_database_item
from airflow_provider_notion.rules.keys import KEY_TYPES

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Code": {"rich_text": {}},
    "Link": {"url": {}},
    "Mail": {"email": {}},
    "Phone": {"phone_number": {}},
    "Score": {"number": {}},
    "Stage": {"select": {"options": [{"name": "open"}, {"name": "done"}]}},
    "State": {"status": {}},
    "Due": {"date": {}},
    "Ticket": {"unique_id": {"prefix": "T"}},
    "Ok": {"checkbox": {}},
    "Tags": {"multi_select": {"options": [{"name": "a"}]}},
    "Owners": {"people": {}},
    "Attachments": {"files": {}},
}
#: A plain value of each property, as a CSV or a templated field would give it.
VALUES: dict[str, Any] = {
    "Name": "row",
    "Code": "C-1",
    "Link": "https://example.com/1",
    "Mail": "a@example.com",
    "Phone": "+1 555 0100",
    "Score": 7,
    "Stage": "open",
    "State": "Done",
    "Due": "2026-01-31",
    "Ticket": "T-1",
    "Ok": True,
    "Tags": ["a"],
    "Owners": [],
    "Attachments": [],
}


def connect(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionHook:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT",
        json.dumps({**emu.airflow_conn_dict, "extra": {"notion_version": "2022-06-28"}}),
    )
    return NotionHook(requests_per_second=None)


def refusal(call: Any) -> str | None:
    """The "cannot identify a row" problem ``call`` raises, or ``None`` when it accepts the key."""
    try:
        call()
    except NotionInputError as err:
        if "cannot identify a row" in err.problem:
            return err.problem
        raise
    return None


def test_a_key_type_identifies_a_row_for_the_upsert_exactly_when_it_does_for_the_sync(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Keys", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    sync_rows(hook, [{k: v for k, v in VALUES.items() if k != "Ticket"}], key="Name", database_id=db["id"])
    types = {name: next(iter(spec)) for name, spec in SCHEMA.items()}
    parent = {"type": "database_id", "database_id": db["id"]}

    accepted: dict[str, list[str]] = {"upsert": [], "sync": []}
    for name, prop_type in types.items():
        row = {"Name": "row", name: VALUES[name]}
        # The upsert maps its key from a plain value like the sync; its other properties are Notion values.
        item = {"Name": {"title": "row"}, name: VALUES[name]}
        upsert_refused = refusal(lambda name=name, item=item: upsert_database_item(hook, parent, item, name))
        sync_refused = refusal(
            lambda name=name, row=row: sync_rows(hook, [row], key=name, database_id=db["id"], dry_run=True)
        )
        assert upsert_refused == sync_refused, name  # the same sentence, the same list
        for entry, refused in (("upsert", upsert_refused), ("sync", sync_refused)):
            if refused is None:
                accepted[entry].append(prop_type)

    assert sorted(accepted["upsert"]) == sorted(accepted["sync"]) == sorted(KEY_TYPES)
    assert "checkbox" not in KEY_TYPES  # two values cannot tell the rows of a table apart


@pytest.mark.parametrize("first_by", ["id", "name"])
def test_a_select_or_status_given_by_option_id_is_not_rewritten_on_a_rerun(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, first_by: str
) -> None:
    """Issue 21 defect 13: an identical rerun reported 1 updated, 0 unchanged."""
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Options", properties=SCHEMA)
    hook = connect(emu, monkeypatch)
    schema = hook.get_database(db["id"])["properties"]
    stage = next(o for o in schema["Stage"]["select"]["options"] if o["name"] == "done")
    state = schema["State"]["status"]["options"][-1]
    tag = schema["Tags"]["multi_select"]["options"][0]
    by_id = {
        "Name": "r",
        "Stage": {"id": stage["id"]},
        "State": {"id": state["id"]},
        "Tags": [{"id": tag["id"]}],
    }
    by_name = {"Name": "r", "Stage": stage["name"], "State": state["name"], "Tags": [tag["name"]]}
    runs = [by_id, by_id, by_name] if first_by == "id" else [by_name, by_id, by_id]

    first = sync_rows(hook, [runs[0]], key="Name", database_id=db["id"])
    assert first["created"] == 1
    for again in runs[1:]:
        result = sync_rows(hook, [again], key="Name", database_id=db["id"])
        assert (result["updated"], result["unchanged"]) == (0, 1)
