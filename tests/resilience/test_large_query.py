"""Queries past Notion's result cap: every row exactly once, windows that keep the user's filter, loud failures.

The emulator's cap is lowered to 100-200 rows so a few thousand rows need many windows.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.client.large_query import CompleteQuery, and_window, created_window
from airflow_provider_notion.exceptions import NotionQueryIncompleteError
from airflow_provider_notion.hooks.notion import NotionHook
from tests.resilience.helpers import row_values, seed_rows, title

WINDOW = created_window("2026-01-01T00:00:00.000Z")


def query_bodies(emu: NotionEmulator) -> list[dict[str, Any]]:
    return [json.loads(r.body or "{}") for r in emu.request_log if r.path.endswith("/query")]


def depth(node: Any) -> int:
    for key in ("and", "or"):
        if isinstance(node, dict) and key in node:
            return 1 + max((depth(child) for child in node[key]), default=0)
    return 0


# ------------------------------------------------------------------ complete results


@pytest.mark.parametrize("version", ["2026-03-11", "2022-06-28"])
def test_every_row_is_returned_once_past_the_cap(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook], version: str
) -> None:
    emu.set_query_cap(200)
    ids = seed_rows(emu, database["data_source_id"], 3000, per_minute=37)
    emu.clear_request_log()

    rows = list(make_hook(notion_version=version).iter_query(database["id"]))

    assert Counter(row["id"] for row in rows) == Counter(ids)
    assert [row["created_time"] for row in rows] == sorted(row["created_time"] for row in rows)
    bodies = query_bodies(emu)
    windows = [b for b in bodies if "filter" in b and "start_cursor" not in b]
    assert len(windows) >= 3000 // 200  # it really went past the cap many times
    assert all(b["sorts"] == [{"timestamp": "created_time", "direction": "ascending"}] for b in bodies)
    # Each window repeats at most one minute (37 rows) of the previous one: few wasted requests.
    assert len(bodies) <= 2 * (3000 // (200 - 37) + 1)


def test_fetch_all_returns_one_list_object(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.set_query_cap(100)
    ids = seed_rows(emu, database["data_source_id"], 450, per_minute=20)

    result = make_hook().query_database(data_source_id=database["data_source_id"], fetch_all=True)

    assert result["object"] == "list" and result["has_more"] is False and result["next_cursor"] is None
    assert result["type"] == "page_or_data_source"
    assert sorted(row["id"] for row in result["results"]) == sorted(ids)


def test_a_query_under_the_cap_is_a_plain_cursor_loop(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    seed_rows(emu, database["data_source_id"], 250, per_minute=50)
    emu.clear_request_log()
    hook = make_hook()
    hook.data_source_ids(database["id"])  # resolved once per hook, not per page
    emu.clear_request_log()

    rows = list(hook.iter_query(database["id"]))

    assert len(rows) == 250
    assert [r.path.rsplit("/", 1)[-1] for r in emu.request_log] == ["query"] * 3
    assert all("filter" not in body for body in query_bodies(emu))


def tag(name: str) -> dict[str, Any]:
    return {"property": "Tag", "select": {"equals": name}}


def count(condition: str, value: int) -> dict[str, Any]:
    return {"property": "Count", "number": {condition: value}}


@pytest.mark.parametrize(
    ("user_filter", "wanted"),
    [
        (count("greater_than_or_equal_to", 1000), lambda i: i >= 1000),
        ({"and": [tag("a"), count("less_than", 1800)]}, lambda i: i % 2 == 0 and i < 1800),
        (
            # Already two levels deep: the window is distributed into each branch instead of wrapped around.
            {
                "or": [
                    {"and": [tag("b"), count("less_than", 600)]},
                    {"or": [count("greater_than", 1500), count("equals", 700)]},
                    count("equals", 800),
                ]
            },
            lambda i: (i % 2 == 1 and i < 600) or i > 1500 or i in (700, 800),
        ),
        (
            {"and": [{"or": [tag("a"), count("less_than", 10)]}, count("less_than", 1500)]},
            lambda i: (i % 2 == 0 or i < 10) and i < 1500,
        ),
    ],
    ids=["property", "and", "or-at-nesting-limit", "and-of-or"],
)
def test_windows_keep_the_users_filter_within_two_levels(
    emu: NotionEmulator,
    database: dict[str, Any],
    make_hook: Callable[..., NotionHook],
    user_filter: dict[str, Any],
    wanted: Callable[[int], bool],
) -> None:
    emu.set_query_cap(100)
    seed_rows(emu, database["data_source_id"], 2000, per_minute=25)
    emu.clear_request_log()

    rows = list(make_hook().iter_query(database["id"], filter=user_filter))

    counts = [row["properties"]["Count"]["number"] for row in rows]
    assert sorted(counts) == [i for i in range(2000) if wanted(i)]
    windowed = [b["filter"] for b in query_bodies(emu) if b.get("filter") != user_filter]
    assert windowed, "the cap was never reached"
    assert all(depth(f) <= 2 for f in windowed)


# ------------------------------------------------------------------ rows added and edited during the fetch


def test_rows_added_and_edited_between_pages_are_neither_lost_nor_repeated(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.set_query_cap(150)
    # The newest rows share the current minute, so rows created during the fetch interleave with them by id.
    before = seed_rows(emu, database["data_source_id"], 3000, per_minute=40)
    writer = make_hook()
    added: list[str] = []
    rng = random.Random(7)
    hook = make_hook()
    real_request = hook.request
    sent = 0

    def request_then_write(method: str, path: str, **kwargs: Any) -> Any:
        nonlocal sent
        answer = real_request(method, path, **kwargs)
        if path.endswith("/query"):
            sent += 1
            if sent % 3 == 0:
                for _ in range(4):
                    page = writer.create_page(
                        database["data_source_id"],
                        row_values(10_000 + len(added)),
                        parent_type="data_source_id",
                    )
                    added.append(page["id"])
                for page_id in rng.sample(before, 15):
                    writer.update_page(page_id, {"Name": title("edited"), "Tag": {"select": {"name": "b"}}})
        return answer

    hook.request = request_then_write  # type: ignore[method-assign]

    returned = Counter(row["id"] for row in hook.iter_query(database["id"]))

    assert added, "no rows were added during the fetch"
    assert max(returned.values()) == 1  # nothing twice, including the rows added meanwhile
    assert set(before) <= set(returned)  # every row that existed at the start
    assert set(returned) - set(before) <= set(added)


def test_rows_added_and_edited_by_another_thread_during_the_fetch(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.set_query_cap(100)
    before = seed_rows(emu, database["data_source_id"], 2500, per_minute=30)
    done = threading.Event()
    added: list[str] = []
    edits = 0

    def write_until_done() -> None:
        nonlocal edits
        writer = make_hook()
        rng = random.Random(11)
        while not done.is_set():
            page = writer.create_page(
                database["data_source_id"], row_values(20_000 + len(added)), parent_type="data_source_id"
            )
            added.append(page["id"])
            writer.update_page(rng.choice(before), {"Name": title("edited by the thread")})
            edits += 1

    thread = threading.Thread(target=write_until_done)
    thread.start()
    try:
        returned = Counter(row["id"] for row in make_hook().iter_query(database["id"]))
    finally:
        done.set()
        thread.join(timeout=10)

    assert added and edits
    assert max(returned.values()) == 1
    assert set(before) <= set(returned)
    assert set(returned) - set(before) <= set(added)


# ------------------------------------------------------------------ when it cannot continue


def test_more_rows_than_the_cap_in_one_minute_fail_loudly(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.set_query_cap(100)
    minute = datetime.now(UTC) - timedelta(minutes=5)
    seed_rows(emu, database["data_source_id"], 60, per_minute=20, last_minute=minute - timedelta(minutes=10))
    seed_rows(emu, database["data_source_id"], 150, per_minute=150, last_minute=minute, first_index=60)

    with pytest.raises(NotionQueryIncompleteError, match=r"within one minute.*cap") as failure:
        list(make_hook().iter_query(database["id"]))
    assert minute.strftime("%Y-%m-%dT%H:%M") in str(failure.value)


def test_a_sorted_query_keeps_its_order_under_the_cap_and_fails_at_it(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.set_query_cap(100)
    seed_rows(emu, database["data_source_id"], 90, per_minute=10)
    by_count = [{"property": "Count", "direction": "descending"}]

    rows = list(make_hook().iter_query(database["id"], sorts=by_count))
    assert [row["properties"]["Count"]["number"] for row in rows] == list(range(89, -1, -1))

    seed_rows(emu, database["data_source_id"], 20, per_minute=10, first_index=90)
    with pytest.raises(NotionQueryIncompleteError, match="own sorts cannot be continued"):
        make_hook().query_database(database["id"], sorts=by_count, fetch_all=True)


def test_a_sort_that_starts_with_created_time_ascending_is_windowed(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.set_query_cap(100)
    ids = seed_rows(emu, database["data_source_id"], 400, per_minute=30)
    sorts = [
        {"timestamp": "created_time", "direction": "ascending"},
        {"property": "Count", "direction": "descending"},
    ]

    rows = list(make_hook().iter_query(database["id"], sorts=sorts))

    assert sorted(row["id"] for row in rows) == sorted(ids)


def test_bad_arguments_fail_before_any_request(
    emu: NotionEmulator, database: dict[str, Any], make_hook: Callable[..., NotionHook]
) -> None:
    emu.clear_request_log()
    too_deep = {"and": [{"or": [{"and": [{"property": "Count", "number": {"equals": 1}}]}]}]}
    with pytest.raises(ValueError, match="filter"):
        make_hook().iter_query(database["id"], filter=too_deep)
    with pytest.raises(ValueError, match="page_size"):
        make_hook().iter_query(database["id"], page_size=500)
    assert emu.request_log == []


# ------------------------------------------------------------------ the window filter itself


def test_a_top_level_and_takes_the_window_as_one_more_condition() -> None:
    leaf = {"property": "Count", "number": {"equals": 1}}
    nested = {"or": [leaf, leaf]}
    assert and_window({"and": [leaf, nested]}, WINDOW) == {"and": [leaf, nested, WINDOW]}
    assert and_window(leaf, WINDOW) == {"and": [leaf, WINDOW]}
    assert and_window(None, WINDOW) == WINDOW


def test_an_or_is_distributed_and_nested_compounds_are_flattened() -> None:
    a, b, c = ({"property": "Count", "number": {"equals": n}} for n in (1, 2, 3))
    assert and_window({"or": [a, {"and": [b, c]}, {"or": [b, c]}]}, WINDOW) == {
        "or": [
            {"and": [a, WINDOW]},
            {"and": [b, c, WINDOW]},
            {"and": [b, WINDOW]},
            {"and": [c, WINDOW]},
        ]
    }


def test_a_filter_too_deep_for_a_window_is_refused() -> None:
    a = {"property": "Count", "number": {"equals": 1}}
    with pytest.raises(NotionQueryIncompleteError, match="nest compound filters 3 levels"):
        and_window({"or": [{"and": [{"or": [a, a]}, a]}]}, WINDOW)


def test_rows_out_of_created_time_order_stop_the_fetch() -> None:
    pages = iter(
        [
            {
                "results": [
                    {"id": "1", "created_time": "2026-01-01T10:05:00.000Z"},
                    {"id": "2", "created_time": "2026-01-01T10:01:00.000Z"},
                ],
                "has_more": False,
            }
        ]
    )
    with pytest.raises(NotionQueryIncompleteError, match="ascending"):
        list(CompleteQuery(lambda body: next(pages)))


def test_a_window_that_yields_nothing_new_is_not_repeated_forever() -> None:
    capped = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    rows = [{"id": str(n), "created_time": f"2026-01-01T10:0{n}:00.000Z"} for n in range(3)]
    sent: list[dict[str, Any]] = []

    def send(body: dict[str, Any]) -> dict[str, Any]:
        sent.append(body)
        return {
            "results": rows[-1:] if "filter" in body else rows,
            "has_more": False,
            "request_status": capped,
        }

    with pytest.raises(NotionQueryIncompleteError, match="one minute"):
        list(CompleteQuery(send))
    assert len(sent) == 2  # the first query, then one window that could not get past 10:02
