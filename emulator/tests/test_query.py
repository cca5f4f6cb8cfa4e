"""Filter and sort language of the emulator (notion-api.md §9) over pages built by the data model."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.properties import (
    build_property_values,
    build_schema,
    fill_computed_values,
)
from notion_emulator.query import filter_and_sort, validate_filter, validate_sorts
from recorded_notion import CASSETTES

NOW = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)  # a Saturday
U1 = "7775f3a3-893f-43fa-b625-460c61094c78"
U2 = "a4f789cc-7bc8-4cf0-82b9-a8ba7d985ecf"
LINKED = "393abc1e-edcd-8191-9a63-e96e455face5"


def pid(n: int) -> str:
    return f"00000000-0000-0000-0000-{n:012d}"


SCHEMA = build_schema(
    {
        "Name": {"title": {}},
        "Notes": {"rich_text": {}},
        "Price": {"number": {}},
        "Done": {"checkbox": {}},
        "Kind": {"select": {"options": [{"name": "B"}, {"name": "A"}]}},  # B sorts before A
        "Tags": {"multi_select": {"options": [{"name": "x"}, {"name": "y"}]}},
        "State": {"status": {}},
        "When": {"date": {}},
        "Owner": {"people": {}},
        "Links": {"relation": {"data_source_id": LINKED, "single_property": {}}},
        "Files": {"files": {}},
        "Site": {"url": {}},
        "Mail": {"email": {}},
        "Phone": {"phone_number": {}},
        "Ticket": {"unique_id": {"prefix": None}},
        "Created": {"created_time": {}},
        "Edited": {"last_edited_time": {}},
        "Author": {"created_by": {}},
        "Editor": {"last_edited_by": {}},
    },
    api_version="2025-09-03",
)


def make_page(
    n: int,
    values: dict[str, Any],
    *,
    created: str = "2026-07-01T10:00:00.000Z",
    edited: str | None = None,
    author: str = U1,
    schema: dict[str, dict[str, Any]] = SCHEMA,
) -> dict[str, Any]:
    props = build_property_values(schema, values)
    edited = edited or created
    props = fill_computed_values(
        schema,
        props,
        created_time=created,
        created_by={"object": "user", "id": author},
        last_edited_time=edited,
        last_edited_by={"object": "user", "id": author},
        unique_id_number=n,
    )
    return {
        "object": "page",
        "id": pid(n),
        "created_time": created,
        "last_edited_time": edited,
        "properties": props,
    }


def text(content: str) -> list[dict[str, Any]]:
    return [{"text": {"content": content}}]


PAGES = [
    make_page(
        1,
        {
            "Name": text("Alpha"),
            "Notes": text("Hello World"),
            "Price": {"number": 10},
            "Done": {"checkbox": True},
            "Kind": {"select": {"name": "A"}},
            "Tags": {"multi_select": [{"name": "x"}, {"name": "y"}]},
            "State": {"status": {"name": "Done"}},
            "When": {"date": {"start": "2026-07-04"}},
            "Owner": {"people": [{"id": U1}]},
            "Links": {"relation": [{"id": LINKED}]},
            "Files": {"files": [{"external": {"url": "https://x.test/f.pdf"}}]},
            "Site": {"url": "https://alpha.test"},
            "Mail": {"email": "alpha@x.test"},
            "Phone": {"phone_number": "+1 555 0100"},
        },
        created="2026-07-01T10:00:00.000Z",
        edited="2026-07-04T09:09:00.000Z",
    ),
    make_page(
        2,
        {
            "Name": text("beta"),
            "Price": {"number": 5},
            "Kind": {"select": {"name": "B"}},
            "Tags": {"multi_select": [{"name": "y"}]},
            "When": {"date": {"start": "2026-07-04T15:30:00.000+00:00"}},
            "Owner": {"people": [{"id": U2}]},
        },
        created="2026-07-02T10:00:00.000Z",
        edited="2026-07-03T08:00:00.000Z",
        author=U2,
    ),
    make_page(3, {}, created="2026-07-02T10:00:00.000Z"),  # every value empty; created like page 2
    make_page(
        4,
        {
            "Name": text("Gamma"),
            "Price": {"number": 10},
            "Kind": {"select": {"name": "A"}},
            "When": {"date": {"start": "2026-06-01"}},
        },
        created="2026-06-20T00:00:00.000Z",
    ),
]


def ids(
    filter: dict[str, Any] | None = None,
    sorts: list[dict[str, Any]] | None = None,
    pages: list[dict[str, Any]] = PAGES,
) -> list[int]:
    return [int(page["id"][-12:]) for page in filter_and_sort(pages, filter, sorts, SCHEMA, now=NOW)]


def matching(filter: dict[str, Any]) -> set[int]:
    return set(ids(filter))


def prop(name: str, kind: str, condition: str, value: Any = True) -> dict[str, Any]:
    return {"property": name, kind: {condition: value}}


# ------------------------------------------------------------------------------------------ conditions


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        # title / rich_text
        (prop("Name", "title", "equals", "Alpha"), {1}),
        (prop("Name", "title", "equals", "alpha"), set()),  # equals is exact
        (prop("Name", "title", "does_not_equal", "Alpha"), {2, 3, 4}),
        (prop("Name", "title", "contains", "ET"), {2}),  # contains ignores case
        (prop("Name", "rich_text", "contains", "a"), {1, 2, 4}),  # a title accepts rich_text conditions
        (prop("Name", "title", "does_not_contain", "a"), {3}),
        (prop("Name", "title", "starts_with", "al"), {1}),
        (prop("Name", "title", "ends_with", "MA"), {4}),
        (prop("Name", "title", "is_empty"), {3}),
        (prop("Name", "title", "is_not_empty"), {1, 2, 4}),
        (prop("Notes", "rich_text", "contains", "world"), {1}),
        (prop("Notes", "rich_text", "is_empty"), {2, 3, 4}),
        # url / email / phone_number
        (prop("Site", "url", "contains", "alpha"), {1}),
        (prop("Site", "url", "is_empty"), {2, 3, 4}),
        (prop("Mail", "email", "ends_with", "@x.test"), {1}),
        (prop("Mail", "rich_text", "equals", "alpha@x.test"), {1}),
        (prop("Phone", "phone_number", "starts_with", "+1"), {1}),
        (prop("Phone", "phone_number", "is_not_empty"), {1}),
        # number
        (prop("Price", "number", "equals", 10), {1, 4}),
        (prop("Price", "number", "does_not_equal", 10), {2, 3}),  # an empty number is not 10
        (prop("Price", "number", "greater_than", 5), {1, 4}),
        (prop("Price", "number", "greater_than_or_equal_to", 5), {1, 2, 4}),
        (prop("Price", "number", "less_than", 10), {2}),
        (prop("Price", "number", "less_than_or_equal_to", 10.0), {1, 2, 4}),
        (prop("Price", "number", "is_empty"), {3}),
        (prop("Price", "number", "is_not_empty"), {1, 2, 4}),
        # unique_id
        (prop("Ticket", "unique_id", "equals", 3), {3}),
        (prop("Ticket", "unique_id", "greater_than", 2), {3, 4}),
        (prop("Ticket", "unique_id", "less_than_or_equal_to", 2), {1, 2}),
        # checkbox
        (prop("Done", "checkbox", "equals", True), {1}),
        (prop("Done", "checkbox", "does_not_equal", True), {2, 3, 4}),
        (prop("Done", "checkbox", "equals", False), {2, 3, 4}),
        # select / status
        (prop("Kind", "select", "equals", "A"), {1, 4}),
        (prop("Kind", "select", "does_not_equal", "A"), {2, 3}),
        (prop("Kind", "select", "is_empty"), {3}),
        (prop("Kind", "select", "is_not_empty"), {1, 2, 4}),
        (prop("State", "status", "equals", "Done"), {1}),
        (prop("State", "status", "equals", "Not started"), {2, 3, 4}),  # the default option
        (prop("State", "status", "is_empty"), set()),
        # multi_select
        (prop("Tags", "multi_select", "contains", "y"), {1, 2}),
        (prop("Tags", "multi_select", "does_not_contain", "x"), {2, 3, 4}),
        (prop("Tags", "multi_select", "is_empty"), {3, 4}),
        (prop("Tags", "multi_select", "is_not_empty"), {1, 2}),
        # people / created_by / last_edited_by / relation (ids with or without dashes)
        (prop("Owner", "people", "contains", U1), {1}),
        (prop("Owner", "people", "contains", U2.replace("-", "")), {2}),
        (prop("Owner", "people", "does_not_contain", U1), {2, 3, 4}),
        (prop("Owner", "people", "is_empty"), {3, 4}),
        (prop("Owner", "people", "is_not_empty"), {1, 2}),
        (prop("Author", "created_by", "contains", U2), {2}),
        (prop("Editor", "last_edited_by", "does_not_contain", U2), {1, 3, 4}),
        (prop("Author", "people", "contains", U1), {1, 3, 4}),
        (prop("Links", "relation", "contains", LINKED), {1}),
        (prop("Links", "relation", "does_not_contain", LINKED), {2, 3, 4}),
        (prop("Links", "relation", "is_empty"), {2, 3, 4}),
        (prop("Links", "relation", "is_not_empty"), {1}),
        # files
        (prop("Files", "files", "is_empty"), {2, 3, 4}),
        (prop("Files", "files", "is_not_empty"), {1}),
        # date property: a plain date filter compares calendar days, a plain-date value too
        (prop("When", "date", "equals", "2026-07-04"), {1, 2}),
        (prop("When", "date", "equals", "2026-07-04T15:30:00Z"), {1, 2}),  # page 1 is a plain date
        (prop("When", "date", "before", "2026-07-04"), {4}),
        (prop("When", "date", "after", "2026-07-04T15:00:00Z"), {2}),
        (prop("When", "date", "after", "2026-07-04T16:00:00Z"), set()),
        (prop("When", "date", "on_or_before", "2026-07-04T15:00:00Z"), {1, 4}),
        (prop("When", "date", "on_or_after", "2026-06-01"), {1, 2, 4}),
        (prop("When", "date", "after", "2026-07-04"), set()),
        (prop("When", "date", "is_empty"), {3}),
        (prop("When", "date", "is_not_empty"), {1, 2, 4}),
        # created_time / last_edited_time properties (also through the generic date key)
        (prop("Created", "created_time", "after", "2026-07-01T10:00:00.000Z"), {2, 3}),
        (prop("Created", "date", "on_or_before", "2026-07-01"), {1, 4}),
        (prop("Edited", "last_edited_time", "equals", "2026-07-04T09:09:00.000Z"), {1}),
        (prop("Edited", "last_edited_time", "is_not_empty"), {1, 2, 3, 4}),
        # timestamp filters
        ({"timestamp": "created_time", "created_time": {"on_or_after": "2026-07-02T10:00:00.000Z"}}, {2, 3}),
        ({"timestamp": "last_edited_time", "last_edited_time": {"before": "2026-07-02"}}, {4}),
        ({"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": "2026-07-03"}}, {1, 2}),
    ],
)
def test_conditions(filter: dict[str, Any], expected: set[int]) -> None:
    validate_filter(filter, SCHEMA)
    assert matching(filter) == expected


def test_filter_by_property_id() -> None:
    assert matching({"property": SCHEMA["Price"]["id"], "number": {"equals": 5}}) == {2}
    assert matching({"property": "title", "title": {"equals": "Alpha"}}) == {1}


# ------------------------------------------------------------------------------------------ timestamps


EDITED = [
    make_page(n, {}, created=f"2026-07-04T09:0{n}:00.000Z", edited=f"2026-07-04T09:0{n}:00.000Z")
    for n in (7, 8, 9)
]


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        # exactly the stored (minute-rounded) value, as the 10,000-row windowing work-around sends it
        ("on_or_after", "2026-07-04T09:08:00.000Z", [9, 8]),
        ("after", "2026-07-04T09:08:00.000Z", [9]),
        ("equals", "2026-07-04T09:08:00.000Z", [8]),
        ("before", "2026-07-04T09:08:00.000Z", [7]),
        ("on_or_before", "2026-07-04T09:08:00.000Z", [8, 7]),
        # a value inside a minute compares with the minute it falls in (pages edited at 09:08:xx are stored 09:08)
        ("on_or_after", "2026-07-04T09:08:30.500Z", [9, 8]),
        ("after", "2026-07-04T09:08:30Z", [9]),
        ("equals", "2026-07-04T09:08:59Z", [8]),
        ("before", "2026-07-04T09:08:59Z", [7]),
        # other offsets are converted to UTC
        ("equals", "2026-07-04T11:08:00+02:00", [8]),
        # a plain date compares calendar days
        ("equals", "2026-07-04", [9, 8, 7]),
        ("after", "2026-07-04", []),
        ("on_or_after", "2026-07-04", [9, 8, 7]),
        ("before", "2026-07-05", [9, 8, 7]),
        ("on_or_before", "2026-07-03", []),
    ],
)
def test_timestamp_granularity(condition: str, value: str, expected: list[int]) -> None:
    for timestamp in ("created_time", "last_edited_time"):
        assert ids({"timestamp": timestamp, timestamp: {condition: value}}, pages=EDITED) == expected
    assert ids(prop("Edited", "last_edited_time", condition, value), pages=EDITED) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # now = Saturday 2026-07-04 12:00 UTC; weeks start on Sunday (2026-06-28)
        ("past_week", {"2026-06-27", "2026-06-28", "2026-07-01", "2026-07-04", "2026-07-04T23:59:00Z"}),
        (
            "past_month",
            {"2026-06-04", "2026-06-27", "2026-06-28", "2026-07-01", "2026-07-04", "2026-07-04T23:59:00Z"},
        ),
        (
            "past_year",
            {
                "2025-07-04",
                "2026-06-04",
                "2026-06-27",
                "2026-06-28",
                "2026-07-01",
                "2026-07-04",
                "2026-07-04T23:59:00Z",
            },
        ),
        ("this_week", {"2026-06-28", "2026-07-01", "2026-07-04", "2026-07-04T23:59:00Z"}),
        ("next_week", {"2026-07-04", "2026-07-04T23:59:00Z", "2026-07-05", "2026-07-11"}),
        (
            "next_month",
            {"2026-07-04", "2026-07-04T23:59:00Z", "2026-07-05", "2026-07-11", "2026-07-12", "2026-08-04"},
        ),
        (
            "next_year",
            {
                "2026-07-04",
                "2026-07-04T23:59:00Z",
                "2026-07-05",
                "2026-07-11",
                "2026-07-12",
                "2026-08-04",
                "2026-08-05",
                "2027-07-04",
            },
        ),
    ],
)
def test_relative_dates_with_fixed_now(condition: str, expected: set[str]) -> None:
    days = [
        "2025-07-03", "2025-07-04", "2026-06-04", "2026-06-27", "2026-06-28", "2026-07-01", "2026-07-04",
        "2026-07-04T23:59:00Z", "2026-07-05", "2026-07-11", "2026-07-12", "2026-08-04", "2026-08-05",
        "2027-07-04", "2027-07-05",
    ]  # fmt: skip
    pages = [make_page(n, {"When": {"date": {"start": day}}}) for n, day in enumerate(days, start=1)]
    pages.append(make_page(99, {}))  # an empty date never matches a relative condition
    found = {days[n - 1] for n in ids(prop("When", "date", condition, {}), pages=pages)}
    assert found == expected


def test_recorded_past_week_timestamp_query() -> None:
    data = yaml.safe_load((CASSETTES / "notion-sdk-py_2022-06-28" / "test_databases_query.yaml").read_text())
    query = next(i["request"] for i in data["interactions"] if i["request"]["uri"].endswith("/query"))
    filter = json.loads(query["body"])["filter"]
    validate_filter(filter, SCHEMA)
    pages = [
        make_page(1, {}, created="2026-06-26T23:59:00.000Z"),
        make_page(2, {}, created="2026-06-27T00:00:00.000Z"),
    ]
    assert ids(filter, pages=pages) == [2]


# ------------------------------------------------------------------------------------------ compounds


def test_compound_and_or() -> None:
    price_10 = prop("Price", "number", "equals", 10)
    assert matching({"and": [price_10, prop("Done", "checkbox", "equals", True)]}) == {1}
    assert matching({"or": [prop("Kind", "select", "equals", "B"), prop("Name", "title", "is_empty")]}) == {
        2,
        3,
    }
    assert matching({"and": []}) == {1, 2, 3, 4}
    assert matching({"or": []}) == set()


def test_compound_nesting_two_levels_pass_three_fail() -> None:
    leaf = prop("Price", "number", "greater_than", 0)
    two_levels = {
        "and": [
            leaf,
            {"or": [prop("Kind", "select", "equals", "B"), prop("Price", "number", "less_than", 0)]},
        ]
    }
    validate_filter(two_levels, SCHEMA)
    kind_b, negative = prop("Kind", "select", "equals", "B"), prop("Price", "number", "less_than", 0)
    assert matching(two_levels) == matching(leaf) & (matching(kind_b) | matching(negative))
    assert matching(two_levels)  # not trivially empty
    three_levels = {"and": [{"or": [{"and": [leaf]}]}]}
    with pytest.raises(
        EmulatorValidationError, match=r"body\.filter\.and\[0\]\.or\[0\]\.and should be not present"
    ):
        validate_filter(three_levels, SCHEMA)
    with pytest.raises(EmulatorValidationError):
        filter_and_sort(PAGES, three_levels, None, SCHEMA, now=NOW)


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        (prop("Ghost", "number", "equals", 1), "Could not find property with name or id: Ghost"),
        ({"and": [prop("Ghost", "title", "is_empty")]}, "Could not find property with name or id: Ghost"),
        (prop("Price", "title", "equals", "x"), "database property number does not match filter title"),
        (
            prop("Kind", "multi_select", "contains", "A"),
            "database property select does not match filter multi_select",
        ),
        (prop("Notes", "title", "equals", "x"), "database property rich_text does not match filter title"),
        (prop("Files", "files", "contains", "x"), "body.filter.files.contains should be not present"),
        (prop("Done", "checkbox", "is_empty"), "body.filter.checkbox.is_empty should be not present"),
        (
            prop("Price", "number", "equals", "10"),
            'body.filter.number.equals should be a number, instead was "10".',
        ),
        (prop("Price", "number", "equals", True), "body.filter.number.equals should be a number"),
        (prop("Name", "title", "contains", 5), "body.filter.title.contains should be a string"),
        (prop("Done", "checkbox", "equals", "true"), "body.filter.checkbox.equals should be a boolean"),
        (prop("Name", "title", "is_empty", False), "body.filter.title.is_empty should be `true`"),
        (prop("Owner", "people", "contains", "me"), "body.filter.people.contains should be a valid uuid"),
        (
            prop("When", "date", "after", "tomorrow"),
            "body.filter.date.after should be a valid ISO 8601 date string",
        ),
        (
            prop("When", "date", "past_week", {"days": 3}),
            "body.filter.date.past_week should be an empty object",
        ),
        ({"property": "Price", "number": {"equals": 1, "less_than": 3}}, "should have exactly one condition"),
        (
            {"property": "Price", "number": {"equals": 1}, "checkbox": {"equals": True}},
            "exactly one filter condition",
        ),
        ({"timestamp": "updated_time", "updated_time": {"past_week": {}}}, "body.filter.timestamp should be"),
        (
            {"timestamp": "created_time", "created_time": {"contains": "x"}},
            "created_time.contains should be not present",
        ),
        ({"and": [{}], "or": []}, "exactly one of `and` or `or`"),
        ({"or": {"property": "Price"}}, "body.filter.or should be an array"),
        ({"or": [{"nothing": 1}]}, "body.filter.or[0] should have one of"),
        ({"property": "Price"}, "exactly one filter condition"),
    ],
)
def test_filter_errors(filter: dict[str, Any], message: str) -> None:
    with pytest.raises(EmulatorValidationError) as caught:
        validate_filter(filter, SCHEMA)
    assert message in caught.value.message
    assert (caught.value.status, caught.value.code) == (400, "validation_error")


def test_no_filter_matches_everything() -> None:
    validate_filter(None, SCHEMA)
    assert matching({}) == {1, 2, 3, 4}


# ------------------------------------------------------------------------------------------ sorts


def test_default_order_is_created_time_descending_then_id() -> None:
    assert ids() == [2, 3, 1, 4]
    assert ids(pages=list(reversed(PAGES))) == [2, 3, 1, 4]


def test_sort_ascending_and_descending_keep_empty_last() -> None:
    assert ids(sorts=[{"property": "Price", "direction": "ascending"}]) == [2, 4, 1, 3]
    assert ids(sorts=[{"property": "Price", "direction": "descending"}]) == [4, 1, 2, 3]
    assert ids(sorts=[{"property": "Name", "direction": "ascending"}]) == [1, 2, 4, 3]  # case-insensitive
    assert ids(sorts=[{"property": "Name", "direction": "descending"}]) == [4, 2, 1, 3]
    assert ids(sorts=[{"property": "When", "direction": "descending"}]) == [2, 1, 4, 3]


def test_multi_key_sort_earlier_wins_and_ties_are_stable() -> None:
    sorts = [{"property": "Price", "direction": "descending"}, {"property": "Name", "direction": "ascending"}]
    assert ids(sorts=sorts) == [1, 4, 2, 3]
    sorts = [
        {"property": "Price", "direction": "descending"},
        {"property": "Name", "direction": "descending"},
    ]
    assert ids(sorts=sorts) == [4, 1, 2, 3]
    # Ties on every key: created_time ascending, then id.
    assert ids(sorts=[{"property": "Done", "direction": "ascending"}]) == [4, 2, 3, 1]
    assert ids(sorts=[{"property": "Done", "direction": "descending"}]) == [1, 4, 2, 3]
    assert ids(sorts=[{"property": "Done", "direction": "ascending"}], pages=list(reversed(PAGES))) == [
        4,
        2,
        3,
        1,
    ]


def test_select_sorts_by_option_order_and_timestamps_sort() -> None:
    # Options are declared B then A: Notion orders select values by option position, not name.
    assert ids(sorts=[{"property": "Kind", "direction": "ascending"}]) == [2, 4, 1, 3]
    assert ids(sorts=[{"property": "Tags", "direction": "ascending"}]) == [1, 2, 4, 3]
    assert ids(sorts=[{"timestamp": "created_time", "direction": "ascending"}]) == [4, 1, 2, 3]
    assert ids(sorts=[{"timestamp": "last_edited_time", "direction": "descending"}]) == [1, 2, 3, 4]
    assert ids(sorts=[{"property": "Ticket", "direction": "descending"}]) == [4, 3, 2, 1]
    assert ids(sorts=[{"property": "Created", "direction": "ascending"}]) == [4, 1, 2, 3]


def test_filter_and_sort_together_returns_the_same_page_objects() -> None:
    result = filter_and_sort(
        PAGES,
        prop("Price", "number", "is_not_empty"),
        [{"property": "Price", "direction": "ascending"}],
        SCHEMA,
        now=NOW,
    )
    assert [page["id"] for page in result] == [pid(2), pid(4), pid(1)]
    assert result[0] is PAGES[1]  # no copies


@pytest.mark.parametrize(
    ("sorts", "message"),
    [
        (
            [{"property": "Ghost", "direction": "ascending"}],
            "Could not find sort property with name or id: Ghost",
        ),
        ([{"property": "Price", "direction": "up"}], "body.sorts[0].direction should be"),
        ([{"property": "Price"}], "body.sorts[0].direction should be"),
        ([{"timestamp": "updated", "direction": "ascending"}], "body.sorts[0].timestamp should be"),
        ([{"property": "Price", "timestamp": "created_time", "direction": "ascending"}], "exactly one of"),
        ([{"direction": "ascending"}], "exactly one of"),
        (
            [{"property": "Price", "direction": "ascending", "nulls": "first"}],
            "body.sorts[0].nulls should be not present",
        ),
        ({"property": "Price"}, "body.sorts should be an array"),
        (["Price"], "body.sorts[0] should be an object"),
    ],
)
def test_sort_errors(sorts: Any, message: str) -> None:
    with pytest.raises(EmulatorValidationError) as caught:
        validate_sorts(sorts, SCHEMA)
    assert message in caught.value.message


def test_valid_sorts_pass_validation() -> None:
    validate_sorts(None, SCHEMA)
    validate_sorts([], SCHEMA)
    validate_sorts(
        [
            {"property": SCHEMA["Price"]["id"], "direction": "ascending"},
            {"timestamp": "created_time", "direction": "descending"},
        ],
        SCHEMA,
    )
