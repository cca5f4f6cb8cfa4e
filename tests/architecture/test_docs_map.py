"""docs/architecture.md maps every module of the package: a module added without a line there fails here, and
so does a line naming a module that no longer exists."""

from __future__ import annotations

import re
from pathlib import Path

import airflow_provider_notion

PACKAGE = Path(airflow_provider_notion.__file__).parent
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def modules() -> set[str]:
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" or path.parent == PACKAGE
    }


def mapped() -> set[str]:
    text = ARCHITECTURE.read_text()
    section = text.split("## Module map", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([\w/]+\.py)`", section))


def test_every_module_is_in_the_architecture_map() -> None:
    assert sorted(modules() - mapped()) == []


def test_the_map_names_no_module_that_does_not_exist() -> None:
    assert sorted(mapped() - modules()) == []
