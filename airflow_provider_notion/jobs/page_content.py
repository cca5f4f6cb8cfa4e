"""Page content beyond one request: appending any number of blocks up to 100 levels deep, reading a page's block tree,
reading it as Markdown and replacing it.

Notion takes at most 100 blocks per append and a block with its children in one request
(:data:`~airflow_provider_notion.rules.payloads.MAX_CHILDREN_PER_REQUEST`, :func:`~.payloads.check_children`); deeper
levels are appended afterwards under the blocks just created, in order. Appends are writes: they are never
retried on an ambiguous failure (see :mod:`~airflow_provider_notion.client.retry`), and a failure part-way raises
:class:`~airflow_provider_notion.exceptions.NotionPartialWriteError` saying how far the write got.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.exceptions import NotionError, NotionInputError, NotionPartialWriteError
from airflow_provider_notion.markdown import blocks_to_markdown, markdown_to_blocks
from airflow_provider_notion.markdown.render import block_type, children_of
from airflow_provider_notion.rules.payloads import MAX_CHILDREN_PER_REQUEST, json_list

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook

#: How deep :func:`fetch_block_tree` descends by default (a page's blocks are level 1).
DEFAULT_MAX_DEPTH = 10
#: The deepest block tree written to Notion: levels below the second are appended one request per level under
#: the blocks just created, by recursive code that ran out of stack at about 200 levels (measured 150 fine).
MAX_WRITE_DEPTH = 100


def content_blocks(
    *, children: Any = None, markdown: Any = None, field: str = "children"
) -> list[dict[str, Any]]:
    """Blocks from exactly one of ``children`` (block objects, a JSON string) or ``markdown`` (a string)."""
    has_children = children not in (None, "", [])
    has_markdown = markdown not in (None, "")
    if has_children and has_markdown:
        raise NotionInputError("markdown", f"give either {field} or markdown, not both")
    if has_markdown:
        if not isinstance(markdown, str):
            raise NotionInputError("markdown", f"expected a string, got {type(markdown).__name__}")
        converted = markdown_to_blocks(markdown)
        check_write_depth(converted, "markdown")
        return converted
    if isinstance(children, list | tuple):
        check_write_depth(children, field)  # before json_list's checks walk the tree recursively
    blocks = json_list(children, field) or []
    for index, block in enumerate(blocks):
        if not isinstance(block, Mapping):
            raise NotionInputError(
                f"{field}[{index}]", f"expected a block object, got {type(block).__name__}"
            )
    check_write_depth(blocks, field)
    return [dict(b) for b in blocks]


def check_write_depth(blocks: Sequence[Mapping[str, Any]], field: str) -> int:
    """The nesting depth of ``blocks`` (top level: 1), refusing more than :data:`MAX_WRITE_DEPTH` levels."""
    depth = 0
    level: list[Mapping[str, Any]] = [b for b in blocks if isinstance(b, Mapping)]
    while level:  # level by level, without recursion, whatever the depth
        depth += 1
        if depth > MAX_WRITE_DEPTH:
            raise NotionInputError(
                field,
                f"blocks are nested more than {MAX_WRITE_DEPTH} levels deep; at most {MAX_WRITE_DEPTH} can be "
                "written (each level below the second costs a request): flatten the deepest lists",
            )
        level = [child for block in level for child in children_of(block)]
    return depth


@dataclass
class HeldBack:
    """What one request could not carry for one block: its children's children, and children past 100."""

    grandchildren: list[list[dict[str, Any]]] = field(default_factory=list)
    extra_children: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.extra_children) or any(self.grandchildren)


def split_levels(block: Mapping[str, Any]) -> tuple[dict[str, Any], HeldBack]:
    """The block with at most 100 children and no grandchildren (what one request takes), and what is left."""
    shallow = copy.deepcopy(dict(block))
    kind = block_type(shallow)
    body = shallow.get(kind) if isinstance(kind, str) else None
    children = shallow.pop("children", None) or []
    if isinstance(body, dict):
        children = body.pop("children", None) or children
    held = HeldBack(extra_children=[dict(c) for c in children[MAX_CHILDREN_PER_REQUEST:]])
    children = children[:MAX_CHILDREN_PER_REQUEST]
    for child in children:
        grandchildren = [dict(g) for g in children_of(child)]
        held.grandchildren.append(grandchildren)
        child.pop("children", None)
        child_kind = block_type(child)
        child_body = child.get(child_kind) if isinstance(child_kind, str) else None
        if isinstance(child_body, dict):
            child_body.pop("children", None)
            if grandchildren and str(child_kind).startswith("heading_"):
                child_body["is_toggleable"] = True  # a heading holds children only as a toggle
    if children and isinstance(body, dict):
        body["children"] = children  # Notion reads children from the type's body
    return shallow, held


class BlockWriter:
    """Appends block trees of any size and depth under one parent, in order."""

    def __init__(self, hook: NotionHook) -> None:
        self.hook = hook
        self.requests = 0

    def append(
        self, parent_id: str, blocks: Sequence[Mapping[str, Any]], *, after: str | None = None
    ) -> list[dict[str, Any]]:
        """Append ``blocks`` (at the end, or after block ``after``); returns the created top-level blocks."""
        created: list[dict[str, Any]] = []
        try:
            self._append(parent_id, list(blocks), after, created)
        except NotionError as err:
            if not created:
                raise
            raise NotionPartialWriteError(
                f"appending {len(blocks)} blocks to {parent_id}",
                f"the first {len(created)} top-level blocks were appended (and the levels under them that "
                "could be); the rest was not",
                err,
            ) from err
        return created

    def _append(
        self,
        parent_id: str,
        blocks: Sequence[Mapping[str, Any]],
        after: str | None,
        created: list[dict[str, Any]],
    ) -> None:
        for start in range(0, len(blocks), MAX_CHILDREN_PER_REQUEST):
            batch = [split_levels(b) for b in blocks[start : start + MAX_CHILDREN_PER_REQUEST]]
            answer = self.hook.append_block_children(
                parent_id, [shallow for shallow, _ in batch], after=after
            )
            self.requests += 1
            results = [r for r in answer.get("results", []) if isinstance(r, dict)]
            if len(results) != len(batch):
                raise NotionError(
                    f"Notion answered the append to {parent_id} with {len(results)} blocks for {len(batch)} sent"
                )
            created.extend(results)
            if after is not None:
                after = str(results[-1]["id"])  # the next batch goes after this one, keeping the order
            for made, (_, held) in zip(results, batch, strict=True):
                self.append_held_back(str(made["id"]), held)

    def append_held_back(self, block_id: str, held: HeldBack) -> None:
        """Append what :func:`split_levels` held back for the block just created as ``block_id``."""
        if any(held.grandchildren):
            children = self.hook.list_block_children(block_id, fetch_all=True).get("results", [])
            self.requests += 1
            for child, grandchildren in zip(children, held.grandchildren, strict=False):
                if grandchildren:
                    self._append(str(child["id"]), grandchildren, None, [])
        if held.extra_children:
            self._append(block_id, held.extra_children, None, [])


def fetch_block_tree(
    hook: NotionHook, block_id: str, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[dict[str, Any]]:
    """A page's (or block's) children with theirs under ``"children"``, down to ``max_depth`` levels.

    Blocks below the limit keep ``has_children: true`` and get no ``children``; the Markdown shows them as
    an ``[unsupported block ...]`` line only if their type is not converted, so check ``has_children`` when the
    exact tree matters.
    """
    if max_depth < 1:
        raise NotionInputError("max_depth", f"must be at least 1, got {max_depth}")
    blocks = [dict(b) for b in hook.list_block_children(block_id, fetch_all=True).get("results", [])]
    if max_depth > 1:
        for block in blocks:
            # Child pages and databases are separate documents: their content is not part of this page.
            if block.get("has_children") and block.get("type") not in ("child_page", "child_database"):
                block["children"] = fetch_block_tree(hook, str(block["id"]), max_depth=max_depth - 1)
    return blocks


def page_markdown(hook: NotionHook, page_id: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> dict[str, Any]:
    """``{"id", "markdown", "truncated", "source"}``: Notion's own Markdown where the version has the
    endpoint (``source: "notion"``), else the block tree converted by our converter (``source: "converter"``)."""
    if hook.version.has_page_markdown:
        answer = hook.get_page_markdown(page_id)
        return {
            "id": answer.get("id", page_id),
            "markdown": answer.get("markdown", ""),
            "truncated": bool(answer.get("truncated")),
            "unknown_block_ids": list(answer.get("unknown_block_ids") or []),
            "source": "notion",
        }
    tree = fetch_block_tree(hook, page_id, max_depth=max_depth)
    return {
        "id": page_id,
        "markdown": blocks_to_markdown(tree),
        "truncated": False,
        "unknown_block_ids": [],
        "source": "converter",
    }


def replace_content(
    hook: NotionHook, page_id: str, blocks: list[dict[str, Any]], *, markdown: str | None = None
) -> dict[str, Any]:
    """Replace a page's content: with Notion's Markdown endpoint where the version has it and Markdown was
    given, else by trashing every current top-level block and appending the new ones.

    Delete + append is not atomic: a failure while deleting leaves part of the old content; a failure while
    appending leaves the page with part of the new content. Either raises :class:`NotionPartialWriteError`
    naming what was done; rerunning the task replaces the content again from scratch.
    """
    if markdown is not None and hook.version.has_page_markdown:
        body = {"type": "replace_content", "replace_content": {"new_str": markdown}}
        answer = hook.update_page_markdown(page_id, body)
        return {"id": page_id, "method": "markdown", "deleted": None, "appended": None, "result": answer}
    old = hook.list_block_children(page_id, fetch_all=True).get("results", [])
    deleted = 0
    for block in old:
        if block.get("type") in ("child_page", "child_database"):
            continue  # separate documents: never trashed by a content replace
        try:
            hook.delete_block(str(block["id"]))
        except NotionError as err:
            raise NotionPartialWriteError(
                f"replacing the content of page {page_id}",
                f"{deleted} of {len(old)} old blocks were deleted, nothing new was appended",
                err,
            ) from err
        deleted += 1
    writer = BlockWriter(hook)
    try:
        created = writer.append(page_id, blocks)
    except NotionError as err:
        raise NotionPartialWriteError(
            f"replacing the content of page {page_id}",
            f"the {deleted} old blocks were deleted but appending the new content failed",
            err,
        ) from err
    return {
        "id": page_id,
        "method": "delete_append",
        "deleted": deleted,
        "appended": len(created),
        "result": None,
    }


def split_tree(blocks: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[HeldBack]]:
    """What a create takes in one go (each block with at most 100 children), and what is held back per block."""
    pairs = [split_levels(b) for b in blocks]
    return [shallow for shallow, _ in pairs], [held for _, held in pairs]


def append_left_over(hook: NotionHook, parent_id: str, left_over: list[HeldBack]) -> int:
    """Append the levels :func:`split_tree` held back, under the blocks just created at ``parent_id``.

    Returns the number of requests sent (0 when nothing was held back).
    """
    if not any(left_over):
        return 0
    writer = BlockWriter(hook)
    created = hook.list_block_children(parent_id, fetch_all=True).get("results", [])
    try:
        for block, held in zip(created, left_over, strict=False):
            writer.append_held_back(str(block["id"]), held)
    except NotionError as err:
        raise NotionPartialWriteError(
            f"adding the nested content of {parent_id}",
            "the page and its first two levels of blocks exist; some deeper levels were not appended",
            err,
        ) from err
    return writer.requests + 1


def content_for_create(children: Any, markdown: Any) -> tuple[list[dict[str, Any]] | None, list[HeldBack]]:
    """The ``children`` to create a page with, and the deeper levels to append after it exists.

    ``children`` are passed on as given (Notion's limits apply); ``markdown`` is converted and split so that
    any depth up to :data:`MAX_WRITE_DEPTH` works.
    """
    if markdown in (None, ""):
        return json_list(children, "children"), []
    blocks = content_blocks(children=children, markdown=markdown)
    return split_tree(blocks)
