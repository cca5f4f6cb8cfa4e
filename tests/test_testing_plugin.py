"""The pytest plugin users load with ``pytest_plugins = ["airflow_provider_notion.testing"]``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TEST = """
pytest_plugins = ["airflow_provider_notion.testing"]

from airflow_provider_notion.hooks.notion import NotionHook


def test_a_dag_task_against_the_emulator(notion_emulator_conn):
    hook = NotionHook(requests_per_second=None)
    page = hook.create_page(notion_emulator_conn.root_page_id, {"title": "From my test"})
    assert notion_emulator_conn.state.count_pages(title="From my test") == 1
    assert hook.get_page(page["id"])["id"] == page["id"]


def test_state_is_reset_between_tests(notion_emulator):
    assert notion_emulator.state.count_pages(title="From my test") == 0
"""


def test_users_get_a_working_emulator_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user_dag=USER_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)
