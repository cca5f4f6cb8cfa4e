"""Write operator results to a file instead of XCom: JSON Lines for lists, raw bytes for a response body.

``output_path`` is a local path or anything Airflow's ``ObjectStoragePath`` understands (``s3://…``,
``file://…``); rows are written as they arrive, so a large ``fetch_all`` never sits in memory. Files are written
atomically (:mod:`airflow_provider_notion.utils.atomic_files`): the previous file stays complete until the new one is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from airflow_provider_notion.utils.atomic_files import atomic_open, atomic_write_bytes


def write_json_lines(path: Any, pages: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Write each page's ``results`` as one JSON object per line; return ``{"path", "count"}``."""
    count = 0
    with atomic_open(path, "w") as handle:
        for page in pages:
            for row in page.get("results", []):
                handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
                count += 1
            # Each page is on disk (in the temporary beside the target) before the next is fetched.
            handle.flush()
    return {"path": str(path), "count": count}


def write_bytes(path: Any, data: bytes) -> dict[str, Any]:
    """Write a response body; return ``{"path", "bytes"}``."""
    atomic_write_bytes(path, data)
    return {"path": str(path), "bytes": len(data)}
