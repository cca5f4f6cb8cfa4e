"""Notion blocks <-> Markdown, standard library only.

:func:`markdown_to_blocks` turns Markdown into block objects ready for ``POST /v1/pages`` or an append;
:func:`blocks_to_markdown` turns a block tree (as Notion returns it, children fetched) back into Markdown.
The dialect is described in ``docs/pages.md``; blocks it does not cover are written as a visible
``[unsupported block: <type> ...]`` line, never dropped.
"""

from __future__ import annotations

from airflow_provider_notion.markdown.parse import markdown_to_blocks
from airflow_provider_notion.markdown.render import blocks_to_markdown

__all__ = ["blocks_to_markdown", "markdown_to_blocks"]
