"""The one log line a notification that could not be written leaves: what went wrong and what to fix.

A notifier never raises into the task, the DAG processor or the triggerer; this line (masked) is all that is
left of a failed notification, so it names the target and the change that would make the next one work.
"""

from __future__ import annotations

from jinja2 import TemplateError

from airflow_provider_notion.connection.masking import redact_text
from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionInputError,
    NotionTransportError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.notifications.deadline import NotifyDeadlineReached


def _what_to_fix(error: BaseException) -> str:
    if isinstance(error, TemplateError):
        return "fix the template: the callback's context has no such value (deadline alerts get only dag_run)"
    if isinstance(error, NotionInputError):
        return "fix the NotionNotifier's arguments (or the connection) named above"
    if isinstance(error, NotifyDeadlineReached):
        return "check that Notion (or the connection's host) answers, or give the notifier a longer timeout="
    if isinstance(error, NotionApiError):
        if error.status == 401:
            return "the connection's token was rejected: paste the integration secret again"
        if error.status in (403, 404):
            return "share the database or page with the connection's integration (Connections menu in Notion)"
        if error.status == 400:
            return "the properties do not fit the database's schema: compare their names and types"
        return "Notion refused or failed the request; the next notification tries again"
    if isinstance(error, NotionWriteOutcomeUnknownError):
        return "the write may or may not have been applied; check the row in Notion"
    if isinstance(error, NotionTransportError):
        return "check the connection's host and that this machine can reach Notion"
    return "this is unexpected; please report it with this log line"


def failure_message(target: str, error: BaseException) -> str:
    """The masked warning for a notification to ``target`` that failed with ``error``."""
    reason = f"{type(error).__name__}: {error}"
    return redact_text(f"NotionNotifier could not write to {target}: {reason}; {_what_to_fix(error)}")
