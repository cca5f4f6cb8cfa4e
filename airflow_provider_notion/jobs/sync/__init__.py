"""Keep a Notion database in step with a table: diff, then write only what changed (``NotionHook.sync_rows``)."""

from __future__ import annotations

from airflow_provider_notion.exceptions import NotionSyncError

__all__ = ["NotionSyncError"]
