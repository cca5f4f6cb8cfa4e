"""One rule for flags: ``"yes"``/``"no"``/``"true"``/``1`` mean the same for every flag of every operator, sensor
and transfer, and anything else fails naming the flag (utils/coerce.py).

The flag parameters are found by reading each class's signature (a ``bool`` default or annotation), so a new
operator's flags are covered without editing this test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from airflow.providers.common.compat.sdk import BaseOperator
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError

pytest_plugins = ["notion_emulator.pytest_plugin"]

SOME_ID = "16cabc1e-edcd-8117-a024-fa5446b89751"
#: Airflow's own parameters, not the provider's flags.
AIRFLOW_FLAGS = frozenset({"deferrable"})


def flag_parameters() -> list[tuple[type[BaseOperator], str]]:
    found = []
    for package in ("operators", "sensors", "transfers"):
        root = importlib.import_module(f"airflow_provider_notion.{package}")
        for info in pkgutil.iter_modules(root.__path__):
            module = importlib.import_module(f"{root.__name__}.{info.name}")
            for name, cls in vars(module).items():
                if name.startswith("_") or not inspect.isclass(cls) or cls.__module__ != module.__name__:
                    continue
                if not issubclass(cls, BaseOperator):
                    continue
                seen: set[str] = set()
                for (
                    klass
                ) in cls.__mro__:  # flags a base class takes count too (fetch_all of the list operators)
                    if not klass.__module__.startswith("airflow_provider_notion."):
                        continue  # Airflow's own parameters (soft_fail...) are not the provider's flags
                    for param in inspect.signature(klass.__init__).parameters.values():
                        is_flag = isinstance(param.default, bool) or "bool" in str(param.annotation)
                        if is_flag and param.name not in AIRFLOW_FLAGS and param.name not in seen:
                            seen.add(param.name)
                            found.append((cls, param.name))
    return found


FLAGS = flag_parameters()


def required_arguments(cls: type[BaseOperator], tmp_path: Path) -> dict[str, Any]:
    upload = tmp_path / "a.txt"
    upload.write_text("a")
    known: dict[str, Any] = {
        "block_id": SOME_ID,
        "user_id": SOME_ID,
        "page_id": SOME_ID,
        "database_id": SOME_ID,
        "parent": SOME_ID,
        "title": "t",
        "properties": {"Name": {"title": {}}},
        "url": "/v1/users/me",
        "rows": [],
        "key": "Name",
        "path": str(tmp_path / "out.jsonl") if "Storage" in cls.__name__ else str(upload),
        "sql": "select 1",
        "conn_id": "none",
    }
    wanted = {
        p.name
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is p.KEYWORD_ONLY
    }
    #: Inputs some operators need besides their required parameters before they look at their flags.
    needs: dict[str, dict[str, Any]] = {
        "NotionQuerySensor": {"database_id": SOME_ID},
        "NotionReplacePageContentOperator": {"markdown": "text"},
        "SqlToNotionOperator": {"key": "Name", "database_id": SOME_ID},
    }
    return {name: known[name] for name in wanted} | needs.get(cls.__name__, {})


def run(cls: type[BaseOperator], flag: str, value: Any, tmp_path: Path) -> BaseException | None:
    operator = cls(task_id="t", **required_arguments(cls, tmp_path), **{flag: value})
    if hasattr(operator, "hook"):
        operator.hook.requests_per_second = None
    try:
        operator.execute(mock.MagicMock())
    except BaseException as err:
        return err
    return None


def names_the_flag(error: BaseException | None, flag: str) -> bool:
    return isinstance(error, NotionInputError) and error.field == flag


def test_every_operator_flag_was_found() -> None:
    assert len(FLAGS) >= 15
    assert ("NotionToObjectStorageOperator", "detect_deletes") in {(c.__name__, f) for c, f in FLAGS}


@pytest.mark.parametrize(("cls", "flag"), FLAGS, ids=[f"{c.__name__}.{f}" for c, f in FLAGS])
def test_a_flag_takes_yes_no_true_and_1_and_refuses_anything_else(
    cls: type[BaseOperator], flag: str, notion_emulator_conn: NotionEmulator, tmp_path: Path
) -> None:
    for spelling in ("yes", "no", "true", "FALSE", " 1 ", 1, 0, True):
        error = run(cls, flag, spelling, tmp_path)
        assert not names_the_flag(error, flag), f"{cls.__name__}({flag}={spelling!r}): {error}"
    error = run(cls, flag, "maybe", tmp_path)
    assert names_the_flag(error, flag), f"{cls.__name__}({flag}='maybe') gave {error!r}"
    assert "yes/no" in str(error)  # one message for every flag


def number_parameters() -> list[tuple[type[BaseOperator], str]]:
    """Whole-number parameters (an ``int`` annotation, not a flag) of every operator, sensor and transfer."""
    found = []
    for cls in sorted({cls for cls, _flag in FLAGS} | set(ALL_CLASSES), key=lambda c: c.__name__):
        seen: set[str] = set()
        for klass in cls.__mro__:
            if not klass.__module__.startswith("airflow_provider_notion."):
                continue
            for param in inspect.signature(klass.__init__).parameters.values():
                annotation = str(param.annotation)
                if "int" in annotation.split(" | ") and "bool" not in annotation and param.name not in seen:
                    seen.add(param.name)
                    found.append((cls, param.name))
    return found


ALL_CLASSES = [
    cls
    for package in ("operators", "sensors", "transfers")
    for info in pkgutil.iter_modules(importlib.import_module(f"airflow_provider_notion.{package}").__path__)
    for name, cls in vars(importlib.import_module(f"airflow_provider_notion.{package}.{info.name}")).items()
    if not name.startswith("_")
    and inspect.isclass(cls)
    and issubclass(cls, BaseOperator)
    and cls.__module__.startswith(f"airflow_provider_notion.{package}.")
]
NUMBERS = number_parameters()


@pytest.mark.parametrize(("cls", "param"), NUMBERS, ids=[f"{c.__name__}.{p}" for c, p in NUMBERS])
def test_a_whole_number_is_also_taken_as_text_and_anything_else_is_refused_naming_it(
    cls: type[BaseOperator], param: str, notion_emulator_conn: NotionEmulator, tmp_path: Path
) -> None:
    for spelling in (7, "7", " 7 "):
        error = run(cls, param, spelling, tmp_path)
        assert not names_the_flag(error, param), f"{cls.__name__}({param}={spelling!r}): {error}"
    error = run(cls, param, "seven", tmp_path)
    assert names_the_flag(error, param), f"{cls.__name__}({param}='seven') gave {error!r}"
