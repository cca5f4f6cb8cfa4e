"""The emulator's pytest plugin: registered by installing the emulator (entry point ``pytest11``), and still
loadable by name with ``pytest_plugins = ["notion_emulator.pytest_plugin"]`` without registering twice."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TEST = """
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


def test_naming_the_plugin_in_pytest_plugins_as_well_does_not_register_it_twice(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user_dag='pytest_plugins = ["notion_emulator.pytest_plugin"]\n' + USER_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)
