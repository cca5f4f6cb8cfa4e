"""The sync plan's edges (jobs/sync/plan.py, keys in rules/keys.py), written to kill the mutants that survived
``make mutate`` (docs/contributing.md): each test fails with a one-line change to the rule it names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from airflow_provider_notion.exceptions import NotionInputError, NotionSyncError
from airflow_provider_notion.jobs.sync.plan import (
    MAX_KEYS_SHOWN,
    Write,
    existing_rows,
    list_keys,
    plan_sync,
    show_key,
)
from airflow_provider_notion.rules.keys import KEY_TYPES, check_key_type, key_filter, key_of, unique_id_key

SCHEMA: dict[str, Any] = {"Name": {"type": "title"}, "N": {"type": "number"}, "Id": {"type": "unique_id"}}


def titled(page_id: str, name: str | None, **extra: Any) -> dict[str, Any]:
    title = [{"type": "text", "text": {"content": name}, "plain_text": name}] if name else []
    return {"id": page_id, "properties": {"Name": {"type": "title", "title": title}, **extra}}


def test_keys_are_shown_as_people_wrote_them() -> None:
    assert (show_key(7.0), show_key(7.5), show_key(7), show_key("7.0")) == ("7", "7.5", "7", "7.0")


def test_long_key_lists_are_cut_and_say_how_many_more() -> None:
    keys = [f"k{i:02d}" for i in range(MAX_KEYS_SHOWN + 5)]
    shown = list_keys(keys)
    assert shown.endswith("'k19' and 5 more")
    assert list_keys(keys[:MAX_KEYS_SHOWN]).endswith("'k19'")


def test_a_bad_key_names_the_key_field_and_lists_what_would_do() -> None:
    with pytest.raises(NotionInputError) as missing:
        check_key_type("Nope", {"B": {"type": "title"}, "A": {"type": "number"}})
    assert missing.value.field == "key"
    assert missing.value.problem == "'Nope' is not a property of the database (it has: A, B)"
    with pytest.raises(NotionInputError) as wrong:
        check_key_type("F", {"F": {"type": "files"}})
    assert wrong.value.field == "key"
    assert wrong.value.problem == f"a files property cannot identify a row; use one of {', '.join(KEY_TYPES)}"


@pytest.mark.parametrize(
    ("key_type", "value", "expected"),
    [
        ("rich_text", {"rich_text": [{"type": "text", "text": {"content": "r1"}, "plain_text": "r1"}]}, "r1"),
        ("number", {"number": None}, None),
        ("status", {"status": {"name": "Done"}}, "Done"),
        ("status", {"status": None}, None),
        ("select", {"select": {"name": ""}}, None),
        ("select", {"select": "Done"}, None),
        ("unique_id", {"unique_id": 12}, None),
        ("unique_id", {"unique_id": {"number": None}}, None),
        ("unique_id", {"unique_id": {"prefix": "T", "number": 12}}, 12),
        ("url", {"url": ""}, None),
        ("url", {"url": None}, None),
        ("email", {"email": "a@b.c"}, "a@b.c"),
    ],
)
def test_key_of_every_key_type(key_type: str, value: Any, expected: Any) -> None:
    assert key_of(key_type, value) == expected


def test_a_unique_id_given_as_a_property_value_is_its_number() -> None:
    assert unique_id_key({"unique_id": {"prefix": "T", "number": 12}}, "row 1") == 12


@pytest.mark.parametrize("value", [Decimal("12"), 12.0, True, {"unique_id": {"number": None}}, "T-12-3"])
def test_anything_but_a_number_or_prefix_number_is_not_a_unique_id(value: Any) -> None:
    with pytest.raises(NotionInputError) as refused:
        unique_id_key(value, "row 3 column Id")
    assert refused.value.field == "row 3 column Id"


def test_a_planned_update_or_trash_carries_its_key_and_page() -> None:
    assert Write("update", 7.0, "p1", {"N": {}}).describe() == {
        "action": "update",
        "key": "7",
        "page_id": "p1",
        "properties": ["N"],
    }


def test_every_row_without_a_key_is_counted() -> None:
    pages = [titled("p1", None), titled("p2", None), titled("p3", "a")]
    by_key, without_key = existing_rows(pages, "Name", "title")
    assert (list(by_key), without_key) == (["a"], 2)


def test_duplicate_keys_say_how_to_fix_them() -> None:
    with pytest.raises(NotionSyncError) as refused:
        existing_rows([titled("p1", "a"), titled("p2", "a")], "Name", "title")
    assert str(refused.value).endswith(
        "Remove or merge the duplicate rows in Notion, then run the sync again."
    )


def test_the_existing_count_includes_rows_without_a_key() -> None:
    plan = plan_sync(SCHEMA, "Name", "title", [], [titled("p1", None), titled("p2", "a"), titled("p3", "b")])
    assert (plan.existing, plan.without_key) == (3, 1)


def test_by_default_nothing_is_trashed_and_half_the_rows_may_be() -> None:
    pages = [titled(f"p{i}", f"k{i}") for i in range(4)]
    assert plan_sync(SCHEMA, "Name", "title", [], pages).trashes == []
    half = plan_sync(SCHEMA, "Name", "title", [("k0", {}), ("k1", {})], pages, delete_missing=True)
    assert [(w.key, w.page_id) for w in half.trashes] == [("k2", "p2"), ("k3", "p3")]
    with pytest.raises(NotionSyncError) as refused:
        plan_sync(SCHEMA, "Name", "title", [("k0", {})], pages, delete_missing=True)
    assert str(refused.value).endswith(
        "If the source really lost that many rows, raise max_delete_fraction for this run."
    )


def test_an_update_carries_its_key() -> None:
    plan = plan_sync(SCHEMA, "Name", "title", [("a", {"N": {"number": 2}})], [titled("p1", "a")])
    assert [(w.key, w.page_id, w.properties) for w in plan.updates] == [("a", "p1", {"N": {"number": 2}})]


def test_unique_ids_that_cannot_be_created_are_listed() -> None:
    current = [{"id": "p1", "properties": {"Id": {"unique_id": {"prefix": "T", "number": 1}}}}]
    with pytest.raises(NotionSyncError) as refused:
        plan_sync(SCHEMA, "Id", "unique_id", [(12, {}), (13, {})], current)
    assert "that no row of the database has: '12', '13'. Notion assigns" in str(refused.value)
    assert str(refused.value).endswith("cannot be created. Nothing was written.")


def test_a_column_the_schema_does_not_know_is_written_not_guessed_equal() -> None:
    current = [titled("p1", "a", Extra={"type": "number", "number": 1})]
    plan = plan_sync(SCHEMA, "Name", "title", [("a", {"Extra": {"type": "number", "number": 1}})], current)
    assert [sorted(w.properties) for w in plan.updates] == [["Extra"]]  # an unknown type equals nothing


def test_a_property_without_a_type_is_named_missing() -> None:
    with pytest.raises(NotionInputError) as refused:
        check_key_type("K", {"K": {"name": "K"}}, "unique_property")
    assert refused.value.field == "unique_property"
    assert refused.value.problem.startswith("a missing property cannot identify a row")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"date": {"start": "2026-01-31"}}, "2026-01-31"),
        ({"date": {"start": "2026-01-31T12:00:00+02:00"}}, "2026-01-31T10:00:00Z"),
        ({"date": {"start": None}}, None),
        ({"date": "2026-01-31"}, None),
        ({"date": None}, None),
    ],
)
def test_a_date_key_is_its_start_a_day_or_a_utc_moment(value: Any, expected: Any) -> None:
    assert key_of("date", value) == expected


@pytest.mark.parametrize(
    ("key_type", "key", "expected"),
    [
        ("unique_id", 12.0, 12),
        ("number", 7.0, 7),
        ("number", 7.5, 7.5),
        ("title", "a", "a"),
        ("date", "2026-01-31", "2026-01-31"),
    ],
)
def test_the_filter_for_a_key_asks_for_it_as_notion_stores_it(key_type: str, key: Any, expected: Any) -> None:
    found = key_filter("K", key_type, key)
    assert found == {"property": "K", key_type: {"equals": expected}}
    assert type(found[key_type]["equals"]) is type(expected)
