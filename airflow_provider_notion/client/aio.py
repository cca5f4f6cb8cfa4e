"""The asynchronous sender (``httpx``) and :class:`AsyncNotionClient`, used by the triggers.

Requests are built, parsed and judged by :class:`~.base.BaseClient` exactly as for the sync hook; this module
only sends, sleeps, and paces on the process-wide token bucket of :mod:`airflow_provider_notion.client.pacing.buckets`.

A triggerer process runs many triggers on one event loop, so they share one ``httpx.AsyncClient`` per
(event loop, base URL): one connection pool instead of a thousand. A client is bound to the loop that created
its connections, hence the per-loop key; it is dropped with its loop. httpx reads proxies and the CA bundle from
the environment when the client is created, and never ``~/.netrc`` (that needs an explicit ``NetRCAuth``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from airflow_provider_notion.client.base import (
    CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
    Answer,
    BaseClient,
    Call,
    authorization,
    elapsed_ms,
)
from airflow_provider_notion.client.large_query import CompleteQuery
from airflow_provider_notion.client.pacing.buckets import pacing_bucket
from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_REQUESTS_PER_SECOND, TokenBucket
from airflow_provider_notion.client.paging import list_object
from airflow_provider_notion.client.request import api_path, is_read_only
from airflow_provider_notion.client.retry import AttemptFailure, RetryPolicy
from airflow_provider_notion.connection.settings import NotionConnectionSettings
from airflow_provider_notion.exceptions import NotionApiError, NotionInputError, NotionTransportError

log = logging.getLogger(__name__)

#: Enough parallel connections for a triggerer full of sensors; pacing keeps the real concurrency low.
POOL_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=20)

Sleep = Callable[[float], Awaitable[None]]

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, httpx.AsyncClient]] = (
    weakref.WeakKeyDictionary()
)


class DeadlineReached(Exception):
    """The caller's deadline comes before this request could be sent."""


def new_client() -> httpx.AsyncClient:
    """A fresh client; redirects are not followed, so the token never goes to another host."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(DEFAULT_TIMEOUT, connect=CONNECT_TIMEOUT),
        limits=POOL_LIMITS,
        follow_redirects=False,
    )


_pacing_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[TokenBucket, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def pacing_lock(bucket: TokenBucket) -> asyncio.Lock:
    """The queue (FIFO) in which this loop's requests for one token wait for their slot."""
    per_loop = _pacing_locks.setdefault(asyncio.get_running_loop(), {})
    lock = per_loop.get(bucket)
    if lock is None:
        lock = per_loop[bucket] = asyncio.Lock()
    return lock


def shared_client(base_url: str) -> httpx.AsyncClient:
    """The client shared by every trigger of the running event loop that talks to ``base_url``.

    Only the event loop's thread touches the mapping for that loop, so no lock is needed.
    """
    loop = asyncio.get_running_loop()
    per_loop = _clients.setdefault(loop, {})
    client = per_loop.get(base_url)
    if client is None or client.is_closed:
        client = per_loop[base_url] = new_client()
    return client


@dataclass
class AsyncNotionClient:
    """Send requests for one connection: ``await client.request("POST", "/data_sources/…/query", json=…)``.

    :param settings: the connection, e.g. from :meth:`NotionConnectionSettings.from_connection`.
    :param notion_version: the ``Notion-Version`` name (already resolved by the caller).
    :param requests_per_second: pacing per token on this machine; ``None``/``0`` turns it off.
    :param http: the ``httpx.AsyncClient``; defaults to the one shared on this event loop.
    :param deadline: Unix time after which the caller no longer wants an answer; a request whose turn in the
        budget cannot come before it raises :class:`DeadlineReached` without taking a slot.
    :param sleep: every wait (pacing, retries) goes through it (default ``asyncio.sleep``).
    :param clock: the wall clock ``deadline`` is compared with (default ``time.time``); tests pass a fake one.
    :param bucket: the pacing bucket to use instead of the token's shared one (see
        :func:`~.pacing.buckets.pacing_bucket`), e.g. a ``TokenBucket`` on the same fake clock;
        ``requests_per_second`` is then not used.
    """

    settings: NotionConnectionSettings
    notion_version: str
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND
    timeout: float = DEFAULT_TIMEOUT
    http: httpx.AsyncClient | None = None
    sleep: Sleep = asyncio.sleep
    deadline: float | None = None
    clock: Callable[[], float] = time.time
    bucket: TokenBucket | None = None
    core: BaseClient = field(init=False, repr=False)
    #: The ``Date`` header of the last answer received (Notion's clock, to the second), or ``None``; the change
    #: trigger bounds its windows by it (:mod:`airflow_provider_notion.rules.server_clock`).
    last_server_date: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.core = BaseClient(
            self.settings.base_url,
            self.notion_version,
            retry_policy=self.retry_policy,
            timeout=self.timeout,
            logger=log,
        )

    def __repr__(self) -> str:
        return f"AsyncNotionClient(conn_id={self.settings.conn_id!r}, version={self.notion_version!r})"

    @property
    def _bucket(self) -> TokenBucket | None:
        if self.bucket is not None:
            return self.bucket
        return pacing_bucket(
            self.settings.bearer_token, self.requests_per_second, backend=self.settings.pacing_backend
        )

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        """Send one request, retrying as the hook does, and return the parsed JSON body.

        :raises NotionApiError: Notion answered with an error (after the retries it allows).
        :raises NotionTransportError: the request could not be completed.
        """
        call = self.core.prepare(method, path, json=json, params=params)
        auth = authorization(self.settings.bearer_token)
        policy = self.retry_policy
        bucket = self._bucket
        retry = 0
        while True:
            try:
                return await self._send_once(call, auth, bucket)
            except (NotionApiError, AttemptFailure) as error:
                if retry >= policy.max_retries or not policy.should_retry(error, call.read_only):
                    final = self.core.final_error(error, call, policy)
                    if final is error:
                        raise
                    raise final from final.__cause__
                retry += 1
                wait = policy.wait_before_retry(error, retry)
                self.core.log_retry(error, call, retry, wait, policy)
                if bucket is not None and isinstance(error, NotionApiError) and error.status == 429:
                    # Every trigger on this token backs off, not only the one that was refused; the retry's
                    # own turn in _paced waits the pause out, so it is not slept twice.
                    bucket.pause(wait)
                else:
                    await self.sleep(wait)

    async def _paced(self, bucket: TokenBucket) -> None:
        """Wait for this request's turn in the token's budget.

        Requests of one token on this loop take their slot one at a time, when the previous one has left:
        a slot reserved ahead would be spent even if the event loop wakes its owner late, and a busy loop
        would then release a whole queue of "due" requests at once, a burst Notion answers with 429. Waiting
        in the queue reserves nothing, so a trigger cancelled there (its deadline) wastes no budget.
        """
        async with pacing_lock(bucket):
            if self.deadline is not None and self.clock() + 1.0 / bucket.rate > self.deadline:
                # Taking a slot now would waste it: the caller gives up before it comes round.
                raise DeadlineReached("no slot in the integration's request budget before the deadline")
            wait = bucket.reserve()
            if wait > 0:
                await self.sleep(wait)

    async def _send_once(self, call: Call, auth: str, bucket: TokenBucket | None) -> Any:
        if bucket is not None:
            await self._paced(bucket)
        return self.core.parse(await self._send(call, auth), call)

    async def _send(self, call: Call, auth: str) -> Answer:
        """The sender: one HTTP exchange, transport failures as ``AttemptFailure``."""
        http = self.http or shared_client(self.settings.base_url)
        base_url = self.settings.base_url
        try:
            request = http.build_request(
                call.method,
                call.url,
                content=call.content,
                params=call.params,
                headers={**call.headers, "Authorization": auth},
                timeout=httpx.Timeout(call.timeout, connect=CONNECT_TIMEOUT),
            )
        except Exception as err:
            raise call.not_built(err) from None
        started = time.monotonic()
        try:
            response = await http.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise AttemptFailure("not_sent", f"could not connect to {base_url}") from None
        except httpx.PoolTimeout:
            raise AttemptFailure("not_sent", "no free connection in the client pool (pool timeout)") from None
        except httpx.TimeoutException:
            raise AttemptFailure("ambiguous", f"no answer within {call.timeout:g} s (read timeout)") from None
        except httpx.TransportError as err:
            raise AttemptFailure(
                "ambiguous", f"the connection broke before the answer arrived ({type(err).__name__})"
            ) from None
        self.last_server_date = response.headers.get("Date") or self.last_server_date
        return Answer(
            status=response.status_code,
            content=response.content,
            retry_after=response.headers.get("Retry-After"),
            charset=response.charset_encoding,
            elapsed_ms=elapsed_ms(started),
        )

    async def query(
        self, path: str, body: Mapping[str, Any] | None = None, *, fetch_all: bool = False
    ) -> dict[str, Any]:
        """POST a query: the first page as Notion returns it, or with ``fetch_all`` every row as one list object.

        ``fetch_all`` continues past Notion's 10,000-row cap exactly as the hook does (same
        :class:`~airflow_provider_notion.client.large_query.CompleteQuery` rules, rows oldest first).

        :raises NotionQueryIncompleteError: with ``fetch_all``, the query cannot be continued past the cap.
        """
        route = api_path(path)
        if not (route.partition("?")[0].endswith("/query") and is_read_only("POST", route)):
            raise NotionInputError("query_path", f"{path!r} is not a database or data source query path")
        payload = dict(body or {})
        if not fetch_all:
            first = await self.request("POST", route, json=payload)
            if not isinstance(first, dict):
                raise NotionTransportError("POST", route, "the answer was not a JSON object")
            return first

        async def send(page_body: dict[str, Any]) -> Mapping[str, Any]:
            page = await self.request("POST", route, json={**payload, **page_body})
            if not isinstance(page, dict):
                raise NotionTransportError("POST", route, "the answer was not a JSON object")
            return page

        query = CompleteQuery(
            filter=payload.get("filter"),
            sorts=payload.get("sorts"),
            page_size=payload.get("page_size"),
            target=f"POST {route}",
        )
        rows = [row async for batch in query.abatches(send) for row in batch]
        return list_object(rows, query.list_type)
