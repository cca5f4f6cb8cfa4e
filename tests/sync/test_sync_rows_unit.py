"""sync_rows against requests-mock: request budget, checks before any write, dry run, failures."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionInputError, NotionMultipleDataSourcesError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync import NotionSyncError
from airflow_provider_notion.jobs.sync.engine import sync_rows

API = "https://api.notion.com/v1"
DB = "1429989f-e8ac-4eff-bc8f-57f56486db54"
DS = "2429989f-e8ac-4eff-bc8f-57f56486db54"
SCHEMA = {
    "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
    "Score": {"id": "a%3Ab", "name": "Score", "type": "number", "number": {}},
    "Owner": {"id": "own", "name": "Owner", "type": "people", "people": {}},
}
_ids = itertools.count(1)


def page_id() -> str:
    return f"00000000-0000-4000-8000-{next(_ids):012d}"


def existing(name: str, score: float | None) -> dict[str, Any]:
    return {
        "object": "page",
        "id": page_id(),
        "created_time": "2026-01-01T00:00:00.000Z",
        "properties": {
            "Name": {"id": "title", "type": "title", "title": [{"type": "text", "plain_text": name}]},
            "Score": {"id": "a%3Ab", "type": "number", "number": score},
        },
    }


class FakeNotion:
    """Just enough of Notion (2026-03-11) for a sync: schema, paged query, creates and updates."""

    def __init__(self, mocker: rm.Mocker, rows: list[dict[str, Any]], *, sources: int = 1) -> None:
        self.rows = rows
        mocker.get(
            f"{API}/databases/{DB}",
            json={"object": "database", "id": DB, "data_sources": [{"id": DS, "name": "s"}] * sources},
        )
        mocker.get(f"{API}/data_sources/{DS}", json={"object": "data_source", "id": DS, "properties": SCHEMA})
        mocker.post(f"{API}/data_sources/{DS}/query", json=self.query)
        mocker.get(f"{API}/users", json={"object": "list", "results": [
            {"object": "user", "id": "9a3b5ae0-c6e6-482d-b0e1-ed315ee6dc57", "type": "person",
             "person": {"email": "ada@example.com"}}], "has_more": False, "next_cursor": None})  # fmt: skip
        self.creates = mocker.post(f"{API}/pages", json=lambda r, c: {"object": "page", "id": page_id()})
        self.updates = mocker.patch(
            rm.ANY, json=lambda r, c: {"object": "page", "id": r.path.rsplit("/", 1)[-1]}
        )

    def query(self, request: Any, context: Any) -> dict[str, Any]:
        body = request.json()
        start = int(body.get("start_cursor") or 0)
        size = body["page_size"]
        chunk = self.rows[start : start + size]
        more = start + size < len(self.rows)
        return {
            "object": "list",
            "results": chunk,
            "has_more": more,
            "next_cursor": str(start + size) if more else None,
        }


@pytest.fixture
def hook(notion_conn: Any, monkeypatch: pytest.MonkeyPatch) -> NotionHook:
    notion_conn(extra={"notion_version": "2026-03-11"})
    return NotionHook(requests_per_second=None)


def writes(mocker: rm.Mocker) -> list[Any]:
    return [r for r in mocker.request_history if r.method == "PATCH" or r.path == "/v1/pages"]


def test_request_budget_schema_reads_plus_pages_plus_writes(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    rows = [existing(f"r{i}", i) for i in range(250)]
    FakeNotion(requests_mock, rows)
    source = [{"Name": f"r{i}", "Score": i} for i in range(250)]
    source[5]["Score"] = 5.5
    source.append({"Name": "new", "Score": 1})
    result = sync_rows(hook, source, key="Name", database_id=DB)
    assert (result["created"], result["updated"], result["unchanged"], result["trashed"]) == (1, 1, 249, 0)
    assert result["requests"] == requests_mock.call_count == 2 + 3 + 2  # schema, ceil(250/100), writes
    update = next(r for r in requests_mock.request_history if r.method == "PATCH")
    assert update.json() == {"properties": {"Score": {"number": 5.5}}}  # only what changed
    query = next(r for r in requests_mock.request_history if r.path.endswith("/query"))
    # only the key and the synced columns are read, by property id as Notion gave it
    assert sorted(query.qs["filter_properties"]) == ["a%3ab", "title"]


def test_unchanged_rerun_reads_and_writes_nothing(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [existing("a", 1.0), existing("b", None)])
    result = sync_rows(
        hook, [{"Name": "a", "Score": 1}, {"Name": "b", "Score": None}], key="Name", database_id=DB
    )
    assert result["unchanged"] == 2 and result["requests"] == 3
    assert writes(requests_mock) == []


def test_data_source_id_needs_a_single_schema_read(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [])
    result = sync_rows(hook, [{"Name": "a"}], key="Name", data_source_id=DS)
    assert result["requests"] == 3 and result["created"] == 1
    assert requests_mock.request_history[-1].json()["parent"] == {
        "type": "data_source_id",
        "data_source_id": DS,
    }


@pytest.mark.parametrize(
    ("rows", "kwargs", "error", "match"),
    [
        (
            [{"Name": "a"}, {"Name": "a"}, {"Name": "b"}, {"Name": "b"}],
            {},
            NotionSyncError,
            "2 keys .*'a', 'b'",
        ),
        ([{"Name": "a", "Colour": "red"}], {}, NotionInputError, "'Colour' are not properties"),
        ([{"Name": "a", "Score": "many"}], {}, NotionInputError, r"rows\[Name='a'\]\.Score"),
        ([{"Score": 1}], {}, NotionInputError, r"rows\[0\].*key column 'Name'"),
        (
            [{"Name": "a", "Owner": ["x"]}],
            {"key": "Owner"},
            NotionInputError,
            "people property cannot identify",
        ),
        ([{"Name": "x"}], {"delete_missing": True}, NotionSyncError, "max_delete_fraction"),
    ],
)
def test_errors_come_before_any_write(
    hook: NotionHook, requests_mock: rm.Mocker, rows: Any, kwargs: Any, error: type[Exception], match: str
) -> None:
    FakeNotion(requests_mock, [existing("a", 1), existing("b", 2)])
    with pytest.raises(error, match=match):
        sync_rows(hook, rows, **{"key": "Name", "database_id": DB, **kwargs})
    assert writes(requests_mock) == []


def test_duplicate_keys_in_notion_fail_before_writes(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [existing("a", 1), existing("a", 2)])
    with pytest.raises(NotionSyncError, match="used by more than one row of the database: 'a'"):
        sync_rows(hook, [{"Name": "b"}], key="Name", database_id=DB)
    assert writes(requests_mock) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key": ""}, "key"),
        ({"max_delete_fraction": 1.5}, "max_delete_fraction"),
        ({"max_workers": 0}, "max_workers"),
        ({"database_id": None}, "database_id"),
        ({"data_source_id": DS}, "database_id"),  # both given
    ],
)
def test_bad_arguments_send_nothing(
    hook: NotionHook, requests_mock: rm.Mocker, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(NotionInputError, match=f"Invalid {field}"):
        sync_rows(hook, [{"Name": "a"}], **{"key": "Name", "database_id": DB, **kwargs})
    assert requests_mock.call_count == 0


def test_several_data_sources_need_data_source_id(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [], sources=2)
    with pytest.raises(NotionMultipleDataSourcesError):
        sync_rows(hook, [{"Name": "a"}], key="Name", database_id=DB)


def test_add_missing_properties_updates_the_schema_once(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [])
    grown = {**SCHEMA, "Seen": {"id": "seen", "name": "Seen", "type": "date", "date": {}}}
    schema_update = requests_mock.patch(f"{API}/data_sources/{DS}", json={"id": DS, "properties": grown})
    result = sync_rows(
        hook,
        [{"Name": "a", "Seen": None}, {"Name": "b", "Seen": "2026-01-02"}],
        key="Name",
        database_id=DB,
        add_missing_properties=True,
    )
    assert schema_update.call_count == 1
    assert schema_update.last_request.json() == {"properties": {"Seen": {"date": {}}}}
    assert result["added_properties"] == {"Seen": "date"} and result["created"] == 2


def test_people_by_email_cost_one_users_listing(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [])
    result = sync_rows(
        hook,
        [{"Name": "a", "Owner": ["ada@example.com"]}, {"Name": "b", "Owner": "Ada@Example.com"}],
        key="Name",
        database_id=DB,
    )
    assert [r.path for r in requests_mock.request_history].count("/v1/users") == 1
    assert result["requests"] == 2 + 1 + 1 + 2
    assert requests_mock.request_history[-1].json()["properties"]["Owner"] == {
        "people": [{"object": "user", "id": "9a3b5ae0-c6e6-482d-b0e1-ed315ee6dc57"}]
    }


def test_dry_run_plans_without_writing(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    FakeNotion(requests_mock, [existing("a", 1), existing("gone", 2), existing("b", 3)])
    result = sync_rows(
        hook,
        [{"Name": "a", "Score": 2}, {"Name": "b", "Score": 3}, {"Name": "c"}],
        key="Name",
        database_id=DB,
        delete_missing=True,
        dry_run=True,
        sample_size=2,
    )
    assert (result["created"], result["updated"], result["unchanged"], result["trashed"]) == (1, 1, 1, 1)
    assert result["dry_run"] is True and len(result["sample"]) == 2
    assert result["sample"][0] == {"action": "create", "key": "c", "properties": ["Name"]}
    assert writes(requests_mock) == []


def test_trash_uses_the_versions_field_and_ids_are_bounded(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    FakeNotion(requests_mock, [existing("keep", 1), existing("x", 1), existing("y", 1)])
    result = sync_rows(
        hook,
        [{"Name": "keep"}, *({"Name": f"n{i}"} for i in range(5))],
        key="Name",
        database_id=DB,
        delete_missing=True,
        max_delete_fraction=1,
        max_ids=3,
    )
    trashes = [r.json() for r in requests_mock.request_history if r.method == "PATCH"]
    assert trashes == [{"in_trash": True}] * 2
    assert result["created"] == 5 and len(result["created_ids"]) == 3 and result["ids_truncated"] is True
    assert len(result["trashed_ids"]) == 2


def test_a_write_with_unknown_outcome_stops_the_sync_and_is_not_retried(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    FakeNotion(requests_mock, [])
    requests_mock.post(
        f"{API}/pages", status_code=502, json={"object": "error", "status": 502, "code": "bad_gateway"}
    )
    with pytest.raises(
        NotionSyncError, match="may or may not have been applied.*Run the sync again"
    ) as caught:
        sync_rows(hook, [{"Name": f"r{i}"} for i in range(20)], key="Name", database_id=DB, max_workers=1)
    creates = [r for r in requests_mock.request_history if r.path == "/v1/pages"]
    assert len(creates) == 1  # neither retried nor followed by more writes
    assert caught.value.result["created"] == 0


def test_progress_is_logged_with_counts_and_eta(
    hook: NotionHook, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    FakeNotion(requests_mock, [])
    ticks = itertools.count(0, 11)  # every clock reading is 11 s after the previous one
    with caplog.at_level(logging.INFO, logger="airflow_provider_notion.jobs.sync.engine"):
        sync_rows(hook,
            [{"Name": f"r{i}"} for i in range(30)], key="Name", database_id=DB, max_workers=1,
            clock=lambda: float(next(ticks)),
        )  # fmt: skip
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Sync progress")]
    assert progress, caplog.text
    assert "/30 writes (created" in progress[0] and "ETA" in progress[0]


def test_rows_as_notion_values_and_json_unsafe_numbers(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    from decimal import Decimal

    FakeNotion(requests_mock, [])
    sync_rows(
        hook,
        [{"Name": {"title": [{"type": "text", "text": {"content": "n"}}]}, "Score": Decimal("2.50")}],
        key="Name",
        database_id=DB,
    )
    body = json.loads(requests_mock.request_history[-1].body)
    assert body["properties"]["Score"] == {"number": 2.5}


def test_pool_size_follows_the_pacing_rate() -> None:
    from airflow_provider_notion.jobs.sync.engine import SyncOptions, pool_size

    assert pool_size(SyncOptions(key="k"), 2.85) == 3  # Notion's pace: 3 writes of up to 1 s in flight
    assert pool_size(SyncOptions(key="k"), 0.5) == 2
    assert pool_size(SyncOptions(key="k"), 19) == 8  # capped by the hook's connection pool
    assert pool_size(SyncOptions(key="k"), None) == 4
    assert pool_size(SyncOptions(key="k", max_workers=1), 19) == 1
