"""What a notification says: the facts of the callback's context, the default body, and Notion's size limits.

Pure functions over the callback context (a task's, a DAG run's or a deadline alert's) and block lists; no
request is sent here. Every text that leaves the process goes through :func:`safe_text` first: Airflow's secrets
masker, then Notion's 2,000-character limit for one rich-text item, with what was cut pointed at the log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from airflow_provider_notion.connection.masking import redact_text
from airflow_provider_notion.markdown import markdown_to_blocks
from airflow_provider_notion.markdown.inline import escape
from airflow_provider_notion.rules.payloads import MAX_ARRAY_LENGTH, MAX_CHILDREN_PER_REQUEST, MAX_TEXT_LENGTH

DEFAULT_BASE_URL = "http://localhost:8080/"


@dataclass(frozen=True)
class Facts:
    """Who and what a notification is about, read from the callback context (``None``: not in it)."""

    dag_id: str | None
    task_id: str | None
    run_id: str | None
    map_index: int | None
    try_number: int | None
    event: str
    exception_type: str | None
    exception_text: str | None
    log_url: str | None

    @property
    def title(self) -> str:
        """The default identity of the row: one per task instance (DAG, task, map index, run)."""
        name = ".".join(part for part in (self.dag_id, self.task_id) if part) or "airflow"
        if self.map_index is not None and self.map_index >= 0:
            name += f"[{self.map_index}]"
        return f"{name} {self.run_id}" if self.run_id else name


def _get(source: Any, name: str) -> Any:
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def base_url() -> str:
    """The Airflow UI's address: ``[api] base_url`` (Airflow 3), else ``[webserver] base_url`` (Airflow 2)."""
    try:
        from airflow.configuration import conf

        for section in ("api", "webserver"):
            value = conf.get(section, "base_url", fallback=None)
            if value:
                return str(value)
    except Exception:  # noqa: S110 - outside an Airflow installation the default address is shown
        pass
    return DEFAULT_BASE_URL


def log_url(
    base: str,
    dag_id: str,
    run_id: str | None,
    task_id: str | None,
    map_index: int | None,
    try_number: int | None,
) -> str:
    """The Airflow UI page of a task try's log (or of the DAG run without a task), as Airflow itself builds it."""
    url = f"{base.rstrip('/')}/dags/{quote(dag_id, safe='')}"
    if run_id:
        url += f"/runs/{quote(run_id, safe='')}"
        if task_id:
            url += f"/tasks/{quote(task_id, safe='')}"
            if map_index is not None and map_index >= 0:
                url += f"/mapped/{map_index}"
            if try_number is not None and try_number > 0:
                url += f"?try_number={try_number}"
    return url


def _event(context: Mapping[str, Any], ti: Any) -> str:
    if "deadline" in context:
        return "deadline missed"
    state = _get(ti, "state") if ti is not None else _get(context.get("dag_run"), "state")
    state = str(getattr(state, "value", state) or "")
    if state in ("up_for_retry", "up_for_reschedule"):
        return "up for retry"
    if state:
        return state.replace("_", " ")
    return "failed" if context.get("exception") is not None else "notified"


def facts(context: Mapping[str, Any]) -> Facts:
    """The facts of a task, DAG or deadline callback context; missing ones are ``None``."""
    ti = context.get("ti") or context.get("task_instance")
    dag_run = context.get("dag_run")
    dag = context.get("dag")
    dag_id = _get(ti, "dag_id") or _get(dag_run, "dag_id") or _get(dag, "dag_id")
    run_id = (
        _get(ti, "run_id") or _get(dag_run, "run_id") or _get(dag_run, "dag_run_id") or context.get("run_id")
    )
    task_id = _get(ti, "task_id")
    map_index = _int_or_none(_get(ti, "map_index"))
    try_number = _int_or_none(_get(ti, "try_number"))
    error = context.get("exception")
    if error is None and context.get("reason"):
        error = context.get("reason")  # a DAG callback names why the run ended
    exception_type = type(error).__name__ if isinstance(error, BaseException) else None
    exception_text = str(error) if error is not None else None
    url = (
        log_url(base_url(), str(dag_id), run_id and str(run_id), task_id, map_index, try_number)
        if dag_id
        else None
    )
    return Facts(
        dag_id=str(dag_id) if dag_id else None,
        task_id=str(task_id) if task_id else None,
        run_id=str(run_id) if run_id else None,
        map_index=map_index,
        try_number=try_number,
        event=_event(context, ti),
        exception_type=exception_type,
        exception_text=exception_text,
        log_url=url,
    )


def with_run_id(context: Mapping[str, Any]) -> dict[str, Any]:
    """A deadline alert's context with ``run_id`` at the top, as task contexts have it.

    Airflow hands a deadline alert's callback the DAG run as its REST API shows it, where the run id is called
    ``dag_run_id``; with ``run_id`` added, one template (``{{ run_id }}``) serves task callbacks and alerts.
    """
    found = dict(context)
    if "run_id" not in found:
        run_id = _get(found.get("dag_run"), "run_id") or _get(found.get("dag_run"), "dag_run_id")
        if run_id:
            found["run_id"] = run_id
    return found


def safe_text(text: str, limit: int = MAX_TEXT_LENGTH, *, more_at: str | None = None) -> str:
    """``text`` masked, then cut to ``limit`` characters with a note saying how much was cut and where it is."""
    masked = redact_text(text)
    if len(masked) <= limit:
        return masked
    note = (
        f" … [{{}} more characters cut; the full text is in the task log{': ' + more_at if more_at else ''}]"
    )
    keep = max(0, limit - len(note.format(len(masked))))
    return masked[:keep] + note.format(len(masked) - keep)


def default_markdown(found: Facts) -> str:
    """The default body of one notification: what happened, to what, the exception type and a link to the log."""
    lines = [f"### {found.event.capitalize()}" + (f": {found.task_id}" if found.task_id else "")]
    for label, value in (
        ("DAG", found.dag_id),
        ("Task", found.task_id),
        ("Run id", found.run_id),
        ("Map index", None if found.map_index is None or found.map_index < 0 else str(found.map_index)),
        ("Try number", None if found.try_number is None else str(found.try_number)),
        ("Exception", found.exception_type),
    ):
        if value is not None:
            lines.append(f"- {label}: {escape(value)}")
    if found.log_url:
        lines.append(f"- Log: [{escape(found.log_url)}]({found.log_url})")
    body = "\n".join(lines)
    if found.exception_text:
        # Longer than one rich-text item is cut here, not split, so a notification stays one small request.
        text = safe_text(found.exception_text, MAX_TEXT_LENGTH, more_at=found.log_url)
        body += "\n\n```text\n" + text.replace("```", "` ` `") + "\n```"
    return body


def body_blocks(markdown: str, *, more_at: str | None = None) -> list[dict[str, Any]]:
    """The blocks of a notification's body: masked, at most one request's worth (100), the cut pointed at."""
    blocks = markdown_to_blocks(redact_text(markdown))
    return fit_blocks(blocks, more_at=more_at)


def fit_blocks(
    blocks: Sequence[dict[str, Any]], *, limit: int = MAX_CHILDREN_PER_REQUEST, more_at: str | None = None
) -> list[dict[str, Any]]:
    """At most ``limit`` blocks; when more, the last one says how many were left out and where to read them."""
    blocks = [fit_rich_text(block, more_at=more_at) for block in blocks]
    if len(blocks) <= limit:
        return blocks
    left_out = len(blocks) - (limit - 1)
    where = f" the task log: {more_at}" if more_at else " the task log"
    note = (
        f"… {left_out} more blocks of this notification were not written (Notion takes {limit} per request); "
        f"see{where}"
    )
    return [*blocks[: limit - 1], paragraph(note, link=more_at)]


def fit_rich_text(block: dict[str, Any], *, more_at: str | None = None) -> dict[str, Any]:
    """``block`` with at most 100 rich-text items (Notion's limit); when more, the last says what was cut."""
    body = block.get(str(block.get("type")))
    if not isinstance(body, dict):
        return block
    items = body.get("rich_text")
    if not isinstance(items, list) or len(items) <= MAX_ARRAY_LENGTH:
        return block
    cut = sum(len(str((item.get("text") or {}).get("content", ""))) for item in items[MAX_ARRAY_LENGTH - 1 :])
    note = paragraph(f" … [{cut} more characters cut; the full text is in the task log]", link=more_at)
    last = note["paragraph"]["rich_text"][0]
    return {**block, block["type"]: {**body, "rich_text": [*items[: MAX_ARRAY_LENGTH - 1], last]}}


def paragraph(text: str, *, link: str | None = None) -> dict[str, Any]:
    """A paragraph block of one plain rich-text item (already within the size limit)."""
    item: dict[str, Any] = {"type": "text", "text": {"content": text[:MAX_TEXT_LENGTH]}}
    if link:
        item["text"]["link"] = {"url": link}
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": [item]}}
