"""The official JavaScript SDK (``@notionhq/client``, pinned in js/package.json) against the emulator, on every
Notion-Version. Needs Node.js >= 18 and the SDK installed by ``make js-sdk`` (``npm ci``, part of ``make unit``;
tests themselves reach only loopback): without them the test is skipped and says why. Expected key sets come
from the recorded answers, as for the Python SDK."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator
from sdk_expected import JS_OUTCOMES, V1, expected_keys

JS_DIR = Path(__file__).parent / "js"
KINDS = (
    "bot",
    "database",
    "data_source",
    "query_list",
    "page",
    "property_item_list",
    "paragraph_block",
    "block_list",
    "file_upload_pending",
)


def _node_major(node: str) -> int:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    try:
        return int(out.strip().lstrip("v").split(".")[0])
    except ValueError:
        return 0


@pytest.fixture(scope="session")
def node_sdk() -> str:
    """Path of ``node`` when ``@notionhq/client`` is installed in js/node_modules (``make js-sdk``)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed; the JavaScript SDK check needs node >= 18 and npm")
    if _node_major(node) < 18:
        pytest.skip("Node.js is older than 18; @notionhq/client 5.x needs node >= 18")
    if not (JS_DIR / "node_modules" / "@notionhq" / "client").is_dir():
        # Installed by `make unit` (npm ci against the npm registry), never from a test: tests reach only loopback.
        pytest.skip(
            "@notionhq/client is not installed: run `make js-sdk` (npm ci in emulator/tests/conformance/js)"
        )
    return node


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03", "2026-03-11"])
def test_javascript_sdk_against_the_emulator(node_sdk: str, emu: NotionEmulator, version: str) -> None:
    expected: dict[str, Any] = {}
    for kind in KINDS:
        if kind == "data_source" and version == V1:
            continue
        expected[kind] = sorted(expected_keys(kind, version))
    config = {
        "baseUrl": emu.base_url,
        "token": emu.token,
        "version": version,
        "rootPageId": emu.root_page_id,
        "expected": expected,
    }
    run = subprocess.run(
        [node_sdk, str(JS_DIR / "conformance.mjs")],
        cwd=JS_DIR,
        env={**os.environ, "NOTION_CONFORMANCE": json.dumps(config)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert results, run.stdout[-2000:]
    for result in results:
        JS_OUTCOMES.setdefault(result["endpoint"], {})[version] = "passed" if result["ok"] else "failed"
    failures = [f"{r['endpoint']}: {r.get('error')}" for r in results if not r["ok"]]
    assert not failures, "\n".join(failures)
