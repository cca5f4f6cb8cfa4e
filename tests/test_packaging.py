"""Packaging rules that nothing else would catch: pins that drift, an emulator that grows dependencies."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "airflow_provider_notion"
EMULATOR = PACKAGE / "emulator"


def _pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def _extra(name: str) -> list[Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    return [Requirement(text) for text in project["optional-dependencies"][name]]


def _runtime() -> list[Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    return [Requirement(text) for text in project["dependencies"]]


def test_every_dev_and_runtime_requirement_is_pinned_in_requirements_dev_within_its_range() -> None:
    pins = _pins()
    drift = []
    for requirement in [*_runtime(), *_extra("dev"), *_extra("testing")]:
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            drift.append(f"{requirement} (pinned: {pinned})")
    assert not drift, f"requirements-dev.txt does not satisfy pyproject.toml: {drift}"


def test_the_testing_extra_declares_pytest_which_the_plugin_imports() -> None:
    source = (PACKAGE / "testing.py").read_text()
    assert "import pytest" in source
    assert "pytest" in {canonicalize_name(r.name) for r in _extra("testing")}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_emulator_imports_only_the_standard_library_and_itself() -> None:
    foreign = {}
    for path in EMULATOR.rglob("*.py"):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if module.startswith("airflow_provider_notion.emulator") or top in sys.stdlib_module_names:
                continue
            foreign.setdefault(str(path.relative_to(ROOT)), []).append(module)
    assert not foreign, f"the emulator must stay standard-library only: {foreign}"


def test_product_code_never_imports_the_emulator() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if EMULATOR in path.parents or path.name == "testing.py":
            continue
        if any(m.startswith("airflow_provider_notion.emulator") for m in _imported_modules(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"product modules import the emulator: {offenders}"
