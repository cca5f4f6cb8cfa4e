"""The docs stay true to the code: Python examples parse, links resolve, pulled examples are current.

The README is also the long description on PyPI, where a relative link leads nowhere: its links into this
repository are absolute GitHub links (reference-style, defined at its end), checked here against the files.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
#: ``[label]: target`` at the start of a line: a reference-style link definition.
REFERENCE = re.compile(r"^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
#: Where this repository's files are on GitHub (``[project.urls]`` in pyproject.toml).
REPOSITORY = re.compile(
    r"^https://github\.com/airflow-notion-provider/airflow-notion-provider/(?:blob|tree)/main/(.*)$"
)


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL | re.MULTILINE)
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def test_the_readme_is_an_entry_point_not_a_docs_site() -> None:
    assert (ROOT / "README.md").stat().st_size <= 16_000


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_every_python_block_parses(path: Path) -> None:
    for number, block in enumerate(PYTHON_BLOCK.findall(path.read_text(encoding="utf-8")), start=1):
        try:
            ast.parse(block)
        except SyntaxError as error:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{path.name}: python block {number} does not parse: {error}")


def _links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [*LINK.findall(text), *REFERENCE.findall(text)]


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_every_link_into_the_repository_resolves(path: Path) -> None:
    broken = []
    for target in _links(path):
        in_repository = REPOSITORY.match(target)
        if in_repository:
            file_part, _, anchor = in_repository.group(1).partition("#")
            linked = ROOT / file_part
        elif re.match(r"^[a-z]+:", target):
            continue
        else:
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in _anchors(linked)):
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)}: broken links {broken}"


def test_the_readme_has_no_relative_link_since_it_is_the_long_description_on_pypi() -> None:
    relative = [target for target in _links(ROOT / "README.md") if not re.match(r"^[a-z]+:", target)]
    assert not relative, f"README.md: relative links are dead on PyPI, make them absolute: {relative}"


def test_examples_in_the_docs_are_pulled_from_the_example_dags_and_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs_examples.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
