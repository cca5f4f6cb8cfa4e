"""Packaging rules that nothing else would catch: pins that drift, an emulator that grows dependencies,
an emulator that creeps back into the provider's wheel, two distributions that stop being released in step."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "airflow_provider_notion"
EMULATOR_PROJECT = ROOT / "emulator"
EMULATOR = EMULATOR_PROJECT / "notion_emulator"


def _pyproject(root: Path = ROOT) -> dict[str, object]:
    with (root / "pyproject.toml").open("rb") as handle:
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


def _group(name: str) -> list[Requirement]:
    """A PEP 735 dependency group (plain requirements only; this project includes no group in another)."""
    groups = _pyproject()["dependency-groups"]
    assert isinstance(groups, dict)
    return [Requirement(text) for text in groups[name]]


def _runtime() -> list[Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    return [Requirement(text) for text in project["dependencies"]]


def test_every_dev_and_runtime_requirement_is_pinned_in_requirements_dev_within_its_range() -> None:
    pins = _pins()
    drift = []
    for requirement in [*_runtime(), *_group("dev")]:
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            drift.append(f"{requirement} (pinned: {pinned})")
    assert not drift, f"requirements-dev.txt does not satisfy pyproject.toml: {drift}"


def test_the_bench_group_is_pinned_in_requirements_bench() -> None:
    pins = {}
    for line in (ROOT / "requirements-bench.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = next(iter(requirement.specifier)).version
    for requirement in _group("bench"):
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned is not None and requirement.specifier.contains(pinned), (
            f"{requirement}: pinned {pinned}"
        )


def test_development_dependencies_are_groups_not_published_extras() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    published = set(project["optional-dependencies"])
    assert not published & {"dev", "bench"}, (
        "development-only dependencies must not be extras users can install"
    )
    assert published == {"testing", "sql", "parquet", "redis"}
    makefile = (ROOT / "Makefile").read_text()
    assert "--group dev" in makefile and "--group bench" in makefile


def _version_of(init: Path) -> str:
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "__version__":
            assert isinstance(node.value, ast.Constant)
            return str(node.value.value)
    raise AssertionError(f"no __version__ in {init}")


def test_the_testing_extra_is_the_emulator_released_in_step_with_its_pytest_plugin() -> None:
    provider_version = _version_of(PACKAGE / "__init__.py")
    assert _version_of(EMULATOR / "__init__.py") == provider_version
    (requirement,) = _extra("testing")
    assert canonicalize_name(requirement.name) == "notion-emulator"
    assert str(requirement.specifier) == f"=={provider_version}"
    assert requirement.extras == {"pytest"}
    emulator_project = _pyproject(EMULATOR_PROJECT)["project"]
    assert isinstance(emulator_project, dict)
    assert emulator_project["dependencies"] == []
    assert emulator_project["optional-dependencies"]["pytest"] == ["pytest"]
    plugin = emulator_project["entry-points"]["pytest11"]
    assert plugin == {"notion_emulator.pytest_plugin": "notion_emulator.pytest_plugin"}
    assert "import pytest" in (EMULATOR / "pytest_plugin.py").read_text()


def test_the_provider_package_no_longer_contains_the_emulator() -> None:
    assert not (PACKAGE / "emulator").exists()
    assert not (PACKAGE / "testing.py").exists()
    package_data = _pyproject()["tool"]["setuptools"]["package-data"]  # type: ignore[index]
    assert all("emulator" not in pattern for pattern in package_data["airflow_provider_notion"])


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
        if path.name == "pytest_plugin.py":  # loaded only by pytest, declared by the [pytest] extra
            continue
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if module.startswith("notion_emulator") or top in sys.stdlib_module_names:
                continue
            foreign.setdefault(str(path.relative_to(ROOT)), []).append(module)
    assert not foreign, f"the emulator must stay standard-library only: {foreign}"


def test_product_code_never_imports_the_emulator() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if any(m.startswith("notion_emulator") for m in _imported_modules(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"product modules import the emulator: {offenders}"
