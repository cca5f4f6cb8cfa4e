"""``/v1/file_uploads``: create, send (multipart/form-data), complete, retrieve, list.

The rules and the response shape live in ``emulator.file_uploads``; this module only reads requests.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.file_uploads import (
    STATUSES,
    FileUploadRecord,
    file_upload_json,
    validate_create,
)
from notion_emulator.pagination import anchored_page, page_size_from
from notion_emulator.routes.base import Route
from notion_emulator.serialize import list_json


def create(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_content")
    record = ctx.state.file_uploads.create(ctx.bot.id, **validate_create(ctx.body))
    return file_upload_json(record, ctx.version, _base_url(ctx))


def send(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_content")
    record = _own_upload(ctx)
    fields = _multipart_fields(ctx)
    file_part = fields.get("file")
    if file_part is None:
        raise EmulatorValidationError("body failed validation: body.file should be defined.")
    part_number = fields.get("part_number")
    data = file_part.get_payload(decode=True)
    ctx.state.file_uploads.send(
        record,
        data if isinstance(data, bytes) else b"",
        part_number=_text(part_number) if part_number is not None else None,
        part_content_type=file_part.get_content_type() if file_part.get("Content-Type") else None,
        part_filename=file_part.get_filename(),
        max_file_bytes=ctx.config.max_file_upload_bytes,
    )
    return file_upload_json(record, ctx.version, _base_url(ctx))


def complete(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_content")
    record = _own_upload(ctx)
    ctx.state.file_uploads.complete(record, max_file_bytes=ctx.config.max_file_upload_bytes)
    return file_upload_json(record, ctx.version, _base_url(ctx))


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return file_upload_json(_own_upload(ctx), ctx.version, _base_url(ctx))


def list_uploads(ctx: RequestContext) -> dict[str, Any]:
    status = _first(ctx.query, "status")
    if status is not None and status not in STATUSES:
        raise EmulatorValidationError(
            f"query failed validation: query.status should be one of `{'`, `'.join(STATUSES)}`, instead was "
            f'`"{status}"`.'
        )
    size = page_size_from(_first(ctx.query, "page_size"), where="query")
    # Every upload of the integration, newest first; the cursor names the next one, so uploads created (or
    # changing status) between two pages do not shift the listing.
    uploads = {u.id: u for u in ctx.state.file_uploads.list_for(ctx.bot.id)}
    window, cursor, _ = anchored_page(
        list(uploads),
        lambda upload_id: status is None or uploads[upload_id].status == status,
        _first(ctx.query, "start_cursor"),
        size,
    )
    base_url = _base_url(ctx)
    return list_json(
        [file_upload_json(uploads[i], ctx.version, base_url) for i in window], "file_upload", cursor
    )


ROUTES = [
    Route("POST", "/v1/file_uploads", create),
    Route("GET", "/v1/file_uploads", list_uploads),
    Route("POST", "/v1/file_uploads/{file_upload_id}/send", send),
    Route("POST", "/v1/file_uploads/{file_upload_id}/complete", complete),
    Route("GET", "/v1/file_uploads/{file_upload_id}", retrieve),
]


def _own_upload(ctx: RequestContext) -> FileUploadRecord:
    """File uploads are private to the integration that created them; anyone else gets a 404."""
    upload_id = ctx.path_id("file_upload_id")
    record = ctx.state.file_uploads.get(upload_id, ctx.bot.id)
    if record is None:
        raise ctx.not_found("file_upload", upload_id)
    return record


def _multipart_fields(ctx: RequestContext) -> dict[str, EmailMessage]:
    """Form fields by name, parsed with the stdlib e-mail parser (``cgi`` is deprecated)."""
    content_type = ctx.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise EmulatorValidationError(
            "Content-Type header failed validation: Content-Type should be `multipart/form-data` with a "
            f'boundary, instead was `"{content_type}"`.'
        )
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + ctx.raw_body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise EmulatorValidationError(
            "body failed validation: the multipart/form-data body could not be parsed."
        )
    fields: dict[str, EmailMessage] = {}
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part
    return fields


def _text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace").strip() if isinstance(payload, bytes) else ""


def _base_url(ctx: RequestContext) -> str:
    """``upload_url`` points back at this emulator so clients that follow it stay local."""
    return f"http://{ctx.headers.get('host', '127.0.0.1')}"


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
