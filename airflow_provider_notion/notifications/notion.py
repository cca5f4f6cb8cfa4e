"""NotionNotifier: task and DAG callbacks and deadline alerts become rows (or blocks) in Notion.

One notifier object is called for every try and every map index of a task, so each call renders a copy from
the original templates and never keeps what it rendered. Rows are found by a key property (default: the title),
so a task that fails, is retried and fails again, then succeeds, keeps one row whose properties follow the
latest call and whose body lists every call. See ``docs/notifications.md``.

A notification never makes things worse: it has a short total deadline, retries a request at most a few times
(never with the task's own retries), logs a failure with what to fix instead of raising it, and writes only
masked text within Notion's size limits.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.notifier import BaseNotifier

from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.connection.masking import mask_secrets
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.notifications.content import (
    body_blocks,
    default_markdown,
    facts,
    safe_text,
    with_run_id,
)
from airflow_provider_notion.notifications.deadline import (
    DEFAULT_NOTIFY_RETRIES,
    DEFAULT_NOTIFY_TIMEOUT,
    MAX_NOTIFY_TIMEOUT,
    MIN_NOTIFY_TIMEOUT,
    Deadline,
    NotifyDeadlineReached,
)
from airflow_provider_notion.notifications.failures import failure_message
from airflow_provider_notion.notifications.flow import (
    Entry,
    Flow,
    Outcome,
    Send,
    database_flow,
    page_flow,
    run_async,
    run_sync,
)
from airflow_provider_notion.rules.versions import NotionVersion, resolve_notion_version
from airflow_provider_notion.utils.coerce import as_bool, as_number, whole_number

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook

#: The longest one request may wait for its answer, within the notification's deadline.
PER_REQUEST_TIMEOUT = 10.0
#: Back-off before a retry: short, the whole notification has a deadline of seconds.
RETRY_BASE_DELAY = 0.5


def masked(value: Any, more_at: str | None = None) -> Any:
    """``value`` with every string in it (Notion property values nest them) masked and cut to one rich-text
    item (2,000 characters), the cut pointing at ``more_at`` (the task's log)."""
    if isinstance(value, str):
        return safe_text(value, more_at=more_at)
    if isinstance(value, Mapping):
        return {key: masked(item, more_at) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item, more_at) for item in value]
    return value


class NotionNotifier(BaseNotifier):
    """Write a callback's notification to a Notion database row (found by ``key``) or to a page.

    :param database_id: the database (id or URL) whose row is created or updated; it must have one data source.
    :param properties: plain values by property name, mapped by the database's schema as the sync and
        update operators map them (``{"Status": "failed", "Try": "{{ ti.try_number }}"}``). Without a value
        for the key property, the row's key is ``<dag_id>.<task_id>[<map_index>] <run_id>``.
    :param markdown: the body appended for this notification (Markdown, see docs/pages.md); default: what
        happened, the DAG, task, run id, map index, try number, exception type and a link to the task's log.
    :param key: the property that identifies the row (default: the database's title property).
    :param notion_conn_id: the Notion connection.
    :param parent_page_id: page mode instead of ``database_id``: append the body to this page.
    :param child_page: in page mode, create a child page per notification (titled by ``properties["title"]``
        or the default key) instead of appending blocks.
    :param timeout: the whole notification's deadline in seconds (every request, retry and wait).
    :param max_retries: retries of one request (reads, and writes Notion refused before applying them).
    :param notion_version: overrides the connection's ``Notion-Version``.
    """

    template_fields = ("database_id", "parent_page_id", "properties", "markdown", "key", "notion_conn_id")

    def __init__(
        self,
        *,
        database_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        markdown: str | None = None,
        key: str | None = None,
        notion_conn_id: str = "notion_default",
        parent_page_id: str | None = None,
        child_page: bool = False,
        timeout: float = DEFAULT_NOTIFY_TIMEOUT,
        max_retries: int = DEFAULT_NOTIFY_RETRIES,
        notion_version: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (database_id in (None, "")) == (parent_page_id in (None, "")):
            raise NotionInputError("database_id", "give exactly one of database_id or parent_page_id")
        if properties is not None and not isinstance(properties, Mapping):
            raise NotionInputError(
                "properties", f"expected a mapping of property values, got {type(properties).__name__}"
            )
        if markdown is not None and not isinstance(markdown, str):
            raise NotionInputError("markdown", f"expected a Markdown string, got {type(markdown).__name__}")
        if key is not None and (not isinstance(key, str) or not key):
            raise NotionInputError("key", "expected the name of a property")
        if notion_version is not None:
            resolve_notion_version(notion_version)
        self.database_id = database_id
        self.parent_page_id = parent_page_id
        self.properties = dict(properties or {})
        self.markdown = markdown
        self.key = key
        self.notion_conn_id = notion_conn_id
        self.child_page = as_bool(child_page, "child_page")
        self.timeout = float(
            as_number(
                timeout, "timeout", minimum=MIN_NOTIFY_TIMEOUT, maximum=MAX_NOTIFY_TIMEOUT, required=True
            )
        )
        self.max_retries = whole_number(max_retries, "max_retries", 0, 5)
        self.notion_version = notion_version

    # ------------------------------------------------------------------ rendering on a copy

    def __call__(self, *args: Any) -> None:
        """Notify from a copy rendered with the callback's context (task and DAG callbacks, sync).

        Airflow calls a task callback with the context, a DAG's SLA-style callback with
        ``(dag, task_list, blocking_task_list, blocking_tis)``, as ``BaseNotifier`` does.
        """
        if len(args) == 1:
            context = args[0]
        else:
            context = dict(
                zip(("dag", "task_list", "blocking_task_list", "blocking_tis"), args, strict=False)
            )
        rendered = self.rendered(context)
        if rendered is not None:
            rendered.notify(context)

    def __await__(self) -> Generator[Any, None, None]:
        """Notify from a copy rendered with ``self.context``: a deadline alert's callback in the triggerer."""
        return self._render_and_notify_async().__await__()

    async def _render_and_notify_async(self) -> None:
        context = with_run_id(self.context)
        rendered = self.rendered(context)
        if rendered is not None:
            await rendered.async_notify(context)

    def rendered(self, context: Any) -> NotionNotifier | None:
        """A copy of this notifier with every template field rendered; this object keeps the templates.

        ``None`` (and a logged reason) when a template cannot be rendered with this context.
        """
        rendered = copy.copy(self)
        try:
            rendered.render_template_fields(context)
        except Exception as error:
            self.log.warning("%s", failure_message(self.target, error))
            return None
        return rendered

    # ------------------------------------------------------------------ what to write

    @property
    def target(self) -> str:
        return f"database {self.database_id}" if self.database_id else f"page {self.parent_page_id}"

    def retry_policy(self) -> RetryPolicy:
        """Few, short retries; a ``Retry-After`` longer than the deadline fails at once instead of waiting."""
        return RetryPolicy(
            max_retries=self.max_retries,
            base_delay=RETRY_BASE_DELAY,
            max_delay=self.timeout / 4,
            max_retry_after=self.timeout / 2,
        )

    def entry(self, context: Mapping[str, Any]) -> Entry:
        """The rendered notification, masked and cut to Notion's limits (secrets must be registered first)."""
        found = facts(context)
        markdown = self.markdown if self.markdown is not None else default_markdown(found)
        properties = {name: masked(value, found.log_url) for name, value in (self.properties or {}).items()}
        return Entry(
            properties=properties,
            blocks=body_blocks(str(markdown), more_at=found.log_url),
            key=self.key or None,
            default_title=found.title,
        )

    def flow(self, entry: Entry, version: NotionVersion) -> Flow:
        if self.database_id:
            return database_flow(str(self.database_id), entry, version)
        return page_flow(str(self.parent_page_id), entry, child_page=self.child_page)

    def _logged(self, outcome: Outcome) -> None:
        for note in outcome.notes:
            self.log.warning("NotionNotifier: %s", note)
        verb = "created" if outcome.created else "updated"
        self.log.info("NotionNotifier %s page %s in %s", verb, outcome.page_id, self.target)

    # ------------------------------------------------------------------ sync: task and DAG callbacks

    def hook(self, deadline: Deadline) -> NotionHook:
        from airflow_provider_notion.hooks.notion import NotionHook

        return NotionHook(
            self.notion_conn_id,
            self.notion_version,
            timeout=PER_REQUEST_TIMEOUT,
            retry_policy=self.retry_policy(),
            sleep=deadline.sleep,
        )

    def notify(self, context: Any) -> None:
        """Write the notification (worker, DAG processor); a failure is logged with what to fix, never raised."""
        deadline = Deadline(self.timeout)
        try:
            hook = self.hook(deadline)
            # Reading the connection registers its secrets with the masker: before any text is masked.
            mask_secrets(hook.settings.secrets())
            entry = self.entry(context)

            def send(step: Send) -> Any:
                timeout = deadline.request_timeout(PER_REQUEST_TIMEOUT)
                return hook.request(step.method, step.path, json=step.json, timeout=timeout)

            self._logged(run_sync(self.flow(entry, hook.version), send))
        except Exception as error:
            if deadline.remaining() <= 0 and not isinstance(error, NotifyDeadlineReached):
                error = NotifyDeadlineReached(self.timeout)
            self.log.warning("%s", failure_message(self.target, error))

    # ------------------------------------------------------------------ async: deadline alerts in the triggerer

    async def async_notify(self, context: Any) -> None:
        """Write the notification on the event loop (triggerer); bounded by ``timeout``, never raised."""
        try:
            await asyncio.wait_for(self._async_send(context), timeout=self.timeout)
        except TimeoutError:
            self.log.warning("%s", failure_message(self.target, NotifyDeadlineReached(self.timeout)))
        except Exception as error:
            self.log.warning("%s", failure_message(self.target, error))

    async def _async_send(self, context: Any) -> None:
        from airflow_provider_notion.client.aio import AsyncNotionClient
        from airflow_provider_notion.triggers.notion import read_trigger_connection

        settings, version_name = await read_trigger_connection(self.notion_conn_id, self.notion_version)
        mask_secrets(settings.secrets())
        client = AsyncNotionClient(
            settings=settings,
            notion_version=version_name,
            retry_policy=self.retry_policy(),
            timeout=min(PER_REQUEST_TIMEOUT, self.timeout),
            deadline=time.time() + self.timeout,
        )
        entry = self.entry(context)

        async def send(step: Send) -> Any:
            return await client.request(step.method, step.path, json=step.json)

        self._logged(await run_async(self.flow(entry, resolve_notion_version(version_name)), send))


#: The functional alias the official providers give their notifiers (``send_slack_notification``).
send_notion_notification = NotionNotifier
