"""Operators on pages: create, read, update, trash/restore, read their content, replace it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import AirflowSkipException

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.jobs.page_content import (
    DEFAULT_MAX_DEPTH,
    append_left_over,
    content_blocks,
    content_for_create,
    fetch_block_tree,
    page_markdown,
    replace_content,
)
from airflow_provider_notion.jobs.page_values import update_values
from airflow_provider_notion.lineage import Direction, declare_notion_outlet, page_event_extra
from airflow_provider_notion.operators.base import (
    PAGE_FIELDS,
    NotionBaseOperator,
    NotionLinkedOperator,
    optional_str,
)
from airflow_provider_notion.operators.output_files import write_bytes
from airflow_provider_notion.rules.ids import normalize_notion_id, notion_link
from airflow_provider_notion.rules.payloads import json_list, json_object, property_values
from airflow_provider_notion.rules.values.conditions import property_matches
from airflow_provider_notion.utils.coerce import as_bool as _as_bool
from airflow_provider_notion.utils.coerce import as_number as _as_number
from airflow_provider_notion.utils.coerce import as_optional_bool as _as_optional_bool
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

_JSON = "json"
ON_MISMATCH = ("skip", "fail", "ignore")


class NotionGetPageOperator(NotionLinkedOperator):
    """Return a page's properties (``GET /v1/pages/{page_id}``), not its content blocks.

    :param page_id: page id, dashed or not, or its Notion URL. Templated.
    :param filter_properties: only return these properties: a list of property ids (or names) or a
        comma-separated string. Templated.
    """

    notion_lineage: ClassVar[Direction | None] = "input"
    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, "page_id", "filter_properties")

    def __init__(
        self, *, page_id: str, filter_properties: list[str] | str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.filter_properties = filter_properties

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = normalize_notion_id(self.page_id, "page_id")
        filter_properties = self.filter_properties
        if isinstance(filter_properties, str) and filter_properties.lstrip().startswith("["):
            filter_properties = json_list(filter_properties, "filter_properties")
        page = self.hook.get_page(page_id, filter_properties=filter_properties or None)
        self.push_object_xcoms(context, page)
        self.log.info("Notion page %s (%d properties)", page.get("id"), len(page.get("properties") or {}))
        return page


class NotionCreatePageOperator(NotionLinkedOperator):
    """Create a page (``POST /v1/pages``) and return it.

    More than 100 ``children`` are sent as the first 100 with the page, then appended in order in batches of
    100. A plain-string title is split into 2,000-character rich-text pieces.

    :param parent: the parent page's id or URL, or a parent object (``{"page_id": ...}``). Templated; an
        ``XComArg`` such as ``create_db.output["id"]`` works.
    :param properties: for a page parent only ``title``: ``{"title": "My page"}`` or a full title value.
    :param children: a list of block objects.
    :param markdown: the content as Markdown instead of ``children`` (converted by the provider's converter,
        up to 100 levels deep; see ``docs/pages.md``).
    :param icon: an icon object.
    :param cover: a cover object.
    """

    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, *PAGE_FIELDS, "markdown")
    template_fields_renderers: ClassVar[dict[str, str]] = dict.fromkeys(PAGE_FIELDS, _JSON)

    def __init__(
        self,
        *,
        parent: Any,
        properties: Any = None,
        children: Any = None,
        icon: Any = None,
        cover: Any = None,
        markdown: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.parent = parent
        self.properties = properties
        self.children = children
        self.icon = icon
        self.cover = cover
        self.markdown = markdown

    def execute(self, context: Any) -> dict[str, Any]:
        properties = property_values(self.properties)
        children, left_over = content_for_create(self.children, self.markdown)
        page = self.hook.create_page(
            self.parent, properties, children=children, icon=self.icon, cover=self.cover
        )
        append_left_over(self.hook, str(page["id"]), left_over)
        self.push_object_xcoms(context, page)
        self.log.info(
            "Created Notion page %s with %d child blocks, open it at %s",
            page.get("id"),
            len(children or []),
            page.get("url"),
        )
        return page


class NotionUpdatePageOperator(NotionLinkedOperator):
    """Update a page's properties, icon or cover, or move it to / out of the trash (``PATCH /v1/pages/{id}``).

    **Only when a property has a value.** With ``only_if_property`` and ``only_if_equals`` the page is read first
    and written only if that property currently equals the value (a plain value such as ``"Ready"``, or a
    Notion property value). This is best effort: Notion has no conditional writes, so an edit made between the
    read and the write is not detected. When the value differs, ``on_mismatch`` decides: ``skip`` (default;
    the task is skipped), ``fail``, or ``ignore`` (succeed without writing and return the page as read).

    :param page_id: the page's id or URL. Templated.
    :param properties: property values by name: Notion values (``{"Status": {"status": {"name": "Done"}}}``,
        sent as given) or plain values (``{"Status": "Done", "Score": 3, "Tags": ["a", "b"], "Owner":
        "ada@example.com"}``), which are mapped by the page's database schema (one extra read of the page and
        the schema; see ``docs/pages.md``). Templated.
    :param icon: an icon object (``{"type": "emoji", "emoji": "✅"}``). Templated.
    :param cover: a cover object. Templated.
    :param in_trash: ``True`` moves the page to the trash, ``False`` restores it (sent as ``archived`` before
        2026-03-11). Templated.
    :param only_if_property: the property to check first. Templated.
    :param only_if_equals: the value it must have. Templated.
    :param on_mismatch: ``skip``, ``fail`` or ``ignore``.
    :param asset_name: a readable name for the asset this task declares as its outlet (the Assets page shows
        it); DAGs scheduled on it use the same name in ``notion_asset(..., name=...)``. Needs a literal id.
    """

    notion_lineage: ClassVar[Direction | None] = "output"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "page_id",
        "properties",
        "icon",
        "cover",
        "in_trash",
        "only_if_property",
        "only_if_equals",
        "on_mismatch",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"properties": _JSON, "icon": _JSON, "cover": _JSON}

    def __init__(
        self,
        *,
        page_id: Any,
        properties: Any = None,
        icon: Any = None,
        cover: Any = None,
        in_trash: Any = None,
        only_if_property: str | None = None,
        only_if_equals: Any = None,
        on_mismatch: str = "skip",
        asset_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.properties = properties
        self.icon = icon
        self.cover = cover
        self.in_trash = in_trash
        self.only_if_property = only_if_property
        self.only_if_equals = only_if_equals
        self.on_mismatch = on_mismatch
        self.asset_name = asset_name
        declare_notion_outlet(self, asset_name)

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = normalize_notion_id(self.page_id, "page_id")
        given = json_object(self.properties, "properties")
        icon = json_object(self.icon, "icon")
        cover = json_object(self.cover, "cover")
        in_trash = _as_optional_bool(self.in_trash, "in_trash")
        condition = optional_str(self.only_if_property, "only_if_property")
        on_mismatch = str(self.on_mismatch or "skip").lower()
        if on_mismatch not in ON_MISMATCH:
            raise NotionInputError(
                "on_mismatch", f"{self.on_mismatch!r} is not one of {', '.join(ON_MISMATCH)}"
            )
        if given is None and icon is None and cover is None and in_trash is None:
            raise NotionInputError(
                "properties", "nothing to update: give properties, icon, cover or in_trash"
            )
        current_page: dict[str, Any] | None = None
        if condition is not None:
            expected = self.only_if_equals
            if isinstance(expected, str) and expected.lstrip().startswith("{"):
                expected = json_object(expected, "only_if_equals")
            current_page = self.hook.get_page(page_id)
            matches, current = property_matches(current_page, condition, expected)
            if not matches:
                message = (
                    f"Not updating page {page_id}: {condition} is {current!r}, not {self.only_if_equals!r}"
                )
                if on_mismatch == "fail":
                    raise NotionError(message)
                self.log.info("%s", message)
                if on_mismatch == "skip":
                    raise AirflowSkipException(message)
                self.push_object_xcoms(context, current_page)
                return current_page
        properties = None if given is None else update_values(self.hook, current_page, page_id, given)
        fields: dict[str, Any] = {"icon": icon, "cover": cover, "in_trash": in_trash}
        page = self.hook.update_page(page_id, properties, **fields)
        self.push_object_xcoms(context, page)
        self.record_notion_event(context, page_event_extra(page), page)
        self.log.info(
            "Updated Notion page %s (%d properties%s)",
            page.get("id"),
            len(properties or {}),
            "" if in_trash is None else f", in_trash={in_trash}",
        )
        return page


class NotionTrashPageOperator(NotionLinkedOperator):
    """Move a page to the trash, or with ``restore=True`` take it out again.

    A separate operator (rather than only ``in_trash`` on :class:`NotionUpdatePageOperator`, which also works)
    so that a DAG reads as what it does. Notion's trash keeps the page for 30 days; the API cannot delete it for
    good. Sent as ``in_trash`` (2026-03-11) or ``archived`` (earlier versions).

    :param page_id: the page's id or URL. Templated.
    :param restore: restore the page from the trash instead. Templated.
    :param asset_name: a readable name for the asset this task declares as its outlet (the Assets page shows
        it); DAGs scheduled on it use the same name in ``notion_asset(..., name=...)``. Needs a literal id.
    """

    notion_lineage: ClassVar[Direction | None] = "output"
    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, "page_id", "restore")

    def __init__(
        self, *, page_id: Any, restore: Any = False, asset_name: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.restore = restore
        self.asset_name = asset_name
        declare_notion_outlet(self, asset_name)

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = normalize_notion_id(self.page_id, "page_id")
        restore = _as_bool(self.restore, "restore")
        page = self.hook.update_page(page_id, in_trash=not restore)
        self.push_object_xcoms(context, page)
        self.record_notion_event(context, page_event_extra(page), page)
        self.log.info("%s Notion page %s", "Restored" if restore else "Trashed", page.get("id"))
        return page


class NotionGetPageContentOperator(NotionLinkedOperator):
    """Return a page's content as Markdown or as its block tree.

    ``format="markdown"`` (default): under 2026-03-11 Notion renders it (``GET /v1/pages/{id}/markdown``, its
    "enhanced Markdown"; ``source: "notion"``); under earlier versions, or with ``use_markdown_endpoint=False``,
    the block tree is fetched (down to ``max_depth`` levels) and converted by the provider's converter
    (``source: "converter"``; blocks it cannot express appear as ``[unsupported block: ...]`` lines). Returns
    ``{"id", "markdown", "truncated", "unknown_block_ids", "source"}``.

    ``format="blocks"``: returns ``{"id", "results": [...]}`` with each block's children under ``"children"``.

    :param page_id: the page's (or a block's) id or URL. Templated.
    :param format: ``markdown`` or ``blocks``. Templated.
    :param max_depth: levels of blocks fetched (a page's own blocks are level 1). Templated.
    :param use_markdown_endpoint: use Notion's Markdown endpoint where the API version has it. Templated.
    :param output_path: write the Markdown (UTF-8) or the block tree (JSON) to this local path or
        ``ObjectStoragePath`` and return ``{"path", "bytes"}`` instead, for pages too large for XCom. Templated.
    """

    notion_lineage: ClassVar[Direction | None] = "input"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "page_id",
        "format",
        "max_depth",
        "use_markdown_endpoint",
        "output_path",
    )

    def __init__(
        self,
        *,
        page_id: Any,
        format: str = "markdown",
        max_depth: Any = DEFAULT_MAX_DEPTH,
        use_markdown_endpoint: Any = True,
        output_path: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.format = format
        self.max_depth = max_depth
        self.use_markdown_endpoint = use_markdown_endpoint
        self.output_path = output_path

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = normalize_notion_id(self.page_id, "page_id")
        kind = str(self.format or "markdown").lower()
        if kind not in ("markdown", "blocks"):
            raise NotionInputError("format", f"{self.format!r} is not markdown or blocks")
        max_depth = _as_number(self.max_depth, "max_depth", whole=True, minimum=1) or DEFAULT_MAX_DEPTH
        use_endpoint = _as_bool(self.use_markdown_endpoint, "use_markdown_endpoint")
        output = (
            None if self.output_path in (None, "") else resolve_storage_path(self.output_path, "output_path")
        )
        self.push_notion_url(context, object_id=page_id)
        result: dict[str, Any]
        if kind == "blocks":
            result = {"id": page_id, "results": fetch_block_tree(self.hook, page_id, max_depth=max_depth)}
            raw = json.dumps(result, ensure_ascii=False).encode("utf-8")
        else:
            if use_endpoint:
                result = page_markdown(self.hook, page_id, max_depth=max_depth)
            else:
                from airflow_provider_notion.markdown import blocks_to_markdown

                tree = fetch_block_tree(self.hook, page_id, max_depth=max_depth)
                result = {
                    "id": page_id,
                    "markdown": blocks_to_markdown(tree),
                    "truncated": False,
                    "unknown_block_ids": [],
                    "source": "converter",
                }
            raw = str(result["markdown"]).encode("utf-8")
            if result.get("truncated"):
                self.log.warning(
                    "Notion truncated the Markdown of page %s (too many blocks); %d blocks were left out: read "
                    "them with format='blocks' or use_markdown_endpoint=False",
                    page_id,
                    len(result.get("unknown_block_ids") or []),
                )
        if output is not None:
            summary = write_bytes(output, raw)
            self.log.info("Wrote the content of Notion page %s (%s) to %s", page_id, kind, summary["path"])
            return summary
        self.log.info("Read the content of Notion page %s as %s (%d bytes)", page_id, kind, len(raw))
        return result


class NotionReplacePageContentOperator(NotionLinkedOperator):
    """Replace a page's content with new Markdown or blocks (a report page regenerated each run).

    Under 2026-03-11 with ``markdown``: one ``PATCH /v1/pages/{id}/markdown`` (``replace_content``), which
    Notion applies as a whole. Otherwise (earlier versions, ``children``, or ``use_markdown_endpoint=False``):
    every top-level block of the page is trashed (``DELETE /v1/blocks/{id}``; child pages and databases are
    kept) and the new blocks are appended. That is not atomic: if it fails part-way the task fails with
    ``NotionPartialWriteError`` saying how many old blocks were deleted and whether the new content was
    (partly) appended; rerunning the task replaces the content again from scratch. Trashed blocks can be
    restored from Notion's page history.

    Returns ``{"id", "method": "markdown" | "delete_append", "deleted", "appended", "result"}``.

    :param page_id: the page's id or URL. Templated.
    :param markdown: the new content as Markdown. Templated.
    :param children: the new content as block objects (any count, up to 100 levels deep). Templated.
    :param use_markdown_endpoint: use Notion's Markdown endpoint where the API version has it. Templated.
    :param asset_name: a readable name for the asset this task declares as its outlet (the Assets page shows
        it); DAGs scheduled on it use the same name in ``notion_asset(..., name=...)``. Needs a literal id.
    """

    notion_lineage: ClassVar[Direction | None] = "output"
    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "page_id",
        "markdown",
        "children",
        "use_markdown_endpoint",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"children": _JSON, "markdown": "md"}

    def __init__(
        self,
        *,
        page_id: Any,
        markdown: str | None = None,
        children: Any = None,
        use_markdown_endpoint: Any = True,
        asset_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.markdown = markdown
        self.children = children
        self.use_markdown_endpoint = use_markdown_endpoint
        self.asset_name = asset_name
        declare_notion_outlet(self, asset_name)

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = normalize_notion_id(self.page_id, "page_id")
        if self.markdown in (None, "") and self.children in (None, ""):
            raise NotionInputError("markdown", "give the new content as markdown or children")
        blocks = content_blocks(children=self.children, markdown=self.markdown)
        use_endpoint = _as_bool(self.use_markdown_endpoint, "use_markdown_endpoint")
        markdown = self.markdown if use_endpoint and self.markdown not in (None, "") else None
        self.push_notion_url(context, object_id=page_id)  # also after a partial write: where to look
        result = replace_content(self.hook, page_id, blocks, markdown=markdown)
        counts = {key: result.get(key) for key in ("method", "deleted", "appended")}
        self.record_notion_event(context, {"page_id": page_id, "url": notion_link(page_id), **counts})
        self.log.info(
            "Replaced the content of Notion page %s (%s: %s old blocks deleted, %s appended)",
            page_id,
            result["method"],
            result["deleted"],
            result["appended"],
        )
        return result
