"""Plain Python values mapped by the target schema (plain_values.to_property_values)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.values.to_notion import infer_property_type, to_property_values

PAGE = "16cabc1e-edcd-8117-a024-fa5446b89751"
USER = "9a3b5ae0-c6e6-482d-b0e1-ed315ee6dc57"
SCHEMA: dict[str, Any] = {
    name: {"id": name[:4], "name": name, "type": prop_type, prop_type: {}}
    for name, prop_type in {
        "Name": "title",
        "Notes": "rich_text",
        "Price": "number",
        "Done": "checkbox",
        "Stage": "select",
        "State": "status",
        "Tags": "multi_select",
        "Link": "url",
        "Mail": "email",
        "Phone": "phone_number",
        "When": "date",
        "Related": "relation",
        "Owners": "people",
        "Attachments": "files",
        "Total": "formula",
    }.items()
}


def one(column: str, value: Any, **kwargs: Any) -> Any:
    return to_property_values(SCHEMA, {column: value}, **kwargs)[column]


def test_strings_follow_the_property_type() -> None:
    assert one("Name", "Widget") == {"title": [{"type": "text", "text": {"content": "Widget"}}]}
    assert one("Stage", "Open") == {"select": {"name": "Open"}}
    assert one("State", "Done") == {"status": {"name": "Done"}}
    assert one("Link", "https://example.com") == {"url": "https://example.com"}
    assert one("Mail", "a@example.com") == {"email": "a@example.com"}
    assert one("Phone", "+41 1") == {"phone_number": "+41 1"}


def test_long_text_is_split_into_2000_character_pieces() -> None:
    value = one("Notes", "x" * 4500)["rich_text"]
    assert [len(item["text"]["content"]) for item in value] == [2000, 2000, 500]


def test_numbers_decimals_and_numeric_strings() -> None:
    assert one("Price", 3) == {"number": 3}
    assert one("Price", 2.5) == {"number": 2.5}
    assert one("Price", Decimal("9.50")) == {"number": 9.5}
    assert one("Price", Decimal("12.000")) == {"number": 12}
    assert one("Price", " 7 ") == {"number": 7}  # CSV hands over strings
    assert one("Price", "") == {"number": None}
    assert one("Name", 42) == {"title": [{"type": "text", "text": {"content": "42"}}]}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12 apples", True])
def test_numbers_that_are_not_finite_numbers_are_refused(bad: Any) -> None:
    with pytest.raises(NotionInputError, match=r"row\.Price"):
        to_property_values(SCHEMA, {"Price": bad}, field="row")


def test_booleans_and_their_text_forms() -> None:
    assert one("Done", True) == {"checkbox": True}
    assert one("Done", "no") == {"checkbox": False}
    assert one("Done", "TRUE") == {"checkbox": True}
    with pytest.raises(NotionInputError, match="checkbox"):
        one("Done", "maybe")


def test_dates_naive_is_utc_and_aware_keeps_its_offset() -> None:
    assert one("When", date(2026, 3, 1)) == {"date": {"start": "2026-03-01"}}
    assert one("When", datetime(2026, 3, 1, 10, 30)) == {"date": {"start": "2026-03-01T10:30:00+00:00"}}
    plus2 = timezone(timedelta(hours=2))
    assert one("When", datetime(2026, 3, 1, 10, 30, tzinfo=plus2)) == {
        "date": {"start": "2026-03-01T10:30:00+02:00"}
    }
    assert one("When", "2026-03-01T10:30:00Z") == {"date": {"start": "2026-03-01T10:30:00+00:00"}}
    assert one("When", "2026-03-01 10:30") == {"date": {"start": "2026-03-01T10:30:00+00:00"}}
    assert one("When", "2026-03-01") == {"date": {"start": "2026-03-01"}}
    with pytest.raises(NotionInputError, match="ISO 8601"):
        one("When", "01/03/2026")


def test_lists_become_multi_select_relation_people_and_files() -> None:
    assert one("Tags", ["a", "b"]) == {"multi_select": [{"name": "a"}, {"name": "b"}]}
    assert one("Tags", "a, b") == {"multi_select": [{"name": "a"}, {"name": "b"}]}
    url = f"https://www.notion.so/acme/Roadmap-{PAGE.replace('-', '')}"
    assert one("Related", [url, PAGE.replace("-", "")]) == {"relation": [{"id": PAGE}, {"id": PAGE}]}
    assert one("Owners", [USER]) == {"people": [{"object": "user", "id": USER}]}
    assert one("Attachments", ["https://example.com/a.pdf"]) == {
        "files": [{"name": "a.pdf", "type": "external", "external": {"url": "https://example.com/a.pdf"}}]
    }


def test_people_by_email_use_the_given_directory() -> None:
    users = {"ada@example.com": USER}
    assert one("Owners", ["Ada@example.com"], users_by_email=users) == {
        "people": [{"object": "user", "id": USER}]
    }
    with pytest.raises(NotionInputError, match="no user .* 'bob@example.com'"):
        one("Owners", ["bob@example.com"], users_by_email=users)


def test_more_than_100_items_are_refused() -> None:
    with pytest.raises(NotionInputError, match="101 multi_select items"):
        one("Tags", [str(i) for i in range(101)])


def test_none_clears_each_type() -> None:
    cleared = to_property_values(
        SCHEMA, dict.fromkeys(("Name", "Price", "Done", "Stage", "Tags", "When", "Link"))
    )
    assert cleared == {
        "Name": {"title": []},
        "Price": {"number": None},
        "Done": {"checkbox": False},
        "Stage": {"select": None},
        "Tags": {"multi_select": []},
        "When": {"date": None},
        "Link": {"url": None},
    }


def test_notion_values_pass_through() -> None:
    value = {"select": {"name": "Open"}}
    assert one("Stage", value) == value
    assert one("Stage", {"name": "Open"}) == value


def test_unknown_and_read_only_columns_name_the_row_and_column() -> None:
    with pytest.raises(NotionInputError, match=r"rows\[id=7\]\.Colour.*not a property"):
        to_property_values(SCHEMA, {"Colour": "red"}, field="rows[id=7]")
    with pytest.raises(NotionInputError, match=r"Total.*computed by Notion"):
        to_property_values(SCHEMA, {"Total": 3})
    with pytest.raises(NotionInputError, match=r"rows\[id=7\]\.Stage.*list"):
        to_property_values(SCHEMA, {"Stage": ["a"]}, field="rows[id=7]")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "checkbox"),
        (3, "number"),
        (Decimal("1.5"), "number"),
        (datetime(2026, 1, 1, tzinfo=UTC), "date"),
        ("2026-01-01", "date"),
        ("https://x.org", "url"),
        ("a@b.org", "email"),
        (["a"], "multi_select"),
        ("hello", "rich_text"),
    ],
)
def test_inferred_types_for_new_columns(value: Any, expected: str) -> None:
    assert infer_property_type(value) == expected
