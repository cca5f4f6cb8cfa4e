"""Send any Notion API request with the connection's token: the escape hatch for endpoints without an operator."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any, ClassVar

from airflow_provider_notion.client.request import api_path
from airflow_provider_notion.client.retry import RetryPolicy
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.operators.base import (
    NotionBaseOperator,
)
from airflow_provider_notion.operators.output_files import write_bytes
from airflow_provider_notion.rules.payloads import (
    json_object,
    parse_json_value,
)
from airflow_provider_notion.utils.coerce import as_number as _as_number
from airflow_provider_notion.utils.coerce import as_optional_bool as _as_optional_bool
from airflow_provider_notion.utils.storage_paths import resolve_storage_path

_JSON = "json"


class NotionRawRequestOperator(NotionBaseOperator):
    """Send any Notion API request with the connection's token and ``Notion-Version``, and return the body.

    The ``url`` is a path under the API (``/users/me``, ``/v1/comments?block_id=...``); full URLs are refused,
    so the token never goes anywhere but the connection's API host. Retries follow the provider's rules (429
    after ``Retry-After``; 5xx, 529 included, and timeouts only for reads) unless ``retry_on_all_errors`` is set.

    :param url: the path. Templated.
    :param method: GET, POST, PATCH, PUT or DELETE. Templated.
    :param data: a JSON body (dict, list or JSON string). Templated.
    :param form_data: form fields ``{name: value}``; sent multipart with ``file_data``, else URL-encoded.
    :param file_data: files ``{field name: content}`` (bytes, or a string sent as UTF-8) for multipart uploads
        such as ``/file_uploads/{id}/send`` (field ``file``).
    :param file_data_file_names: ``{field name: file name}`` for ``file_data`` (default: the field name).
    :param query_params: query string parameters ``{name: value or list}``.
    :param headers: extra headers (``Authorization`` and ``Host`` cannot be overridden; ``Notion-Version``
        can, per request).
    :param response_type: ``json`` (parsed), ``text`` or ``binary``; binary is returned base64-encoded so it
        fits in XCom.
    :param output_path: write the response body (bytes as received; JSON as JSON) to this local path or
        ``ObjectStoragePath`` and return ``{"path": ..., "bytes": ...}`` instead of the body.
    :param timeout: read timeout in seconds.
    :param retry_delay_ms: delay before the first retry when Notion sends no ``Retry-After``.
    :param retry_on_all_errors: retry every failure, writes included (a create may then be applied twice).
    :param max_retry_count: retries after the first attempt.
    :param use_exponential_backoff: double the delay after each retry.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "url",
        "method",
        "data",
        "form_data",
        "file_data",
        "file_data_file_names",
        "query_params",
        "headers",
        "response_type",
        "output_path",
        "timeout",
        "retry_delay_ms",
        "retry_on_all_errors",
        "max_retry_count",
        "use_exponential_backoff",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        "data": _JSON,
        "form_data": _JSON,
        "query_params": _JSON,
        "headers": _JSON,
        "file_data_file_names": _JSON,
    }

    def __init__(
        self,
        *,
        url: str,
        method: str = "GET",
        data: Any = None,
        form_data: Any = None,
        file_data: Any = None,
        file_data_file_names: Any = None,
        query_params: Any = None,
        headers: Any = None,
        response_type: str = "json",
        output_path: Any = None,
        timeout: float | None = None,
        retry_delay_ms: int | None = None,
        retry_on_all_errors: bool | None = None,
        max_retry_count: int | None = None,
        use_exponential_backoff: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.method = method
        self.data = data
        self.form_data = form_data
        self.file_data = file_data
        self.file_data_file_names = file_data_file_names
        self.query_params = query_params
        self.headers = headers
        self.response_type = response_type
        self.output_path = output_path
        self.timeout = timeout
        self.retry_delay_ms = retry_delay_ms
        self.retry_on_all_errors = retry_on_all_errors
        self.max_retry_count = max_retry_count
        self.use_exponential_backoff = use_exponential_backoff

    def build_retry_policy(self) -> RetryPolicy | None:
        """The retry rules from the four retry inputs; ``None`` (the hook's default) when none is set."""
        max_retries = _as_number(self.max_retry_count, "max_retry_count", whole=True)
        delay_ms = _as_number(self.retry_delay_ms, "retry_delay_ms")
        all_errors = _as_optional_bool(self.retry_on_all_errors, "retry_on_all_errors")
        exponential = _as_optional_bool(self.use_exponential_backoff, "use_exponential_backoff")
        if max_retries is None and delay_ms is None and all_errors is None and exponential is None:
            return None
        default = RetryPolicy()
        return RetryPolicy(
            max_retries=default.max_retries if max_retries is None else max_retries,
            base_delay=default.base_delay if delay_ms is None else delay_ms / 1000,
            exponential_backoff=default.exponential_backoff if exponential is None else exponential,
            max_delay=default.max_delay,
            max_retry_after=default.max_retry_after,
            retry_on_all_errors=default.retry_on_all_errors if all_errors is None else all_errors,
        )

    def _files(self) -> dict[str, tuple[str, bytes]] | None:
        file_data = json_object(self.file_data, "file_data")
        names = json_object(self.file_data_file_names, "file_data_file_names") or {}
        unknown = set(names) - set(file_data or {})
        if unknown:
            raise NotionInputError(
                "file_data_file_names", f"names files that are not in file_data: {', '.join(sorted(unknown))}"
            )
        if not file_data:
            return None
        files: dict[str, tuple[str, bytes]] = {}
        for field, content in file_data.items():
            if isinstance(content, str):
                content = content.encode("utf-8")
            if not isinstance(content, bytes | bytearray):
                raise NotionInputError(
                    f"file_data.{field}", f"expected bytes or a string, got {type(content).__name__}"
                )
            files[field] = (str(names.get(field, field)), bytes(content))
        return files

    def execute(self, context: Any) -> Any:
        # Checked here too so the error names this operator's input, url, not the hook's path argument.
        api_path(self.url, "url (the request path)")
        method = str(self.method or "GET").upper()
        response_type = str(self.response_type or "json").lower()
        if response_type not in ("json", "text", "binary"):
            raise NotionInputError(
                "response_type", f"{self.response_type!r} is not one of json, text, binary"
            )
        body = parse_json_value(self.data, "data")
        form = json_object(self.form_data, "form_data")
        files = self._files()
        if body is not None and (form or files):
            raise NotionInputError(
                "data", "send either a JSON body (data) or a form (form_data/file_data), not both"
            )
        output = (
            None if self.output_path in (None, "") else resolve_storage_path(self.output_path, "output_path")
        )
        result = self.hook.request(
            method,
            self.url,
            json=body,
            params=json_object(self.query_params, "query_params"),
            data=form,
            files=files,
            headers=json_object(self.headers, "headers"),
            response_type=response_type,  # type: ignore[arg-type]
            timeout=_as_number(self.timeout, "timeout"),
            retry_policy=self.build_retry_policy(),
        )
        if output is not None:
            if isinstance(result, bytes):
                raw = result
            elif isinstance(result, str):
                raw = result.encode("utf-8")
            else:
                raw = json.dumps(result, ensure_ascii=False).encode("utf-8")
            summary = write_bytes(output, raw)
            self.log.info(
                "Notion %s %s: wrote %d bytes to %s", method, self.url, summary["bytes"], summary["path"]
            )
            return summary
        if isinstance(result, bytes):
            self.log.info("Notion %s %s: %d bytes (returned base64-encoded)", method, self.url, len(result))
            return base64.b64encode(result).decode("ascii")
        self.log.info("Notion %s %s: %s response", method, self.url, response_type)
        return result
