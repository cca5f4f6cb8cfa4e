"""The operators live in one module per resource; the old path keeps working for every operator it held."""

from __future__ import annotations

import importlib
import inspect

import pytest

from airflow_provider_notion.get_provider_info import get_provider_info
from airflow_provider_notion.operators.base import NotionBaseOperator

# Every name ``operators/notion.py`` defined before the split (0.2.x), written out so a rename fails here.
OPERATORS_OF_0_2 = {
    "NotionBaseOperator": "base",
    "NotionGetCurrentUserOperator": "users",
    "NotionGetUserOperator": "users",
    "NotionListUsersOperator": "users",
    "NotionGetPageOperator": "pages",
    "NotionCreatePageOperator": "pages",
    "NotionGetDatabaseOperator": "databases",
    "NotionCreateDatabaseOperator": "databases",
    "NotionCreateDatabaseItemOperator": "databases",
    "NotionQueryDatabaseOperator": "databases",
    "NotionListDatabasesOperator": "search",
    "NotionListPagesOperator": "search",
    "NotionRawRequestOperator": "raw_request",
}


BASES = {"NotionBaseOperator", "NotionLinkedOperator", "NotionListOperator"}


@pytest.mark.parametrize("name", sorted(OPERATORS_OF_0_2))
def test_the_old_path_imports_the_same_class_as_its_resource_module(name: str) -> None:
    old = importlib.import_module("airflow_provider_notion.operators.notion")
    new = importlib.import_module(f"airflow_provider_notion.operators.{OPERATORS_OF_0_2[name]}")
    assert getattr(old, name) is getattr(new, name)
    assert issubclass(getattr(old, name), NotionBaseOperator)


def test_the_old_path_exports_exactly_the_operators_of_0_2() -> None:
    old = importlib.import_module("airflow_provider_notion.operators.notion")
    assert set(old.__all__) == set(OPERATORS_OF_0_2)


def test_provider_info_lists_every_module_that_defines_an_operator() -> None:
    """Airflow's provider registry finds every concrete operator in the listed modules, none twice."""
    modules = [m for entry in get_provider_info()["operators"] for m in entry["python-modules"]]
    defined: list[str] = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        defined += [
            name
            for name, obj in vars(module).items()
            if inspect.isclass(obj)
            and issubclass(obj, NotionBaseOperator)
            and obj.__module__ == module_name
            and name not in BASES
        ]
    assert len(defined) == len(set(defined))
    concrete = {name for name in OPERATORS_OF_0_2 if name != "NotionBaseOperator"}
    assert concrete <= set(defined)
