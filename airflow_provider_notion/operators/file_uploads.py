"""Upload a file to Notion and optionally attach it to a page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.jobs.file_upload import (
    MEDIA_BLOCK_TYPES,
    PART_BYTES,
    files_property_value,
    media_block,
    open_source,
    upload_file,
)
from airflow_provider_notion.jobs.page_content import BlockWriter
from airflow_provider_notion.operators.base import (
    NotionBaseOperator,
    NotionLinkedOperator,
    optional_id,
    optional_str,
)
from airflow_provider_notion.rules.payloads import rich_text
from airflow_provider_notion.utils.coerce import as_number as _as_number


class NotionUploadFileOperator(NotionLinkedOperator):
    """Upload a local file or an ``ObjectStoragePath`` with Notion's File Upload API, optionally attaching it.

    Files up to 10 MiB are sent in one request; larger ones in 10 MiB parts (multi-part upload), read one part at
    a time so the file is never held in memory whole. The workspace's own per-file limit applies (5 MiB on free
    plans; Notion answers 400 above it). Uploads and attachments are never retried after an ambiguous failure.

    Attaching (``attach_to``): ``attach_as="file"`` (default), ``"image"``, ``"pdf"``, ``"video"`` or ``"audio"``
    appends such a block at the end of the page or block; ``attach_as="property"`` sets the page's files
    property ``property_name`` to this file (Notion replaces the property's whole list). Notion requires the
    attachment within an hour of the upload.

    Returns ``{"upload": <file upload object>, "attachment": <created block, updated page or null>}``.

    :param path: a local path or an object storage URL (``s3://...``). Templated.
    :param filename: the name shown in Notion (default: the path's file name). Templated.
    :param content_type: the MIME type (default: guessed from the name). Templated.
    :param attach_to: a page or block id or URL. Templated.
    :param attach_as: ``file``, ``image``, ``pdf``, ``video``, ``audio`` or ``property``. Templated.
    :param property_name: the files property, with ``attach_as="property"``. Templated.
    :param caption: a caption for the block (plain string or rich text). Templated.
    :param part_size: bytes per part of a multi-part upload (5-20 MiB). Templated.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "path",
        "filename",
        "content_type",
        "attach_to",
        "attach_as",
        "property_name",
        "caption",
        "part_size",
    )

    def __init__(
        self,
        *,
        path: Any,
        filename: str | None = None,
        content_type: str | None = None,
        attach_to: Any = None,
        attach_as: str = "file",
        property_name: str | None = None,
        caption: Any = None,
        part_size: Any = PART_BYTES,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.filename = filename
        self.content_type = content_type
        self.attach_to = attach_to
        self.attach_as = attach_as
        self.property_name = property_name
        self.caption = caption
        self.part_size = part_size

    def execute(self, context: Any) -> dict[str, Any]:
        attach_to = optional_id(self.attach_to, "attach_to")
        attach_as = str(self.attach_as or "file").lower()
        if attach_as not in (*MEDIA_BLOCK_TYPES, "property"):
            raise NotionInputError(
                "attach_as", f"{self.attach_as!r} is not one of {', '.join(MEDIA_BLOCK_TYPES)} or property"
            )
        property_name = optional_str(self.property_name, "property_name")
        if attach_to is not None and attach_as == "property" and property_name is None:
            raise NotionInputError("property_name", "is required with attach_as='property'")
        caption = rich_text(self.caption, "caption") if self.caption not in (None, "") else None
        part_size = _as_number(self.part_size, "part_size", whole=True, minimum=1) or PART_BYTES
        source = open_source(self.path, "path")
        upload = upload_file(
            self.hook,
            source,
            filename=optional_str(self.filename, "filename"),
            content_type=optional_str(self.content_type, "content_type"),
            part_bytes=part_size,
        )
        self.log.info(
            "Uploaded %s to Notion as file upload %s (%s bytes, %s)",
            upload.get("filename"),
            upload.get("id"),
            upload.get("content_length"),
            upload.get("status"),
        )
        attachment: dict[str, Any] | None = None
        if attach_to is not None:
            if attach_as == "property":
                assert property_name is not None
                value = files_property_value(str(upload["id"]), str(upload.get("filename") or "file"))
                attachment = self.hook.update_page(attach_to, {property_name: value})
                self.push_object_xcoms(context, attachment)
            else:
                block = media_block(attach_as, str(upload["id"]), caption)
                (attachment,) = BlockWriter(self.hook).append(attach_to, [block])
                self.push_notion_url(context, object_id=attach_to)
            self.log.info("Attached file upload %s to %s as %s", upload.get("id"), attach_to, attach_as)
        return {"upload": upload, "attachment": attachment}
