"""``sync_rows``: make a Notion database hold exactly the source's rows, with as few requests as that takes.

1. Read the schema (the database, and its data source since 2025-09-03: at most two requests).
2. Map every source row by the schema (:mod:`airflow_provider_notion.rules.values.to_notion`), checking every
   value against Notion's limits; resolve people given by e-mail (one users listing); then, only once every
   row passed, optionally add missing columns as properties (one schema update, the first write).
3. Read every existing row once, 100 per request, only the key and the synced properties, past the
   10,000-row cap (:class:`~airflow_provider_notion.client.large_query.CompleteQuery`).
4. Plan (:mod:`airflow_provider_notion.jobs.sync.plan`): every check that can fail does so here, before any write.
5. Write what changed, overlapping the writes in a small thread pool; every request still takes its slot in the
   machine-wide pacing bucket, so the pool fills the rate limit without exceeding it.

Rerunning after a failure is the recovery: the next run re-reads Notion and writes only what is still missing
or different. A write whose answer was lost or ambiguous (``NotionWriteOutcomeUnknownError``: a timeout, a
reset, any 5xx including 529) is never retried, here or by the client; it stops the sync, and the next run's
diff, which matches rows by key, sees whether it was applied.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.exceptions import (
    NotionInputError,
    NotionSyncError,
    NotionWriteOutcomeUnknownError,
)
from airflow_provider_notion.jobs.sync.plan import SyncPlan, Write, list_keys, plan_sync, show_key
from airflow_provider_notion.jobs.targets import TableSchema, read_table
from airflow_provider_notion.jobs.users import read_email_directory
from airflow_provider_notion.rules.keys import Key, check_key_type, key_of, unique_id_key
from airflow_provider_notion.rules.values.to_notion import (
    infer_property_type,
    mentions_email,
    to_property_values,
)
from airflow_provider_notion.utils.coerce import as_number, whole_number

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook

log = logging.getLogger(__name__)

#: Writes in flight when pacing is off.
DEFAULT_MAX_WORKERS = 4
#: The hook's HTTP connection pool holds 8 connections; more threads would open and drop extra ones.
MAX_WORKERS = 8
#: The slowest write the automatic pool size keeps the pacing rate for: ``rate * this`` writes in flight.
COVERED_LATENCY = 1.0
DEFAULT_MAX_IDS = 100
DEFAULT_SAMPLE_SIZE = 20
PROGRESS_INTERVAL = 10.0
_ACTION_COUNT = {"create": "created", "update": "updated", "trash": "trashed"}


@dataclass
class SyncOptions:
    """The caller's choices, checked before any request is sent."""

    key: str
    delete_missing: bool = False
    add_missing_properties: bool = False
    dry_run: bool = False
    max_delete_fraction: float = 0.5
    max_workers: int | None = None
    max_ids: int = DEFAULT_MAX_IDS
    sample_size: int = DEFAULT_SAMPLE_SIZE
    progress_interval: float = PROGRESS_INTERVAL
    clock: Callable[[], float] = time.monotonic

    def check(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip():
            raise NotionInputError("key", "give the name of the column that identifies a row")
        # One rule for numbers (utils/coerce.py): "0.5" or "7" given as text mean what 0.5 and 7 mean.
        self.max_delete_fraction = as_number(
            self.max_delete_fraction, "max_delete_fraction", maximum=1, required=True
        )
        self.max_ids = whole_number(self.max_ids, "max_ids")
        self.sample_size = whole_number(self.sample_size, "sample_size")
        if self.max_workers is not None:
            self.max_workers = whole_number(self.max_workers, "max_workers", 1, MAX_WORKERS)


@dataclass
class _Counts:
    """What the sync did (or, in a dry run, would do); the base of the returned dict."""

    requests: int = 0
    done: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "trashed": 0})
    ids: dict[str, list[str]] = field(default_factory=lambda: {"created": [], "updated": [], "trashed": []})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_request(self, count: int = 1) -> None:
        with self.lock:
            self.requests += count


def sync_rows(
    hook: NotionHook,
    rows: Iterable[Mapping[str, Any]],
    *,
    key: str,
    database_id: Any = None,
    data_source_id: Any = None,
    delete_missing: bool = False,
    add_missing_properties: bool = False,
    dry_run: bool = False,
    max_delete_fraction: float = 0.5,
    max_workers: int | None = None,
    max_ids: int = DEFAULT_MAX_IDS,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    progress_interval: float = PROGRESS_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Make a database hold exactly ``rows`` (column -> plain or Notion value), matched by the ``key`` column.

    Reads the schema (≤ 2 requests) and every existing row once (⌈rows / 100⌉), then creates, updates (only
    the properties that differ) or, with ``delete_missing``, trashes rows, in a pool of ``max_workers``
    threads paced by the shared bucket (default: enough to keep the pacing rate with 1 s per write, 2-8).
    Returns the counts ``created``, ``updated``, ``unchanged``, ``trashed``, ``requests`` and up to
    ``max_ids`` ids of each kind; ``dry_run`` plans without writing and returns ``sample_size`` planned
    writes. Name the database with exactly one of ``database_id`` and ``data_source_id``.

    :raises NotionInputError: bad arguments or a value that does not fit its column, before any write.
    :raises NotionSyncError: duplicate keys, too many rows to trash (``max_delete_fraction``), or a write
        that failed (the others already sent are kept; a rerun finishes the job).
    """
    options = SyncOptions(
        key=key,
        delete_missing=delete_missing,
        add_missing_properties=add_missing_properties,
        dry_run=dry_run,
        max_delete_fraction=max_delete_fraction,
        max_workers=max_workers,
        max_ids=max_ids,
        sample_size=sample_size,
        progress_interval=progress_interval,
        clock=clock,
    )
    return run_sync(hook, rows, database_id=database_id, data_source_id=data_source_id, options=options)


def run_sync(
    hook: NotionHook,
    rows: Iterable[Mapping[str, Any]],
    *,
    database_id: Any = None,
    data_source_id: Any = None,
    options: SyncOptions,
) -> dict[str, Any]:
    """:func:`sync_rows` with the options already gathered."""
    options.check()
    given = [v for v in (database_id, data_source_id) if v not in (None, "")]
    if len(given) != 1:
        raise NotionInputError("database_id", "give exactly one of database_id or data_source_id")
    counts = _Counts()
    source = _materialise(rows, options.key)  # bad input fails before the first request
    target = _read_target(hook, database_id, data_source_id, counts)
    key_type = check_key_type(options.key, target.schema)
    added = _missing_properties(target.schema, source, options)
    # Rows are mapped (and every value checked against Notion's limits) by the schema as it will be once the
    # missing columns are added, so a bad value fails before the schema update, the sync's first write.
    planned = {**target.schema, **{c: {"id": c, "name": c, "type": t, t: {}} for c, t in added.items()}}
    users = _users_by_email(hook, planned, source, counts)
    mapped = _map_rows(planned, source, options.key, key_type, users)
    del source
    _add_properties(hook, target, added, options, counts)
    pages = _read_existing(hook, target, options.key, mapped, counts)
    plan = plan_sync(
        target.schema,
        options.key,
        key_type,
        mapped,
        pages,
        delete_missing=options.delete_missing,
        max_delete_fraction=options.max_delete_fraction,
    )
    result: dict[str, Any] = {
        "rows": len(mapped),
        "existing": plan.existing,
        "unchanged": plan.unchanged,
        "dry_run": options.dry_run,
        "added_properties": added,
        "database_id": target.database_id,
        "data_source_id": target.data_source_id,
        "title": target.title,
        "url": target.url,
    }
    if plan.without_key:
        log.warning(
            "%d rows of the database have no %r; the sync leaves them alone", plan.without_key, options.key
        )
        result["rows_without_key"] = plan.without_key
    if options.dry_run:
        result.update(created=len(plan.creates), updated=len(plan.updates), trashed=len(plan.trashes))
        result["requests"] = counts.requests
        result["sample"] = [w.describe() for w in plan.writes[: options.sample_size]]
        log.info("Dry run: %s", _summary(result))
        return result
    _execute(hook, target, plan, options, counts, result)
    _finish(result, counts, options)
    log.info("Sync done: %s", _summary(result))
    return result


def _read_target(hook: NotionHook, database_id: Any, data_source_id: Any, counts: _Counts) -> TableSchema:
    """The schema and where rows go: at most two reads (the database, then its single data source)."""
    table = read_table(hook, database_id=database_id, data_source_id=data_source_id)
    counts.add_request(table.requests)
    return table


def _materialise(rows: Iterable[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """The source rows in memory (the plan needs them all); each must be an object with a key."""
    if isinstance(rows, (str | bytes, Mapping)):
        raise NotionInputError("rows", "expected a list of rows (objects of column name -> value)")
    found: list[Mapping[str, Any]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise NotionInputError(
                f"rows[{index}]", f"expected an object of column -> value, got {type(row).__name__}"
            )
        if row.get(key) in (None, ""):
            raise NotionInputError(f"rows[{index}]", f"has no value for the key column {key!r}")
        found.append(row)
    return found


#: Characters of a key shown where an error names its row (a key can be as long as a title).
MAX_KEY_SHOWN = 60


def _where(key: str, row: Mapping[str, Any]) -> str:
    """How errors name a row: ``rows[SKU='A-7']``; a long key is cut, so the message stays readable."""
    raw = row.get(key)
    if isinstance(raw, Mapping):
        return f"rows[{key}]"
    shown = repr(raw)
    if len(shown) > MAX_KEY_SHOWN:
        shown = f"{shown[: MAX_KEY_SHOWN - 3]}... ({len(str(raw)):,} characters)"
    return f"rows[{key}={shown}]"


def _missing_properties(
    schema: Mapping[str, Any], source: list[Mapping[str, Any]], options: SyncOptions
) -> dict[str, str]:
    """Columns that are not properties, with the type each would get: an error naming them unless
    ``add_missing_properties`` (no request here)."""
    missing: dict[str, str] = {}
    for row in source:
        for column, value in row.items():
            if column in schema:
                continue
            if column not in missing or (missing[column] == "" and value not in (None, "")):
                missing[column] = "" if value in (None, "") else infer_property_type(value)
    if not missing:
        return {}
    if not options.add_missing_properties:
        names = ", ".join(repr(c) for c in sorted(missing))
        raise NotionInputError(
            "rows",
            f"columns {names} are not properties of the database (it has: {', '.join(sorted(schema))}); "
            "add them in Notion, drop them from the rows, or set add_missing_properties=True",
        )
    return {column: prop_type or "rich_text" for column, prop_type in missing.items()}


def _add_properties(
    hook: NotionHook, target: TableSchema, added: Mapping[str, str], options: SyncOptions, counts: _Counts
) -> None:
    """Add the missing columns as properties in one schema update (not in a dry run)."""
    if not added:
        return
    definitions: dict[str, Any] = {column: {prop_type: {}} for column, prop_type in added.items()}
    if not options.dry_run:
        counts.add_request()
        updated = hook.request("PATCH", target.schema_path, json={"properties": definitions})
        schema = updated.get("properties") if isinstance(updated, Mapping) else None
        if isinstance(schema, Mapping) and all(c in schema for c in added):
            target.schema = dict(schema)
            log.info(
                "Added properties to the database: %s", ", ".join(f"{c} ({t})" for c, t in added.items())
            )
            return
    for column, prop_type in added.items():
        target.schema[column] = {"id": column, "name": column, "type": prop_type, prop_type: {}}


def _users_by_email(
    hook: NotionHook, schema: Mapping[str, Any], source: list[Mapping[str, Any]], counts: _Counts
) -> dict[str, str] | None:
    """E-mail -> user id from one users listing, only when some people value is an e-mail address."""
    people = [
        name for name, prop in schema.items() if isinstance(prop, Mapping) and prop.get("type") == "people"
    ]
    if not any(mentions_email(row.get(name)) for row in source for name in people if name in row):
        return None
    directory = read_email_directory(hook)
    counts.add_request(directory.requests)
    return directory.ids


def _map_rows(
    schema: Mapping[str, Any],
    source: list[Mapping[str, Any]],
    key: str,
    key_type: str,
    users: Mapping[str, str] | None,
) -> list[tuple[Key, dict[str, Any]]]:
    """``(key, property values)`` per row; duplicate keys are an error listing them."""
    mapped: list[tuple[Key, dict[str, Any]]] = []
    seen: set[Key] = set()
    duplicates: set[Key] = set()
    for row in source:
        where = _where(key, row)
        if key_type == "unique_id":
            row_key: Key | None = unique_id_key(row[key], f"{where}.{key}")
            values = to_property_values(
                schema, {c: v for c, v in row.items() if c != key}, field=where, users_by_email=users
            )
        else:
            values = to_property_values(schema, row, field=where, users_by_email=users)
            row_key = key_of(key_type, values[key])
        if row_key is None:
            raise NotionInputError(where, f"has no value for the key column {key!r}")
        if row_key in seen:
            duplicates.add(row_key)
        seen.add(row_key)
        mapped.append((row_key, values))
    if duplicates:
        raise NotionSyncError(
            f"{len(duplicates)} keys of {key!r} appear in more than one source row: {list_keys(duplicates)}. "
            "Nothing was written. Each key must identify one row."
        )
    return mapped


def _read_existing(
    hook: NotionHook,
    target: TableSchema,
    key: str,
    mapped: list[tuple[Key, dict[str, Any]]],
    counts: _Counts,
) -> list[dict[str, Any]]:
    """Every existing row, once, with only the key and the synced properties (100 rows per request)."""
    columns = {key}
    for _, values in mapped:
        columns.update(values)
    # Schema ids are already URL-encoded (``K%3CbS``) and are sent as they are, encoded once more, as Notion's
    # SDKs do: the server decodes the query string once and compares with the id it gave.
    ids = [str(target.schema[c].get("id") or c) for c in sorted(columns) if c in target.schema]
    query = hook.complete_query(
        None if target.data_source_id else target.database_id,
        data_source_id=target.data_source_id,
        page_size=100,
        filter_properties=ids,
    )
    pages: list[dict[str, Any]] = []
    try:
        for batch in query.batches():
            pages.extend(batch)
    finally:
        counts.add_request(query.requests)
    return pages


def _execute(
    hook: NotionHook,
    target: TableSchema,
    plan: SyncPlan,
    options: SyncOptions,
    counts: _Counts,
    result: dict[str, Any],
) -> None:
    """Send the planned writes through a small thread pool; stop at the first failure."""
    writes = plan.writes
    total = len(writes)
    if not total:
        return
    stop = threading.Event()
    failures: list[tuple[Write, BaseException]] = []

    def send(write: Write) -> None:
        if stop.is_set():
            return
        try:
            counts.add_request()
            if write.action == "create":
                page = hook.create_page(dict(target.parent), write.properties)
            elif write.action == "update":
                assert write.page_id is not None
                page = hook.update_page(write.page_id, write.properties)
            else:
                assert write.page_id is not None
                page = hook.update_page(write.page_id, None, in_trash=True)
        except BaseException as error:
            stop.set()
            with counts.lock:
                failures.append((write, error))
            return
        counted = _ACTION_COUNT[write.action]
        with counts.lock:
            counts.done[counted] += 1
            if len(counts.ids[counted]) < options.max_ids:
                counts.ids[counted].append(str(page.get("id") or write.page_id))

    started = options.clock()
    last_log = started
    workers = min(pool_size(options, hook.requests_per_second), total)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notion-sync") as pool:
        pending: set[Future[None]] = {pool.submit(send, write) for write in writes}
        while pending:
            _, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            now = options.clock()
            if now - last_log >= options.progress_interval and pending:
                last_log = now
                _log_progress(counts, total, plan.unchanged, now - started)
    result["write_seconds"] = round(options.clock() - started, 3)
    if failures:
        _finish(result, counts, options)
        raise _failure(failures, result, total)


def pool_size(options: SyncOptions, requests_per_second: float | None) -> int:
    """Writes in flight: as given, else enough to keep the pacing rate with writes taking up to 1 s each."""
    if options.max_workers is not None:
        return options.max_workers
    if not requests_per_second:
        return DEFAULT_MAX_WORKERS
    return max(2, min(MAX_WORKERS, math.ceil(requests_per_second * COVERED_LATENCY)))


def _log_progress(counts: _Counts, total: int, unchanged: int, elapsed: float) -> None:
    with counts.lock:
        done = dict(counts.done)
    finished = sum(done.values())
    eta = elapsed / finished * (total - finished) if finished else math.inf
    log.info(
        "Sync progress: %d/%d writes (created %d, updated %d, trashed %d; %d unchanged), ETA %s",
        finished,
        total,
        done["created"],
        done["updated"],
        done["trashed"],
        unchanged,
        "unknown" if math.isinf(eta) else f"{eta:.0f} s",
    )


def _finish(result: dict[str, Any], counts: _Counts, options: SyncOptions) -> None:
    with counts.lock:
        result.update(counts.done)
        result["requests"] = counts.requests
        for action, ids in counts.ids.items():
            result[f"{action}_ids"] = list(ids)
        result["ids_truncated"] = any(counts.done[a] > len(counts.ids[a]) for a in counts.done)


def _failure(
    failures: list[tuple[Write, BaseException]], result: dict[str, Any], total: int
) -> NotionSyncError:
    unknown = [w for w, e in failures if isinstance(e, NotionWriteOutcomeUnknownError)]
    write, first = failures[0]
    done = result["created"] + result["updated"] + result["trashed"]
    message = (
        f"The sync stopped after {done} of {total} writes: {write.action} of the row with key "
        f"{show_key(write.key)!r} failed: {first}"
    )
    if len(failures) > 1:
        message += f" ({len(failures)} writes failed in all)"
    if unknown:
        message += (
            f". {len(unknown)} writes may or may not have been applied; they were not retried (a retry could "
            "create a duplicate)"
        )
    message += (
        ". Run the sync again: it re-reads the database and writes only what is still missing or different."
    )
    return NotionSyncError(message, result)


def _summary(result: Mapping[str, Any]) -> str:
    return (
        f"{result.get('rows')} source rows, {result.get('existing')} existing: created {result.get('created')}, "
        f"updated {result.get('updated')}, unchanged {result.get('unchanged')}, trashed {result.get('trashed')} "
        f"in {result.get('requests')} requests"
    )
