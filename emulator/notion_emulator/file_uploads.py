"""File uploads: records, the rules of their life cycle, and their response shape per API version.

A file upload belongs to the integration that created it (others get 404) and lives one hour while
``pending``. Single-part uploads become ``uploaded`` on their one ``send``; multi-part uploads collect numbered
parts and become ``uploaded`` on ``complete``; ``external_url`` uploads are imported by Notion in the
background, which the emulator stands for by finishing the import on the first retrieve (it never fetches the
URL: no network). Shapes follow the recorded responses (``test_file_uploads_*`` cassettes).
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from notion_emulator.errors import EmulatorValidationError
from notion_emulator.util import drops_archived, is_v1, iso_minute, new_id, utcnow

MODES = ("single_part", "multi_part", "external_url")
STATUSES = ("pending", "uploaded", "expired", "failed")
LIFETIME = timedelta(hours=1)
# Notion's own per-request bounds, independent of the workspace's per-file limit.
MAX_SINGLE_PART_BYTES = 20 * 1024 * 1024
MIN_PART_BYTES = 5 * 1024 * 1024
MAX_PART_BYTES = 20 * 1024 * 1024
MAX_PARTS = 1_000
MAX_FILENAME_CHARS = 900


@dataclass
class FileUploadRecord:
    id: str
    integration_id: str
    mode: str
    filename: str | None
    content_type: str | None
    created: datetime
    last_edited: datetime
    expires_at: datetime
    status: str = "pending"
    content_length: int | None = None
    number_of_parts: int | None = None
    # part number -> bytes; single-part uploads store their file as part 1.
    parts: dict[int, bytes] = field(default_factory=dict, repr=False)
    external_url: str | None = None
    imported: datetime | None = None
    # Set once the upload is attached to a block, a files property, an icon or a cover (``attachments``).
    attached: bool = False

    @property
    def data(self) -> bytes:
        """The uploaded bytes (parts joined in order); empty until something was sent."""
        return b"".join(self.parts[number] for number in sorted(self.parts))


class FileUploadStore:
    """All file uploads of one emulator state; every method takes the store's lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._uploads: dict[str, FileUploadRecord] = {}

    # ------------------------------------------------------------------ create
    def create(
        self,
        integration_id: str,
        *,
        mode: str = "single_part",
        filename: str | None = None,
        content_type: str | None = None,
        number_of_parts: int | None = None,
        external_url: str | None = None,
        status: str = "pending",
        created: datetime | None = None,
    ) -> FileUploadRecord:
        """Direct creation without validation (seeding, tests); HTTP requests go through ``validate_create``."""
        moment = created or utcnow()
        record = FileUploadRecord(
            id=new_id(),
            integration_id=integration_id,
            mode=mode,
            filename=filename,
            content_type=content_type or _guess_type(filename),
            created=moment,
            last_edited=moment,
            expires_at=moment + LIFETIME,
            status=status,
            number_of_parts=number_of_parts,
            external_url=external_url,
        )
        with self._lock:
            self._uploads[record.id] = record
        return record

    # ------------------------------------------------------------------ read
    def get(self, upload_id: str, integration_id: str) -> FileUploadRecord | None:
        with self._lock:
            record = self._uploads.get(upload_id)
            if record is None or record.integration_id != integration_id:
                return None
            self._refresh(record)
            return record

    def list_for(self, integration_id: str, status: str | None = None) -> list[FileUploadRecord]:
        """Newest first, as Notion lists them."""
        with self._lock:
            mine = [u for u in self._uploads.values() if u.integration_id == integration_id]
            for record in mine:
                self._refresh(record)
            mine.sort(key=lambda u: u.created, reverse=True)
            return [u for u in mine if status is None or u.status == status]

    def find(self, upload_id: str) -> FileUploadRecord | None:
        """Any integration's upload (the download links of attached files are not tied to a token)."""
        with self._lock:
            return self._uploads.get(upload_id)

    def mark_attached(self, record: FileUploadRecord) -> None:
        """Attached uploads stay ``uploaded`` and lose their ``expiry_time`` (Notion's file upload reference)."""
        with self._lock:
            if not record.attached:
                record.attached = True
                record.last_edited = utcnow()

    def all(self) -> list[FileUploadRecord]:
        with self._lock:
            return list(self._uploads.values())

    def _refresh(self, record: FileUploadRecord) -> None:
        """Apply what time does: pending uploads expire; external imports finish (see module docstring)."""
        now = utcnow()
        if record.status == "pending" and now >= record.expires_at:
            record.status = "expired"
            record.last_edited = now
        elif record.status == "pending" and record.mode == "external_url":
            record.status = "uploaded"
            record.imported = now
            record.last_edited = now

    # ------------------------------------------------------------------ send and complete
    def send(
        self,
        record: FileUploadRecord,
        data: bytes,
        *,
        part_number: str | None,
        part_content_type: str | None,
        part_filename: str | None,
        max_file_bytes: int,
    ) -> None:
        with self._lock:
            if record.mode == "external_url":
                raise EmulatorValidationError(
                    "Cannot send file contents to a file upload with mode `external_url`."
                )
            self._require_pending(record, "send")
            if record.mode == "single_part":
                if part_number is not None:
                    raise EmulatorValidationError(
                        "body failed validation: body.part_number should be not present for a file upload "
                        "with mode `single_part`."
                    )
                limit = min(max_file_bytes, MAX_SINGLE_PART_BYTES)
                if len(data) > limit:
                    raise _too_large(len(data), limit)
                record.parts = {1: data}
                record.content_length = len(data)
                record.status = "uploaded"
            else:
                number = _part_number(part_number, record.number_of_parts or 0)
                if len(data) > MAX_PART_BYTES:
                    raise EmulatorValidationError(
                        f"The size of part {number} ({len(data)} bytes) exceeds the maximum part size of "
                        f"{MAX_PART_BYTES} bytes."
                    )
                record.parts[number] = data
            record.filename = record.filename or part_filename
            record.content_type = record.content_type or part_content_type or _guess_type(record.filename)
            record.last_edited = utcnow()

    def complete(self, record: FileUploadRecord, *, max_file_bytes: int) -> None:
        with self._lock:
            self._require_pending(record, "complete")
            if record.mode != "multi_part":
                raise EmulatorValidationError(
                    f"Only file uploads with mode `multi_part` can be completed; this one has mode "
                    f"`{record.mode}`."
                )
            total = record.number_of_parts or 0
            missing = [n for n in range(1, total + 1) if n not in record.parts]
            if missing:
                raise EmulatorValidationError(
                    f"Expected {total} parts but received {len(record.parts)}; missing part(s): "
                    f"{', '.join(str(n) for n in missing)}."
                )
            small = [n for n in range(1, total) if len(record.parts[n]) < MIN_PART_BYTES]
            if small:
                raise EmulatorValidationError(
                    f"Part {small[0]} is smaller than the minimum part size of {MIN_PART_BYTES} bytes; only the "
                    "last part may be smaller."
                )
            size = sum(len(part) for part in record.parts.values())
            if size > max_file_bytes:
                record.status = "failed"
                record.last_edited = utcnow()
                raise _too_large(size, max_file_bytes)
            record.content_length = size
            record.status = "uploaded"
            record.last_edited = utcnow()

    @staticmethod
    def _require_pending(record: FileUploadRecord, action: str) -> None:
        if record.status != "pending":
            raise EmulatorValidationError(
                f"Cannot {action} file upload {record.id}: its status is `{record.status}`, expected `pending`."
            )


# ---------------------------------------------------------------------- create-body validation
def validate_create(body: dict[str, Any]) -> dict[str, Any]:
    """Check a ``POST /v1/file_uploads`` body; return the keyword arguments for ``FileUploadStore.create``."""
    mode = body.get("mode", "single_part")
    if mode not in MODES:
        raise EmulatorValidationError(
            f"body failed validation: body.mode should be one of `{'`, `'.join(MODES)}`, instead was "
            f"`{_js(mode)}`."
        )
    filename = body.get("filename")
    if filename is not None and (not isinstance(filename, str) or not filename.strip()):
        raise EmulatorValidationError(
            f"body failed validation: body.filename should be a non-empty string, instead was `{_js(filename)}`."
        )
    if isinstance(filename, str) and len(filename) > MAX_FILENAME_CHARS:
        raise EmulatorValidationError(
            f"body failed validation: body.filename.length should be ≤ `{MAX_FILENAME_CHARS}`, instead was "
            f"`{len(filename)}`."
        )
    content_type = body.get("content_type")
    if content_type is not None and (not isinstance(content_type, str) or "/" not in content_type):
        raise EmulatorValidationError(
            f"body failed validation: body.content_type should be a MIME type, instead was "
            f"`{_js(content_type)}`."
        )
    parts = body.get("number_of_parts")
    if mode == "multi_part":
        if filename is None:
            raise EmulatorValidationError("body.filename should be defined for a `multi_part` file upload.")
        if isinstance(parts, bool) or not isinstance(parts, int):
            raise EmulatorValidationError(
                "body failed validation: body.number_of_parts should be a number for a `multi_part` file "
                f"upload, instead was `{_js(parts)}`."
            )
        if not 1 <= parts <= MAX_PARTS:
            raise EmulatorValidationError(
                f"body failed validation: body.number_of_parts should be between 1 and {MAX_PARTS}, instead "
                f"was `{parts}`."
            )
    elif parts is not None:
        raise EmulatorValidationError(
            f"body.number_of_parts should only be provided for a `multi_part` file upload, not `{mode}`."
        )
    external_url = body.get("external_url")
    if mode == "external_url":
        if filename is None:
            raise EmulatorValidationError(
                "body.filename should be defined for an `external_url` file upload."
            )
        if not isinstance(external_url, str) or not external_url.startswith("https://"):
            raise EmulatorValidationError(
                "body failed validation: body.external_url should be an `https://` URL, instead was "
                f"`{_js(external_url)}`."
            )
        if len(external_url) > 2000:
            raise EmulatorValidationError(
                "body failed validation: body.external_url.length should be ≤ `2000`, instead was "
                f"`{len(external_url)}`."
            )
    elif external_url is not None:
        raise EmulatorValidationError(
            f"body.external_url should only be provided for an `external_url` file upload, not `{mode}`."
        )
    return {
        "mode": mode,
        "filename": filename,
        "content_type": content_type,
        "number_of_parts": parts,
        "external_url": external_url,
    }


# ---------------------------------------------------------------------- response shape
def file_upload_json(record: FileUploadRecord, version: str, base_url: str) -> dict[str, Any]:
    """Key order and presence as recorded: 2022-06-28 has ``archived`` only, 2025-09-03 ``in_trash`` and
    ``archived``, 2026-03-11 ``in_trash`` only. ``upload_url`` exists only while parts may still be sent;
    an expired or attached upload has no ``expiry_time`` any more."""
    obj: dict[str, Any] = {
        "object": "file_upload",
        "id": record.id,
        "created_time": iso_minute(record.created),
        "created_by": {"id": record.integration_id, "type": "bot"},
        "last_edited_time": iso_minute(record.last_edited),
        "expiry_time": None
        if record.status == "expired" or record.attached
        else iso_minute(record.expires_at),
    }
    if record.status == "pending":
        obj["upload_url"] = f"{base_url}/v1/file_uploads/{record.id}/send"
    if is_v1(version):
        obj["archived"] = False
    else:
        obj["in_trash"] = False
    obj["status"] = record.status
    obj["filename"] = record.filename
    obj["content_type"] = record.content_type
    obj["content_length"] = record.content_length
    if record.number_of_parts is not None:
        obj["number_of_parts"] = {"total": record.number_of_parts, "sent": len(record.parts)}
    if record.imported is not None:
        obj["file_import_result"] = {
            "imported_time": iso_minute(record.imported),
            "type": "success",
            "success": {},
        }
    if not is_v1(version) and not drops_archived(version):
        obj["archived"] = False
    return obj


def _part_number(raw: str | None, total: int) -> int:
    if raw is None:
        raise EmulatorValidationError(
            "body failed validation: body.part_number should be defined for a `multi_part` file upload."
        )
    try:
        number = int(raw)
    except ValueError:
        raise EmulatorValidationError(
            f'body failed validation: body.part_number should be a number, instead was `"{raw}"`.'
        ) from None
    if not 1 <= number <= total:
        raise EmulatorValidationError(
            f"body failed validation: body.part_number should be between 1 and {total}, instead was "
            f"`{number}`."
        )
    return number


def _too_large(size: int, limit: int) -> EmulatorValidationError:
    return EmulatorValidationError(
        f"The file is {size} bytes, which exceeds the maximum file size of {limit} bytes for this workspace.",
    )


def _guess_type(filename: str | None) -> str | None:
    if not filename:
        return None
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed


def _js(value: Any) -> str:
    import json

    return json.dumps(value)
