"""The synchronous sender (``requests``) and :class:`SyncClient`, where tenacity drives the retries.

Proxies and the CA bundle are read from the environment ONCE, when the session is created
(``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``, ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``): set them before the
task starts. The session does not consult the environment per call (``trust_env=False``): that lookup cost a
quarter of every call, and it let a ``~/.netrc`` entry for the API host replace the bearer token with the
netrc's Basic credentials.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests
import tenacity
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from airflow_provider_notion.client.auth import TokenProvider
from airflow_provider_notion.client.base import (
    CONNECT_TIMEOUT,
    Answer,
    BaseClient,
    Call,
    ResponseType,
    authorization,
    elapsed_ms,
)
from airflow_provider_notion.client.pacing.token_bucket import TokenBucket
from airflow_provider_notion.client.paging import Pager
from airflow_provider_notion.client.retry import AttemptFailure, RetryPolicy
from airflow_provider_notion.exceptions import NotionApiError, NotionTransportError

Session = requests.Session

# Errors requests raises while building the request or before opening a connection: nothing left the machine.
_NOT_SENT_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.InvalidJSONError,
    requests.exceptions.InvalidProxyURL,
    ValueError,
    UnicodeError,
)


def new_session(base_url: str) -> requests.Session:
    """A keep-alive session with no automatic retries or redirects, and the environment read once."""
    session = requests.Session()
    # Retries are ours (they know which requests are safe to repeat); urllib3's would not.
    adapter = HTTPAdapter(max_retries=0, pool_connections=4, pool_maxsize=8)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no per-call proxy lookup, and never ~/.netrc credentials instead of the token
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return session


class SyncSender:
    """Sends one :class:`Call` and returns the :class:`Answer`; transport failures become ``AttemptFailure``."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url
        self.session = session if session is not None else new_session(base_url)

    def send(self, call: Call, auth: str) -> Answer:
        try:
            prepared = self.session.prepare_request(
                requests.Request(
                    call.method,
                    call.url,
                    headers={**call.headers, "Authorization": auth},
                    params=call.params,
                    data=call.content if call.content is not None else call.data,
                    files=call.files,
                )
            )
        except Exception as err:
            raise call.not_built(err) from None
        started = time.monotonic()
        try:
            response = self.session.send(
                prepared,
                timeout=(CONNECT_TIMEOUT, call.timeout),
                allow_redirects=False,
                proxies=self.session.proxies,
            )
        except requests.exceptions.ConnectTimeout:
            raise AttemptFailure(
                "not_sent", f"could not connect to {self.base_url} (connect timeout)"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise AttemptFailure("ambiguous", f"no answer within {call.timeout:g} s (read timeout)") from None
        except requests.exceptions.ConnectionError as err:
            reason = err.args[0] if err.args else None
            if isinstance(getattr(reason, "reason", None), NewConnectionError):
                raise AttemptFailure("not_sent", f"could not connect to {self.base_url}") from None
            raise AttemptFailure("ambiguous", "the connection broke before the answer arrived") from None
        except _NOT_SENT_ERRORS as err:
            raise NotionTransportError(
                call.method,
                call.route,
                f"the request could not be sent ({type(err).__name__}); nothing was sent",
            ) from None
        except requests.exceptions.RequestException as err:
            raise AttemptFailure(
                "ambiguous", f"the answer could not be read ({type(err).__name__})"
            ) from None
        return Answer(
            status=response.status_code,
            content=response.content,
            retry_after=response.headers.get("Retry-After"),
            charset=response.encoding,
            elapsed_ms=elapsed_ms(started),
        )


class SyncClient(BaseClient):
    """Sends requests for one token: pacing, 401 refresh, retries (tenacity) and pagination.

    :param token_provider: supplies the bearer token; OAuth providers refresh it after a 401.
    :param bucket: the token's pacing bucket (see :mod:`airflow_provider_notion.client.pacing.buckets`), or ``None``.
    :param sleep: every wait (pacing and retries) goes through it.
    :param session: a ``requests.Session`` to use instead of a new one.
    """

    def __init__(
        self,
        base_url: str,
        notion_version: str,
        token_provider: TokenProvider,
        *,
        bucket: TokenBucket | None = None,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, notion_version, **kwargs)
        self.token_provider = token_provider
        self.bucket = bucket
        self.sleep = sleep
        self.sender = SyncSender(base_url, session)

    @property
    def session(self) -> requests.Session:
        return self.sender.session

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        files: Any = None,
        headers: Mapping[str, Any] | None = None,
        response_type: ResponseType = "json",
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> Any:
        """Send one request with retries and return the parsed body (see ``NotionHook.request``)."""
        call = self.prepare(
            method,
            path,
            json=json,
            params=params,
            data=data,
            files=files,
            headers=headers,
            response_type=response_type,
            timeout=timeout,
        )
        policy = retry_policy or self.retry_policy
        read_only = call.read_only
        # tenacity's retry state is a reference cycle (the Retrying object, its per-thread state, the closures of
        # the attempt): it is freed only by the cyclic garbage collector, which may not run for a long while. The
        # call, and with it a request body of up to 20 MiB (a file upload's part), is therefore reached only
        # through ``pending``, emptied when the request is over, so the body is freed at once (issue 21: an
        # upload held every part it had sent).
        pending = [call]

        def before_sleep(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            if self.bucket is not None and isinstance(error, NotionApiError) and error.status == 429:
                self.bucket.pause(wait)  # every user of this token backs off, not only this request
            self.log_retry(error, pending[0], state.attempt_number, wait, policy)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(policy.max_retries + 1),
            wait=lambda state: policy.wait_before_retry(
                state.outcome.exception() if state.outcome else None, state.attempt_number
            ),
            retry=tenacity.retry_if_exception(lambda error: policy.should_retry(error, read_only)),
            before_sleep=before_sleep,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt_pending, pending)
        except (AttemptFailure, NotionApiError) as error:
            final = self.final_error(error, call, policy)
            if final is error:
                raise
            raise final from final.__cause__
        finally:
            pending.clear()

    def _attempt_pending(self, pending: list[Call]) -> Any:
        return self._attempt(pending[0])

    def _attempt(self, call: Call) -> Any:
        token = self.token_provider.current_token()
        try:
            return self._send_once(call, token)
        except NotionApiError as error:
            if error.status != 401:
                raise
            fresh = self.token_provider.refresh(token)
            if fresh is None:
                raise
            return self._send_once(call, fresh)

    def _send_once(self, call: Call, token: str) -> Any:
        if self.bucket is not None:
            wait = self.bucket.reserve()
            if wait > 0:
                self.sleep(wait)
        return self.parse(self.sender.send(call, authorization(token)), call)

    def iter_pages(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        start_cursor: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Each list object of a paginated endpoint (see :class:`~.paging.Pager`)."""
        pager = Pager(method, path, json=json, params=params, page_size=page_size, start_cursor=start_cursor)
        while (next_page := pager.next_request()) is not None:
            page = self.request(method, path, json=next_page.json, params=next_page.params)
            pager.accept(page)
            yield dict(page)
