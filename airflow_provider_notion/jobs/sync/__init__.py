"""Keep a Notion database in step with a table: diff, then write only what changed (:func:`.engine.sync_rows`)."""

from __future__ import annotations

from airflow_provider_notion.exceptions import NotionSyncError

__all__ = ["NotionSyncError"]
