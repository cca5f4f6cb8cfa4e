"""The bounded trigger event (issue 10): counts and ids always, rows only when the whole event fits."""

from __future__ import annotations

from typing import Any

from airflow_provider_notion.triggers.events import bounded_ids, json_size, query_success_event


def page(count: int, text: str = "x") -> dict[str, Any]:
    rows = [{"object": "page", "id": f"{i:08d}-0000-4000-8000-000000000000", "t": text} for i in range(count)]
    return {"object": "list", "results": rows, "has_more": False, "next_cursor": None}


def test_rows_that_fit_are_carried_with_count_and_ids() -> None:
    event = query_success_event(page(3), {"end_time": 5.0}, max_bytes=4096)
    assert event["rows_included"] is True
    assert event["results"] == page(3)
    assert event["count"] == 3
    assert event["end_time"] == 5.0
    assert event["row_ids"] == [row["id"] for row in page(3)["results"]]


def test_rows_that_do_not_fit_leave_only_count_and_as_many_ids_as_fit() -> None:
    big = page(200, text="y" * 500)
    event = query_success_event(big, {"end_time": 5.0}, max_bytes=2048)
    assert json_size(event) <= 2048
    assert event["rows_included"] is False
    assert "results" not in event
    assert event["count"] == 200
    assert event["end_time"] == 5.0
    assert 0 < len(event["row_ids"]) < 200
    assert event["row_ids_complete"] is False
    assert event["row_ids"] == [row["id"] for row in big["results"]][: len(event["row_ids"])]


def test_all_ids_kept_when_only_the_rows_are_too_big() -> None:
    event = query_success_event(page(5, text="z" * 5000), max_bytes=4096)
    assert event["rows_included"] is False
    assert len(event["row_ids"]) == 5
    assert event["row_ids_complete"] is True


def test_bounded_ids_never_exceeds_the_budget() -> None:
    ids = [f"id-{i}" for i in range(1000)]
    for budget in (2, 10, 100, 1000):
        kept = bounded_ids(ids, budget)
        assert json_size(kept) <= budget
        assert kept == ids[: len(kept)]
