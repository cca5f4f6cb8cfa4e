"""The distributions as PyPI would get them: an sdist whose tests run, and a wheel whose long description works.

Both are built the way pip builds them (PEP 517 through ``setuptools.build_meta``: the sdist from the project,
then the wheel from the unpacked sdist), from a copy of the project so the working tree gets no build files,
with the development group's setuptools and no build isolation: nothing is downloaded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Markdown links and reference definitions: ``[text](target)`` and ``[label]: target``.
LINK_TARGETS = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
#: What a copy of the project leaves out: local environments, caches and earlier builds.
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "node_modules",
    "__pycache__",
    "*.egg-info",
    ".*_cache",
    "build",
    "dist",
    ".demo",
    ".airflow",
)


def _build(kind: str, project: Path, out: Path) -> Path:
    code = f"import sys\nfrom setuptools import build_meta\nprint(build_meta.build_{kind}(sys.argv[1]))"
    run = subprocess.run(
        [sys.executable, "-c", code, str(out)], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out / run.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the unpacked sdist, the wheel built from it)."""
    work = tmp_path_factory.mktemp("dist")
    project = work / "project"
    shutil.copytree(ROOT, project, ignore=NOT_SOURCES)
    sdist = _build("sdist", project, work)
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "unpacked", filter="data")
    (unpacked,) = (work / "unpacked").iterdir()
    wheel = _build("wheel", unpacked, work)
    return unpacked, wheel


def _metadata(wheel: Path) -> tuple[dict[str, list[str]], str]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = HeaderParser().parsestr(archive.read(name).decode())
    headers: dict[str, list[str]] = {}
    for key, value in message.items():
        headers.setdefault(key, []).append(value)
    return headers, str(message.get_payload())


def test_the_wheel_long_description_has_no_relative_link(built: tuple[Path, Path]) -> None:
    _, wheel = built
    headers, description = _metadata(wheel)
    assert headers["Description-Content-Type"] == ["text/markdown"]
    assert "## Documentation" in description
    targets = [inline or reference for inline, reference in LINK_TARGETS.findall(description)]
    assert len(targets) > 20
    relative = [target for target in targets if not re.match(r"^(https?|mailto):", target)]
    assert not relative, f"links that are dead on PyPI: {relative}"


def test_the_wheel_has_authors_and_no_development_extras(built: tuple[Path, Path]) -> None:
    _, wheel = built
    headers, _ = _metadata(wheel)
    assert headers.get("Author") or headers.get("Author-email")
    assert headers.get("Maintainer") or headers.get("Maintainer-email")
    assert set(headers["Provides-Extra"]) == {"testing", "sql", "parquet", "redis"}
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"airflow_provider_notion"}


def test_the_sdist_is_the_complete_project(built: tuple[Path, Path]) -> None:
    unpacked, _ = built
    for path in (
        "LICENSE",
        "CHANGELOG.md",
        "tests/conftest.py",
        "tests/operators/conftest.py",
        "tests/helpers.py",
        "emulator/tests/emulator_support.py",
        "emulator/notion_emulator/__init__.py",
        "docs/export.md",
        "example_dags/example_notion_etl.py",
        "scripts/docs_examples.py",
    ):
        assert (unpacked / path).is_file(), f"the sdist lacks {path}"
    shipped = {p.relative_to(unpacked).as_posix() for p in (unpacked / "tests").rglob("*.py")}
    tracked = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*.py")}
    assert tracked <= shipped


def test_tests_run_from_the_unpacked_sdist(built: tuple[Path, Path]) -> None:
    unpacked, _ = built
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_docs.py",
            "tests/test_ids.py",
        ],
        cwd=unpacked,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(r"\d+ passed", run.stdout)
