"""Moved to :mod:`airflow_provider_notion.client.request`; this name stays importable for code written before."""

from airflow_provider_notion.client.request import (
    API_PREFIX,
    USER_AGENT,
    api_path,
    check_headers,
    drop_none,
    is_read_only,
)

__all__ = ["API_PREFIX", "USER_AGENT", "api_path", "check_headers", "drop_none", "is_read_only"]
