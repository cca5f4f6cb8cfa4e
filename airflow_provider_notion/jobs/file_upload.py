"""Upload a local file or ``ObjectStoragePath`` with Notion's File Upload API, then describe where to attach it.

Files up to :data:`SINGLE_PART_MAX_BYTES` go in one ``send``; larger ones are sent in parts of
:data:`PART_BYTES` (Notion: 5-20 MiB per part, only the last smaller) and completed. The file is read one part
at a time and each part is let go once sent, so memory stays at about two parts (the part and its multipart
encoding, during its send) whatever the file's size; ``tests/operators/test_upload_memory.py`` checks it. Sends are
writes: an ambiguous failure is not retried (the upload is then left pending and expires after an hour; run the
task again).
"""

from __future__ import annotations

import math
import mimetypes
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

MIB = 1024 * 1024
#: Notion accepts single-part uploads up to 20 MB; above 10 MiB we switch to multi-part so that no more than
#: one 10 MiB part is ever held in memory.
SINGLE_PART_MAX_BYTES = 10 * MIB
PART_BYTES = 10 * MIB
MIN_PART_BYTES = 5 * MIB
MAX_PART_BYTES = 20 * MIB
#: Block types a file upload can be attached as.
MEDIA_BLOCK_TYPES = ("file", "image", "pdf", "video", "audio")


def open_source(value: Any, field: str = "path") -> Any:
    """A ``pathlib.Path`` for a local path, an ``ObjectStoragePath`` for a URL; objects with ``open`` pass."""
    if hasattr(value, "open") and hasattr(value, "name") and not isinstance(value, str):
        return value
    if not isinstance(value, str | os.PathLike):
        raise NotionInputError(field, f"expected a local path or an object storage URL, got {value!r}")
    source = resolve_storage_path(value, field)
    if isinstance(source, Path) and not source.is_file():
        raise NotionInputError(field, f"{source} is not a file")
    return source


def size_of(source: Any) -> int:
    return int(source.stat().st_size)


def read_parts(source: Any, part_bytes: int) -> Iterator[bytes]:
    """The file's content in pieces of ``part_bytes`` (the last may be shorter), one at a time."""
    with source.open("rb") as handle:
        while True:
            chunk = handle.read(part_bytes)
            if not chunk:
                return
            yield chunk


def upload_file(
    hook: Any,
    source: Any,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    part_bytes: int = PART_BYTES,
    single_part_max_bytes: int = SINGLE_PART_MAX_BYTES,
) -> dict[str, Any]:
    """Upload ``source`` and return the final file upload object (``status: "uploaded"``)."""
    if not MIN_PART_BYTES <= part_bytes <= MAX_PART_BYTES:
        raise NotionInputError("part_size", f"must be from {MIN_PART_BYTES} to {MAX_PART_BYTES} bytes")
    name = filename or source.name
    if not name:
        raise NotionInputError("filename", "is required when the path has no file name")
    kind = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    size = size_of(source)
    if size == 0:
        raise NotionInputError("path", f"{source} is empty; Notion does not accept empty files")
    if size <= single_part_max_bytes:
        upload = hook.create_file_upload({"mode": "single_part", "filename": name, "content_type": kind})
        (content,) = list(read_parts(source, size))
        return dict(hook.send_file_upload(upload["id"], content, filename=name, content_type=kind))
    parts = math.ceil(size / part_bytes)
    upload = hook.create_file_upload(
        {"mode": "multi_part", "filename": name, "content_type": kind, "number_of_parts": parts}
    )
    sent = 0
    for number, chunk in enumerate(read_parts(source, part_bytes), start=1):
        hook.send_file_upload(upload["id"], chunk, filename=name, content_type=kind, part_number=number)
        sent += 1
        del chunk  # before the next part is read: one part in hand, not two
    if sent != parts:
        raise NotionError(
            f"{source} changed size while it was uploaded ({sent} parts read, {parts} announced)"
        )
    return dict(hook.complete_file_upload(upload["id"]))


def file_upload_ref(upload_id: str) -> dict[str, Any]:
    return {"type": "file_upload", "file_upload": {"id": upload_id}}


def media_block(
    block_type: str, upload_id: str, caption: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A file/image/pdf/video/audio block showing an uploaded file."""
    if block_type not in MEDIA_BLOCK_TYPES:
        raise NotionInputError("attach_as", f"{block_type!r} is not one of {', '.join(MEDIA_BLOCK_TYPES)}")
    body: dict[str, Any] = file_upload_ref(upload_id)
    if caption:
        body["caption"] = caption
    return {"object": "block", "type": block_type, block_type: body}


def files_property_value(upload_id: str, name: str) -> dict[str, Any]:
    """A ``files`` property value holding the upload (Notion replaces a files property's whole list)."""
    return {"files": [{**file_upload_ref(upload_id), "name": name}]}
