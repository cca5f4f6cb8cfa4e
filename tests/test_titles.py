"""Titles of Notion objects as plain text, whatever the title property is called."""

from __future__ import annotations

from airflow_provider_notion.rules.titles import object_title, title_property


def _text(content: str) -> list[dict[str, object]]:
    return [{"type": "text", "text": {"content": content}, "plain_text": content}]


def test_a_database_and_a_data_source_title_is_their_rich_text_title() -> None:
    assert object_title({"object": "database", "title": [*_text("Sales "), *_text("2026")]}) == "Sales 2026"
    assert object_title({"object": "data_source", "title": _text("Tickets")}) == "Tickets"
    assert object_title({"object": "database", "title": []}) == ""


def test_a_page_title_is_its_title_property_whatever_its_name() -> None:
    page = {
        "object": "page",
        "properties": {
            "Status": {"type": "select", "select": {"name": "Open"}},
            "Tâche": {"type": "title", "title": _text("Write the report")},
        },
    }
    assert title_property(page["properties"]) == "Tâche"
    assert object_title(page) == "Write the report"


def test_a_schema_names_its_title_property_and_nothing_else_is_assumed() -> None:
    schema = {"Ticket": {"id": "title", "type": "title", "title": {}}, "Name": {"type": "rich_text"}}
    assert title_property(schema) == "Ticket"
    assert title_property({"Name": {"type": "rich_text"}}) is None
    assert title_property(None) is None
    assert object_title({"object": "page", "properties": {}}) == ""
    assert object_title("not an object") == ""
