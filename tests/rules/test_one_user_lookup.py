"""Users by e-mail have one home (rules/users.py + jobs/users.py): a comment mention, a page update's people
value and a sync row's people column resolve the same address to the same user, compared trimmed and
case-insensitively, and an unknown address is the same error, raised before anything is written. Real HTTP to
the emulator on loopback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync.engine import sync_rows
from airflow_provider_notion.operators.comments import NotionCreateCommentOperator
from airflow_provider_notion.operators.pages import NotionUpdatePageOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {"Name": {"title": {}}, "Owner": {"people": {}}}


class RecordingTaskInstance:
    def __init__(self) -> None:
        self.pushed: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.pushed[key] = value


def entry_points(emu: NotionEmulator, email: str) -> dict[str, Callable[[], str]]:
    """Each public way to name a person by e-mail; each returns the user id it resolved (a mention has no
    room for spaces, so it gets the address trimmed)."""
    db = emu.add_database(parent_id=emu.root_page_id, title="Owners", properties=SCHEMA)
    (row,) = emu.add_rows(db["data_source_id"], [{"Name": {"title": [{"text": {"content": "row"}}]}}])

    def comment() -> str:
        result = NotionCreateCommentOperator(
            task_id="c", page_id=row, text=f"for <@{email.strip()}>"
        ).execute({"ti": RecordingTaskInstance()})
        return str(next(i for i in result["rich_text"] if i["type"] == "mention")["mention"]["user"]["id"])

    def update() -> str:
        page = NotionUpdatePageOperator(task_id="u", page_id=row, properties={"Owner": [email]}).execute(
            {"ti": RecordingTaskInstance()}
        )
        return str(page["properties"]["Owner"]["people"][0]["id"])

    def sync() -> str:
        hook = NotionHook(requests_per_second=None)
        sync_rows(hook, [{"Name": "synced", "Owner": email}], key="Name", database_id=db["id"])
        synced = hook.query_database(db["id"], filter={"property": "Name", "title": {"equals": "synced"}})
        return str(synced["results"][0]["properties"]["Owner"]["people"][0]["id"])

    return {"comment": comment, "update page": update, "sync": sync}


@pytest.mark.parametrize("written", ["ada@example.com", "ADA@Example.COM", " Ada@example.com "])
def test_every_entry_point_finds_the_same_person(notion_emulator_conn: NotionEmulator, written: str) -> None:
    emu = notion_emulator_conn
    ada = emu.state.add_person("Ada", "Ada@Example.com")
    emu.state.add_person("Bob", "bob@example.com")
    for name, call in entry_points(emu, written).items():
        assert call() == ada["id"], name


def test_an_unknown_address_is_the_same_error_everywhere_and_nothing_is_written(
    notion_emulator_conn: NotionEmulator,
) -> None:
    emu = notion_emulator_conn
    emu.state.add_person("Ada", "ada@example.com")
    problems: set[str] = set()
    for name, call in entry_points(emu, "nobody@example.com").items():
        emu.clear_request_log()
        with pytest.raises(NotionInputError, match="nobody@example.com") as raised:
            call()
        assert [
            r for r in emu.request_log if r.method in ("POST", "PATCH") and "/query" not in r.path
        ] == [], name
        problems.add(raised.value.problem)
    assert len(problems) == 1, problems
    assert "read user information including email addresses" in problems.pop()


def test_the_people_are_listed_once_per_call_and_only_when_an_address_is_named(
    notion_emulator_conn: NotionEmulator,
) -> None:
    emu = notion_emulator_conn
    emu.state.add_person("Ada", "ada@example.com")
    calls: dict[str, Any] = entry_points(emu, "ada@example.com")
    for name, call in calls.items():
        emu.clear_request_log()
        call()
        assert sum(r.path.startswith("/v1/users") for r in emu.request_log) == 1, name
