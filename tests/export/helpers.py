"""Export test helpers: a database with every property type, rows at chosen times (emulator state)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from notion_emulator import NotionEmulator

EVERY_TYPE_SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Notes": {"rich_text": {}},
    "Count": {"number": {"format": "number"}},
    "Tag": {"select": {"options": [{"name": "red"}, {"name": "blue"}]}},
    "State": {"status": {}},
    "Labels": {"multi_select": {"options": [{"name": "x"}, {"name": "y"}]}},
    "Due": {"date": {}},
    "Owner": {"people": {}},
    "Done": {"checkbox": {}},
    "Link": {"url": {}},
    "Mail": {"email": {}},
    "Phone": {"phone_number": {}},
    "Attachments": {"files": {}},
    "Ticket": {"unique_id": {"prefix": "TCK"}},
    "Created": {"created_time": {}},
    "Edited": {"last_edited_time": {}},
    "Creator": {"created_by": {}},
    "Editor": {"last_edited_by": {}},
}


def title(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


def add_computed_properties(emu: NotionEmulator, data_source_id: str) -> None:
    """Formula, rollup and relation columns, put into the emulator's schema directly (it computes their values)."""
    with emu.state.lock:
        source = emu.state.data_sources[data_source_id]
        source.schema["Score"] = {
            "id": "fScr",
            "name": "Score",
            "type": "formula",
            "formula": {"expression": "42"},
        }
        source.schema["Total"] = {
            "id": "rTot",
            "name": "Total",
            "type": "rollup",
            "rollup": {
                "function": "sum",
                "relation_property_name": "Related",
                "relation_property_id": "rRel",
                "rollup_property_name": "Count",
                "rollup_property_id": source.schema["Count"]["id"],
            },
        }
        source.schema["Related"] = {
            "id": "rRel",
            "name": "Related",
            "type": "relation",
            "relation": {"data_source_id": data_source_id, "type": "single_property", "single_property": {}},
        }


def set_page_values(emu: NotionEmulator, page_id: str, values: dict[str, Any]) -> None:
    """Write property values straight into the emulator's page (for the read-only/computed types)."""
    with emu.state.lock:
        page = emu.state.pages[page_id]
        page.row["properties"].update(values)
        emu.state.data_sources[str(page.parent_id)].revision += 1


def set_edited(emu: NotionEmulator, page_id: str, moment: datetime) -> None:
    """Make a row look last edited at ``moment`` (kept to the minute, as Notion does)."""
    with emu.state.lock:
        page = emu.state.pages[page_id]
        page.last_edited = moment
        page.row["last_edited_time"] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00.000Z")
        emu.state.data_sources[str(page.parent_id)].revision += 1  # the emulator caches sorted queries


def every_type_database(emu: NotionEmulator) -> tuple[dict[str, Any], dict[str, Any]]:
    """A database with every property type and two rows: one full, one empty. Returns (database, expected)."""
    database = emu.add_database(parent_id=emu.root_page_id, title="Everything", properties=EVERY_TYPE_SCHEMA)
    source = str(database["data_source_id"])
    add_computed_properties(emu, source)
    person = next(iter(emu.state.user_map()))
    full, empty = emu.add_rows(
        source,
        [
            {
                "Name": {"title": title('Full, "quoted"\nrow')},
                "Notes": {"rich_text": title("two ") + title("parts")},
                "Count": {"number": 2.5},
                "Tag": {"select": {"name": "red"}},
                "State": {"status": {"name": "Done"}},
                "Labels": {"multi_select": [{"name": "x"}, {"name": "y"}]},
                "Due": {
                    "date": {"start": "2026-01-31T10:00:00.000+02:00", "end": "2026-02-02", "time_zone": None}
                },
                "Owner": {"people": [{"id": person}]},
                "Done": {"checkbox": True},
                "Link": {"url": "https://example.com/a"},
                "Mail": {"email": "a@example.com"},
                "Phone": {"phone_number": "+1 555"},
                "Attachments": {
                    "files": [
                        {"name": "a.png", "type": "external", "external": {"url": "https://f.example/a.png"}}
                    ]
                },
            },
            {"Name": {"title": title("Empty")}},
        ],
    )
    # The emulator computes the formula ("42") and the rollup (sum of Count over the related rows) when it
    # answers, as Notion does; a row related to itself sums its own Count.
    set_page_values(
        emu,
        full,
        {"Related": {"id": "rRel", "type": "relation", "relation": [{"id": full}], "has_more": False}},
    )
    created = emu.state.pages[full].row["created_time"]
    moment = datetime.fromisoformat(created)
    creator = emu.state.pages[full].row["created_by"]["id"]
    expected = {
        "full": {
            "id": full,
            "in_trash": False,
            "created_time": moment,
            "last_edited_time": moment,
            "Attachments": ["https://f.example/a.png"],
            "Count": 2.5,
            "Created": moment,
            "Creator": creator,
            "Done": True,
            "Due.start": datetime(2026, 1, 31, 8, 0, tzinfo=UTC),
            "Due.end": datetime(2026, 2, 2, tzinfo=UTC),
            "Due.time_zone": None,
            "Edited": moment,
            "Editor": creator,
            "Labels": ["x", "y"],
            "Link": "https://example.com/a",
            "Mail": "a@example.com",
            "Name": 'Full, "quoted"\nrow',
            "Notes": "two parts",
            "Owner": [person],
            "Phone": "+1 555",
            "Related": [full],
            "Score": "42",
            "State": "Done",
            "Tag": "red",
            "Ticket": "TCK-1",
            "Total": 2.5,
        },
        "empty": {
            "id": empty,
            "Attachments": [],
            "Count": None,
            "Done": False,
            "Due.start": None,
            "Labels": [],
            "Link": None,
            "Name": "Empty",
            "Notes": "",
            "Owner": [],
            "Related": [],
            "Score": "42",
            "Tag": None,
            "Ticket": "TCK-2",
            "Total": 0.0,  # a sum over no related rows
        },
    }
    return database, expected
