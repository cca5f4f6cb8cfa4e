"""Where a file path given to an operator points: the local disk or object storage.

One rule for every path input (outputs, exports, uploads, row sources): a string with ``://`` is an Airflow
``ObjectStoragePath`` (``s3://…``, ``gs://…``, ``file://…``), anything else a local ``pathlib.Path``; objects that
can already be opened (a ``Path``, an ``ObjectStoragePath``) pass through.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError


def resolve_storage_path(value: Any, field: str) -> Any:
    """A ``pathlib.Path`` for a local path, an ``ObjectStoragePath`` for a URL; objects with ``open`` pass."""
    if hasattr(value, "open") and not isinstance(value, str):
        return value
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise NotionInputError(field, f"expected a local path or an object storage URL, got {value!r}")
    text = os.fspath(value).strip()
    if "://" in text:
        from airflow.providers.common.compat.sdk import ObjectStoragePath

        return ObjectStoragePath(text)
    return Path(text)
