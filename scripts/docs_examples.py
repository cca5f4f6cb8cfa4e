"""Pull code examples into the Markdown docs from the example DAGs, so the docs never hold a stale copy.

A docs page marks where an example goes:

    <!-- example: example_dags/example_notion_users.py howto_operator_notion_list_users -->
    ```python
    ...
    ```

and the example DAG marks the region with ``# [START howto_operator_notion_list_users]`` and
``# [END howto_operator_notion_list_users]`` (the convention of the official Airflow providers' docs).

    python scripts/docs_examples.py          # rewrite the blocks from the DAGs
    python scripts/docs_examples.py --check  # exit 1 and list the blocks that differ (the tests run this)
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(
    r"(?P<head><!-- example: (?P<path>\S+) (?P<name>\S+) -->\n```python\n)(?P<body>.*?)(?P<tail>```)",
    re.DOTALL,
)


def region(path: Path, name: str) -> str:
    """The dedented lines between ``# [START name]`` and ``# [END name]`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    start = re.search(rf"^[ \t]*# \[START {re.escape(name)}\]\n", text, re.MULTILINE)
    end = re.search(rf"^[ \t]*# \[END {re.escape(name)}\]$", text, re.MULTILINE)
    if not start or not end or end.start() < start.end():
        raise SystemExit(f"{path.relative_to(ROOT)}: no [START {name}] ... [END {name}] region")
    lines = text[start.end() : end.start()].splitlines(keepends=True)
    # Nested regions mark smaller examples inside a larger one; their markers are not part of the example.
    kept = [line for line in lines if not re.match(r"^[ \t]*# \[(START|END) [^\]]+\]$", line)]
    return textwrap.dedent("".join(kept))


def render(markdown: str) -> str:
    def fill(match: re.Match[str]) -> str:
        body = region(ROOT / match["path"], match["name"])
        return match["head"] + body + match["tail"]

    return MARKER.sub(fill, markdown)


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in doc_files():
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            stale.append(str(path.relative_to(ROOT)))
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and stale:
        print("examples out of date (run: python scripts/docs_examples.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
