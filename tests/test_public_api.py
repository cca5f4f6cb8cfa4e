"""Every name docs/api.md lists as public imports from the module it is listed under."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[1] / "docs" / "api.md"
ROW = re.compile(r"^\| `((?:airflow_provider_notion|notion_emulator)[\w.]*)` \| (.+) \|$")


def listed() -> list[tuple[str, str]]:
    pairs = []
    for line in API.read_text().splitlines():
        if match := ROW.match(line):
            names = re.findall(r"`(\w+)`", match.group(2).split("(")[0])
            pairs += [(match.group(1), name) for name in names]
    return pairs


def test_the_page_lists_the_public_api() -> None:
    modules = {module for module, _ in listed()}
    assert "airflow_provider_notion.hooks.notion" in modules
    assert "airflow_provider_notion.exceptions" in modules
    assert len(listed()) > 40


@pytest.mark.parametrize(("module", "name"), listed())
def test_every_listed_name_imports(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is listed in docs/api.md"
