"""Attaching file uploads: ``{"type": "file_upload", "file_upload": {"id"}}`` in a request becomes the
Notion-hosted file object Notion returns on every later read.

What Notion documents (reference/file-upload, guides/data-apis/retrieving-files):

- only an upload whose ``status`` is ``uploaded`` can be attached; the same upload may be attached many times;
- a ``file_upload`` object "becomes a ``file`` after attachment": reads return
  ``{"type": "file", "file": {"url", "expiry_time"}}`` (a temporary download link valid for one hour);
- after attachment the upload keeps ``status: "uploaded"`` and its ``expiry_time`` turns ``null``
  ("If the expiry_time is null, that means the file upload has already been attached");
- ``files`` property items carry a ``name`` (the upload's filename unless one is given); media blocks
  (file, image, pdf, video, audio) carry ``caption`` (``[]`` by default) and file blocks a ``name``.

The link points back at the emulator (``GET /_files/{upload_id}/{filename}``, no auth, like a presigned URL)
and serves the uploaded bytes. Requests are rewritten *before* the routes store them, so the stored value is
already the read shape.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from notion_emulator.errors import EmulatorValidationError
from notion_emulator.richtext import expand_rich_text
from notion_emulator.util import normalize_id, utcnow

if TYPE_CHECKING:
    from notion_emulator.context import RequestContext
    from notion_emulator.file_uploads import FileUploadStore

FILES_PREFIX = "/_files/"
LINK_LIFETIME = timedelta(hours=1)
MEDIA_BLOCK_TYPES = frozenset({"file", "image", "pdf", "video", "audio"})
_SOURCE_KEYS = ("file_upload", "file", "external")


def base_url(ctx: RequestContext) -> str:
    return f"http://{ctx.headers.get('host', '127.0.0.1')}"


def is_file_upload(value: Any) -> bool:
    return isinstance(value, dict) and (
        value.get("type") == "file_upload" or ("file_upload" in value and "type" not in value)
    )


def attach(ctx: RequestContext, value: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """Attach the upload named by ``value`` (``{"type": "file_upload", "file_upload": {"id"}}``) and return its
    read shape, ``{"type": "file", "file": {"url", "expiry_time"}}``, with the upload's filename.

    Raises ``validation_error`` naming ``path`` when the upload is unknown to the caller or not ``uploaded``.
    """
    upload = value.get("file_upload")
    raw_id = upload.get("id") if isinstance(upload, dict) else None
    upload_id = normalize_id(raw_id) if isinstance(raw_id, str) else None
    if upload_id is None:
        raise EmulatorValidationError(
            f"body failed validation: {path}.file_upload.id should be a valid uuid, instead was `{raw_id!r}`."
        )
    store: FileUploadStore = ctx.state.file_uploads
    record = store.get(upload_id, ctx.bot.id)
    if record is None:
        raise EmulatorValidationError(f"Could not find file upload with ID: {upload_id} ({path}).")
    if record.status != "uploaded":
        raise EmulatorValidationError(
            f"File upload {upload_id} has status `{record.status}`; only uploads with status `uploaded` can "
            f"be attached ({path})."
        )
    store.mark_attached(record)
    filename = record.filename or "file"
    url = f"{base_url(ctx)}{FILES_PREFIX}{record.id}/{quote(filename, safe='')}"
    expiry = (utcnow() + LINK_LIFETIME).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"
    return {"type": "file", "file": {"url": url, "expiry_time": expiry}}, filename


def resolve_properties(ctx: RequestContext, properties: Any) -> Any:
    """A page ``properties`` body with every ``files`` item that names an upload replaced by its file object."""
    if not isinstance(properties, dict):
        return properties
    result: dict[str, Any] = {}
    for key, value in properties.items():
        items = value.get("files") if isinstance(value, dict) else None
        if isinstance(items, list):
            value = {
                **value,
                "files": [
                    _files_item(ctx, item, f"body.properties.{key}.files[{i}]")
                    for i, item in enumerate(items)
                ],
            }
        result[key] = value
    return result


def _files_item(ctx: RequestContext, item: Any, path: str) -> Any:
    if not is_file_upload(item):
        return item
    hosted, filename = attach(ctx, item, path)
    return {"name": item.get("name") or filename, **hosted}


def resolve_icon_or_cover(ctx: RequestContext, key: str, value: Any) -> Any:
    if not is_file_upload(value):
        return value
    hosted, _ = attach(ctx, value, f"body.{key}")
    return hosted


def resolve_blocks(ctx: RequestContext, children: Any, where: str = "body.children") -> Any:
    """Block children (nested ones too) with media blocks in their read shape; anything malformed is left to
    the block validation."""
    if not isinstance(children, list):
        return children
    result = []
    for index, child in enumerate(children):
        kind = child.get("type") if isinstance(child, dict) else None
        if kind is None and isinstance(child, dict):
            keys = [k for k in child if k not in ("object", "type", "id")]
            kind = keys[0] if len(keys) == 1 else None
        if isinstance(kind, str) and isinstance(child.get(kind), dict):
            body = child[kind]
            path = f"{where}[{index}].{kind}"
            if kind in MEDIA_BLOCK_TYPES:
                body = media_content(ctx, kind, body, path)
            if isinstance(body.get("children"), list):
                body = {**body, "children": resolve_blocks(ctx, body["children"], f"{path}.children")}
            child = {**child, kind: body}
        result.append(child)
    return result


def media_content(ctx: RequestContext, kind: str, body: dict[str, Any], path: str) -> dict[str, Any]:
    """A media block body as Notion returns it: ``caption`` first, then ``type`` and the file object."""
    content: dict[str, Any] = {"caption": expand_rich_text(body.get("caption") or [], path=f"{path}.caption")}
    source = body if is_file_upload(body) or "type" in body else _with_type(body)
    filename: str | None = None
    if is_file_upload(source):
        source, filename = attach(ctx, source, path)
    for key, value in source.items():
        if key in ("type", *_SOURCE_KEYS):
            content[key] = value
    if kind == "file":
        content["name"] = body.get("name") or filename or _name_from_url(content)
    for key, value in body.items():
        if key not in content and key not in ("type", *_SOURCE_KEYS):
            content[key] = value
    return content


def media_update(
    ctx: RequestContext, kind: str, current: dict[str, Any], body: dict[str, Any], path: str
) -> dict[str, Any]:
    """The new content of a media block after ``PATCH /v1/blocks/{id}`` with ``body``: a new source replaces
    the old one (no stale ``external`` next to a new ``file``), a caption alone keeps the source."""
    if not any(key in body for key in _SOURCE_KEYS):
        updated = dict(current)
        if "caption" in body:
            updated["caption"] = expand_rich_text(body["caption"] or [], path=f"{path}.caption")
        if "name" in body and kind == "file":
            updated["name"] = body["name"]
        return updated
    merged = {"caption": current.get("caption", []), **body}
    if kind == "file" and "name" not in body and current.get("name"):
        merged["name"] = current["name"]
    return media_content(ctx, kind, merged, path)


def _with_type(body: dict[str, Any]) -> dict[str, Any]:
    kind = next((key for key in _SOURCE_KEYS if key in body), None)
    return {**body, "type": kind} if kind else body


def _name_from_url(content: dict[str, Any]) -> str | None:
    source = content.get(content.get("type", ""), {})
    url = source.get("url") if isinstance(source, dict) else None
    if not isinstance(url, str):
        return None
    return unquote(url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]) or None


def download(store: FileUploadStore, path: str) -> tuple[int, bytes, dict[str, str]]:
    """``GET /_files/{upload_id}/{filename}``: the bytes of an attached upload (404 for anything else)."""
    parts = path[len(FILES_PREFIX) :].split("/", 1)
    upload_id = normalize_id(parts[0]) if parts and parts[0] else None
    record = store.find(upload_id) if upload_id else None
    if record is None or not record.attached:
        body = b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
        return 404, body, {"Content-Type": "application/xml"}
    headers = {"Content-Type": record.content_type or "application/octet-stream"}
    if record.filename:
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(record.filename, safe='')}"
    return 200, record.data, headers
