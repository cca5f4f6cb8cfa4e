"""Cursors point at a row, not a position: rows inserted or trashed between two pages of a
query, a block-children listing or a search neither make a scan skip a row that existed throughout nor return
one twice. Checked on the raw API and through the hook's ``paginate``/``fetch_all`` and the sensor."""

from __future__ import annotations

import random
from typing import Any
from unittest.mock import MagicMock

import pytest
from emulator_support import Api, make_database, title
from notion_emulator import NotionEmulator
from notion_emulator.request_log import RequestRecord

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.sensors.notion import NotionQuerySensor

ROWS = 120
PAGE_SIZE = 10


class Churn:
    """Between two pages: trash one row already returned and one not yet returned, and insert two rows."""

    def __init__(self, emu: NotionEmulator, ds_id: str, original: list[str], seed: int = 7) -> None:
        self.emu = emu
        self.ds_id = ds_id
        self.original = original
        self.trashed: set[str] = set()
        self.inserted: list[str] = []
        self.random = random.Random(seed)

    def between_pages(self, seen: set[str] | None = None) -> None:
        """Without ``seen`` (the churn runs inside the server), two rows picked at random."""
        alive = [row for row in self.original if row not in self.trashed]
        if seen is None:
            pools = [alive, alive]
        else:
            pools = [[row for row in alive if row in seen], [row for row in alive if row not in seen]]
        for pool in pools:
            candidates = [row for row in pool if row not in self.trashed]
            if candidates:
                victim = self.random.choice(candidates)
                page = self.emu.state.pages[victim]
                self.emu.state.set_page_trashed(page, True, self.emu.default_integration().id)
                self.trashed.add(victim)
        self.inserted += self.emu.add_rows(
            self.ds_id, [{"Name": {"title": title(f"new {len(self.inserted) + i}")}} for i in range(2)]
        )

    def check(self, returned: list[str]) -> None:
        assert len(returned) == len(set(returned)), "a row was returned twice"
        survivors = set(self.original) - self.trashed
        missing = survivors - set(returned)
        assert not missing, f"{len(missing)} rows that existed throughout were skipped"
        assert set(returned) <= set(self.original) | set(self.inserted)
        assert self.trashed, "the churn never trashed anything: the test would prove nothing"


@pytest.fixture
def table(api: Api) -> tuple[str, list[str]]:
    db = make_database(api, api.emulator.root_page_id)
    ds_id = db["data_sources"][0]["id"]
    ids = api.emulator.add_rows(
        ds_id, [{"Name": {"title": title(f"row {i}")}, "Count": {"number": i}} for i in range(ROWS)]
    )
    return ds_id, ids


@pytest.mark.parametrize(
    "sorts",
    [
        None,
        [{"property": "Count", "direction": "descending"}],
        [{"timestamp": "created_time", "direction": "ascending"}],
    ],
)
def test_query_cursor_survives_inserts_and_trashes(
    api: Api, table: tuple[str, list[str]], sorts: list[dict[str, str]] | None
) -> None:
    ds_id, original = table
    churn = Churn(api.emulator, ds_id, original)
    returned: list[str] = []
    body: dict[str, Any] = {"page_size": PAGE_SIZE}
    if sorts:
        body["sorts"] = sorts
    cursor = None
    while True:
        page = api.ok(
            "POST", f"/v1/data_sources/{ds_id}/query", {**body, "start_cursor": cursor} if cursor else body
        )
        returned += [row["id"] for row in page["results"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
        assert cursor not in returned  # the cursor names the next row, not one already returned
        churn.between_pages(set(returned))
    churn.check(returned)


def test_a_cursor_naming_a_row_trashed_since_still_resumes_there(
    api: Api, table: tuple[str, list[str]]
) -> None:
    ds_id, original = table
    sorts = [{"property": "Count", "direction": "ascending"}]
    first = api.ok("POST", f"/v1/data_sources/{ds_id}/query", {"sorts": sorts, "page_size": 10})
    cursor = first["next_cursor"]
    assert cursor == original[10]
    api.ok("PATCH", f"/v1/pages/{cursor}", {"in_trash": True})
    second = api.ok(
        "POST", f"/v1/data_sources/{ds_id}/query", {"sorts": sorts, "page_size": 10, "start_cursor": cursor}
    )
    assert [row["properties"]["Count"]["number"] for row in second["results"]] == list(range(11, 21))


def test_query_cap_still_counts_rows_across_cursors(api: Api, table: tuple[str, list[str]]) -> None:
    ds_id, _ = table
    api.emulator.set_query_cap(25)
    seen = 0
    cursor = None
    while True:
        body: dict[str, Any] = {"page_size": 10, **({"start_cursor": cursor} if cursor else {})}
        page = api.ok("POST", f"/v1/data_sources/{ds_id}/query", body)
        seen += len(page["results"])
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert seen == 25
    assert page["request_status"] == {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    assert page["next_cursor"] is None


def test_block_children_cursor_survives_inserts_and_trashes(api: Api) -> None:
    page_id = api.ok(
        "POST",
        "/v1/pages",
        {"parent": {"page_id": api.emulator.root_page_id}, "properties": {"title": title("Doc")}},
    )["id"]
    original: list[str] = []
    for batch in range(3):
        children = [{"paragraph": {"rich_text": title(f"p{batch}-{i}")}} for i in range(40)]
        original += [
            b["id"]
            for b in api.ok("PATCH", f"/v1/blocks/{page_id}/children", {"children": children})["results"]
        ]
    rng = random.Random(3)
    trashed: set[str] = set()
    returned: list[str] = []
    cursor = None
    while True:
        query = f"?page_size={PAGE_SIZE}" + (f"&start_cursor={cursor}" if cursor else "")
        page = api.ok("GET", f"/v1/blocks/{page_id}/children{query}")
        returned += [b["id"] for b in page["results"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
        for pool in (
            [b for b in original if b in returned],
            [b for b in original if b not in returned and b != cursor],
        ):
            victim = rng.choice([b for b in pool if b not in trashed])
            api.ok("DELETE", f"/v1/blocks/{victim}")
            trashed.add(victim)
        if len(returned) % 30 == 0:  # now and then a block inserted before the cursor's position
            api.ok(
                "PATCH",
                f"/v1/blocks/{page_id}/children",
                {"children": [{"paragraph": {"rich_text": title("new")}}], "position": {"type": "start"}},
            )
    assert len(returned) == len(set(returned))
    assert not (set(original) - trashed) - set(returned)


def test_search_cursor_survives_trashes(api: Api) -> None:
    parent = api.emulator.root_page_id
    pages = [api.emulator.add_page(parent_id=parent, title=f"Report {i:03d}")["id"] for i in range(45)]
    rng = random.Random(5)
    trashed: set[str] = set()
    returned: list[str] = []
    body: dict[str, Any] = {
        "query": "Report",
        "page_size": 10,
        "filter": {"property": "object", "value": "page"},
    }
    cursor = None
    while True:
        page = api.ok("POST", "/v1/search", {**body, "start_cursor": cursor} if cursor else body)
        returned += [p["id"] for p in page["results"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
        victim = rng.choice([p for p in pages if p in returned and p not in trashed])
        # Trashing from the API would also edit the page (and move it in a last-edited ordering); trash quietly.
        api.emulator.state.pages[victim].in_trash = True
        trashed.add(victim)
    assert len(returned) == len(set(returned))
    assert not (set(pages) - trashed) - set(returned)


# ---------------------------------------------------------------------- through the hook and the sensor


@pytest.fixture
def hook(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionHook:
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", emu.airflow_conn_json)
    return NotionHook(requests_per_second=None)


def _churn_after_each_query(emu: NotionEmulator, churn: Churn) -> None:
    """Another writer at work: after every query the emulator answers (before the answer reaches the client),
    two rows are trashed and two inserted."""

    def listener(record: RequestRecord) -> None:
        if record.path.endswith("/query") and record.status == 200:
            churn.between_pages()

    emu.add_request_listener(listener)


def test_hook_iter_pages_returns_every_surviving_row_once(
    emu: NotionEmulator, table: tuple[str, list[str]], hook: NotionHook
) -> None:
    ds_id, original = table
    churn = Churn(emu, ds_id, original, seed=11)
    returned: list[str] = []
    # Page by page through the public generator, churning with knowledge of what was returned.
    for page in hook.iter_pages("POST", f"/v1/data_sources/{ds_id}/query", page_size=PAGE_SIZE):
        returned += [row["id"] for row in page["results"]]
        churn.between_pages(set(returned))
    churn.check(returned)


def test_hook_paginate_under_a_concurrent_writer(
    emu: NotionEmulator, table: tuple[str, list[str]], hook: NotionHook
) -> None:
    ds_id, original = table
    churn = Churn(emu, ds_id, original, seed=19)
    _churn_after_each_query(emu, churn)
    rows = list(hook.paginate("POST", f"/v1/data_sources/{ds_id}/query", page_size=PAGE_SIZE))
    churn.check([row["id"] for row in rows])


def test_hook_fetch_all_returns_every_surviving_row_once(
    emu: NotionEmulator, table: tuple[str, list[str]], hook: NotionHook
) -> None:
    ds_id, original = table
    churn = Churn(emu, ds_id, original, seed=13)
    _churn_after_each_query(emu, churn)
    result = hook.query_data_source(ds_id, page_size=PAGE_SIZE, fetch_all=True)
    churn.check([row["id"] for row in result["results"]])


def test_sensor_fetch_all_returns_every_surviving_row_once(
    emu: NotionEmulator, table: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", emu.airflow_conn_json)
    ds_id, original = table
    original += emu.add_rows(ds_id, [{"Name": {"title": title(f"more {i}")}} for i in range(200)])
    churn = Churn(emu, ds_id, original, seed=17)
    sensor = NotionQuerySensor(task_id="rows", data_source_id=ds_id, min_results=0, fetch_all=True)
    sensor.hook.requests_per_second = None
    _churn_after_each_query(emu, churn)
    result = sensor.poke({"ti": MagicMock()})
    assert result.is_done
    assert result.xcom_value is not None
    churn.check([row["id"] for row in result.xcom_value["results"]])


def test_file_upload_list_cursor_survives_new_uploads(api: Api) -> None:
    emu = api.emulator
    original = [emu.add_file_upload(filename=f"f{i}.txt").id for i in range(30)]
    returned: list[str] = []
    cursor = None
    while True:
        query = "?page_size=10" + (f"&start_cursor={cursor}" if cursor else "")
        page = api.ok("GET", f"/v1/file_uploads{query}")
        returned += [upload["id"] for upload in page["results"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
        for i in range(3):  # newest first: these go before everything already listed
            emu.add_file_upload(filename=f"new{i}.txt")
    assert len(returned) == len(set(returned))
    assert set(original) <= set(returned)
