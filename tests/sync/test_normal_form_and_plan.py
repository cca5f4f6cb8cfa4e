"""Normal-form comparison and the sync plan (pure functions, no requests)."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_notion.exceptions import NotionInputError, NotionSyncError
from airflow_provider_notion.jobs.sync.plan import plan_sync
from airflow_provider_notion.rules.keys import check_key_type, key_of, unique_id_key
from airflow_provider_notion.rules.values.from_notion import UNKNOWN, same_value

A = "16cabc1e-edcd-8117-a024-fa5446b89751"


def text(value: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": value}, "plain_text": value, "annotations": {"bold": True}}]


@pytest.mark.parametrize(
    ("prop_type", "wanted", "current"),
    [
        ("number", {"number": 1}, {"id": "x", "type": "number", "number": 1.0}),
        ("title", {"title": [{"type": "text", "text": {"content": "ab"}}]}, {"title": text("a") + text("b")}),
        ("select", {"select": {"name": "Open"}}, {"select": {"id": "s1", "name": "Open", "color": "red"}}),
        (
            "multi_select",
            {"multi_select": [{"name": "b"}, {"name": "a"}]},
            {"multi_select": [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}]},
        ),
        (
            "date",
            {"date": {"start": "2026-03-01T10:00:00+02:00"}},
            {"date": {"start": "2026-03-01T08:00:00.000Z", "end": None, "time_zone": None}},
        ),
        ("date", {"date": None}, {"date": None}),
        ("url", {"url": None}, {"url": ""}),
        (
            "relation",
            {"relation": [{"id": A.replace("-", "")}]},
            {"relation": [{"id": A}], "has_more": False},
        ),
        ("checkbox", {"checkbox": False}, {"checkbox": False}),
        ("rich_text", {"rich_text": []}, {"rich_text": []}),
    ],
)
def test_equal_in_normal_form(prop_type: str, wanted: Any, current: Any) -> None:
    assert same_value(prop_type, wanted, current)


@pytest.mark.parametrize(
    ("prop_type", "wanted", "current"),
    [
        ("number", {"number": 1}, {"number": 1.5}),
        ("number", {"number": 0}, {"number": None}),
        ("title", {"title": text("a")}, {"title": text("A")}),
        ("select", {"select": {"name": "Open"}}, {"select": None}),
        ("date", {"date": {"start": "2026-03-01"}}, {"date": {"start": "2026-03-01T00:00:00.000Z"}}),
        ("checkbox", {"checkbox": True}, {"checkbox": False}),
        # Notion shortened the list: cannot tell, so the value is written.
        ("relation", {"relation": [{"id": A}]}, {"relation": [{"id": A}], "has_more": True}),
        ("formula", {"formula": {}}, {"formula": {}}),
    ],
)
def test_different_in_normal_form(prop_type: str, wanted: Any, current: Any) -> None:
    assert not same_value(prop_type, wanted, current)


def test_unknown_equals_nothing() -> None:
    assert UNKNOWN != UNKNOWN


SCHEMA = {
    "Name": {"type": "title"},
    "N": {"type": "number"},
    "Id": {"type": "unique_id"},
    "F": {"type": "files"},
}


def page(page_id: str, name: str | None, n: float | None = None) -> dict[str, Any]:
    return {
        "id": page_id,
        "properties": {"Name": {"title": text(name) if name else []}, "N": {"type": "number", "number": n}},
    }


def row(name: str, n: int) -> tuple[str, dict[str, Any]]:
    return name, {"Name": {"title": [{"type": "text", "text": {"content": name}}]}, "N": {"number": n}}


def test_plan_creates_updates_only_changed_properties_and_counts_unchanged() -> None:
    plan = plan_sync(
        SCHEMA,
        "Name",
        "title",
        [row("a", 1), row("b", 2), row("c", 3)],
        [page("p1", "a", 1.0), page("p2", "b", 5)],
    )
    assert [(w.action, w.key) for w in plan.creates] == [("create", "c")]
    assert [(w.page_id, sorted(w.properties)) for w in plan.updates] == [("p2", ["N"])]
    assert plan.unchanged == 1
    assert plan.trashes == []


def test_plan_trashes_missing_rows_within_the_fraction() -> None:
    pages = [page(f"p{i}", f"k{i}") for i in range(4)]
    rows = [(f"k{i}", {}) for i in range(2)]
    plan = plan_sync(SCHEMA, "Name", "title", rows, pages, delete_missing=True, max_delete_fraction=0.5)
    assert sorted(w.page_id or "" for w in plan.trashes) == ["p2", "p3"]
    with pytest.raises(NotionSyncError, match="trash 3 of the database's 4 rows.*Nothing was written"):
        plan_sync(SCHEMA, "Name", "title", rows[:1], pages, delete_missing=True, max_delete_fraction=0.5)


def test_two_notion_rows_with_one_key_are_an_error_listing_the_keys() -> None:
    pages = [page("p1", "a"), page("p2", "a"), page("p3", "b"), page("p4", "b"), page("p5", "c")]
    with pytest.raises(NotionSyncError, match=r"2 keys .* 'a', 'b'\. Nothing was written"):
        plan_sync(SCHEMA, "Name", "title", [row("a", 1)], pages)


def test_rows_without_a_key_in_notion_are_left_alone() -> None:
    plan = plan_sync(SCHEMA, "Name", "title", [row("a", 1)], [page("p1", None)], delete_missing=True)
    assert plan.without_key == 1 and plan.trashes == [] and len(plan.creates) == 1


def test_unique_id_keys_cannot_be_created() -> None:
    current = [{"id": "p1", "properties": {"Id": {"unique_id": {"prefix": "T", "number": 1}}}}]
    plan = plan_sync(SCHEMA, "Id", "unique_id", [(1, {"N": {"number": 2}})], current)
    assert [w.page_id for w in plan.updates] == ["p1"]
    with pytest.raises(NotionSyncError, match="unique ID.*cannot be created"):
        plan_sync(SCHEMA, "Id", "unique_id", [(2, {})], current)


def test_key_types_and_key_values() -> None:
    assert check_key_type("Name", SCHEMA) == "title"
    with pytest.raises(NotionInputError, match="files property cannot identify a row"):
        check_key_type("F", SCHEMA)
    with pytest.raises(NotionInputError, match="'Nope' is not a property"):
        check_key_type("Nope", SCHEMA)
    assert key_of("number", {"number": 7}) == 7.0
    assert key_of("select", {"select": {"name": "x"}}) == "x"
    assert key_of("title", {"title": []}) is None
    assert unique_id_key("TASK-12", "k") == 12
    assert unique_id_key(12, "k") == 12
    with pytest.raises(NotionInputError, match="not a unique ID"):
        unique_id_key("twelve", "k")
