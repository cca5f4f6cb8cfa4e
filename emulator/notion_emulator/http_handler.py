"""The HTTP layer: parse a request, run it through faults, rate limit, auth and the route table, and write
the whole response (status line, headers, body) with a single ``sendall`` on a TCP_NODELAY socket so
keep-alive clients never wait on delayed ACKs."""

from __future__ import annotations

import io
import json
import socket
import struct
import sys
import time
import traceback
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from notion_emulator.attachments import FILES_PREFIX, download
from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.faults import Fault
from notion_emulator.limits import declared_body_length, parse_json, too_deep
from notion_emulator.redaction import redact_body, redact_query, scrub
from notion_emulator.request_log import RequestRecord
from notion_emulator.util import SUPPORTED_VERSIONS

if TYPE_CHECKING:
    from notion_emulator.server_view import EmulatorView

_HTML_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    b"</center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


# After refusing a body unread: how long, and how much of it, to discard so the client can read the answer.
_DRAIN_SECONDS = 1.0
_DRAIN_BYTES = 64 * 1024 * 1024


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: EmulatorView) -> None:
        self.emulator = emulator
        super().__init__(address, EmulatorRequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a cancelled trigger, a client timeout) is normal here, not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Site Overloaded" if status == 529 else "Unknown"


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorHTTPServer

    def setup(self) -> None:
        super().setup()
        # Every read and write on the connection times out, so a silent or half-sent request frees its thread.
        self.connection.settimeout(self.server.emulator.limits.socket_timeout)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; ``emulator.request_log`` records requests instead."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    # ------------------------------------------------------------------ main flow
    def _handle(self) -> None:
        emulator = self.server.emulator
        # Several Content-Length headers join into a value that is not a number, hence a 400.
        lengths = self.headers.get_all("Content-Length")
        try:
            length = declared_body_length(
                self.command,
                ",".join(lengths) if lengths else None,
                self.headers.get("Transfer-Encoding"),
                emulator.limits,
            )
        except NotionEmulatorError as refusal:
            self._refuse(refusal)
            return
        raw_body = self._read_body(length)
        split = urlsplit(self.path)
        path = split.path
        query = parse_qs(split.query, keep_blank_values=True)
        if self.headers.get("Connection", "").lower() == "close":
            self.close_connection = True
        if path.startswith(FILES_PREFIX) and self.command == "GET":
            # Download links of attached file uploads (Notion's presigned S3 URLs): no auth, raw bytes.
            status, data, headers = download(emulator.state.file_uploads, path)
            self._send_bytes(status, data, headers)
            return
        if path.startswith("/_emulator"):
            from notion_emulator.admin import handle_admin

            status, payload = handle_admin(emulator, self.command, path, query, raw_body)
            self._send_json(status, payload, {})
            return
        request_id = str(uuid.uuid4())
        fault = emulator.faults.take(self.command, path) if path.startswith("/v1") else None
        if fault is not None and fault.when == "before":
            if fault.kind == "delay":
                time.sleep(fault.delay_seconds)
            else:
                self._log(raw_body, 0, fault.status if fault.kind in ("status", "html") else 0, None, fault)
                self._emit_fault(fault, request_id)
                return
        status, payload, headers, integration_id = self._process(path, query, raw_body, request_id)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        if fault is not None and fault.when == "after" and fault.kind != "delay":
            self._log(
                raw_body,
                len(body),
                fault.status if fault.kind in ("status", "html") else 0,
                integration_id,
                fault,
            )
            self._emit_fault(fault, request_id)
            return
        if fault is not None and fault.when == "after":
            time.sleep(fault.delay_seconds)
        self._log(raw_body, len(body), status, integration_id, fault)
        self._send_bytes(status, body, headers)

    def _process(
        self, path: str, query: dict[str, list[str]], raw_body: bytes, request_id: str
    ) -> tuple[int, dict[str, Any], dict[str, str], str | None]:
        emulator = self.server.emulator
        integration_id: str | None = None
        try:
            matched = emulator.router.match(self.command, path)
            if matched is None:
                raise NotionEmulatorError(400, "invalid_request_url", "Invalid request URL.")
            route, params = matched
            version = self.headers.get("Notion-Version")
            if route.versioned:
                _check_version(version)
            integration = None
            if route.auth:
                integration = emulator.state.integration_for_token(_bearer(self.headers.get("Authorization")))
                if integration is None:
                    raise NotionEmulatorError(401, "unauthorized", "API token is invalid.")
                integration_id = integration.id
                retry_after = emulator.rate_limiter.acquire(integration.id)
                if retry_after is not None:
                    raise NotionEmulatorError(
                        429,
                        "rate_limited",
                        "You have been rate limited. Please try again in a few minutes.",
                        headers={"Retry-After": str(retry_after)},
                    )
            ctx = RequestContext(
                method=self.command,
                path=path,
                query=query,
                body=_parse_body(self.command, raw_body, self.headers.get("Content-Type", "")),
                version=version or "",
                state=emulator.state,
                config=emulator.config,
                integration=integration,
                params=params,
                headers={k.lower(): v for k, v in self.headers.items()},
                raw_body=raw_body,
            )
            payload = route.handler(ctx)
            payload["request_id"] = request_id
            return 200, payload, {}, integration_id
        except NotionEmulatorError as error:
            return error.status, error.body(request_id), error.headers, integration_id
        except RecursionError:
            # A body nested deeper than the handlers' recursion can follow (the parser's limit is higher).
            return 400, too_deep().body(request_id), {}, integration_id
        except Exception:
            traceback.print_exc(file=sys.stderr)
            crash = NotionEmulatorError(500, "internal_server_error", "Unexpected error occurred.")
            return 500, crash.body(request_id), {}, integration_id

    # ------------------------------------------------------------------ faults
    def _emit_fault(self, fault: Fault, request_id: str) -> None:
        if fault.kind == "reset":
            self._reset_connection()
        elif fault.kind == "truncate":
            payload = NotionEmulatorError(500, "internal_server_error", "Unexpected error occurred.").body(
                request_id
            )
            body = json.dumps({"object": "list", "results": [payload] * 20}).encode()
            head = self._head(200, len(body), {"Content-Type": "application/json; charset=utf-8"})
            self.wfile.write(head + body[: len(body) // 2])
            self.close_connection = True
        elif fault.kind == "html":
            headers = {"Content-Type": "text/html"}
            self.wfile.write(self._head(fault.status, len(_HTML_PAGE), headers) + _HTML_PAGE)
        else:
            error = NotionEmulatorError(
                fault.status, fault.error_code(), fault.error_message(), fault.additional_data
            )
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            body = json.dumps(error.body(request_id)).encode()
            self._send_bytes(fault.status, body, headers)

    def _reset_connection(self) -> None:
        """Abortive close: SO_LINGER 0 makes the kernel send RST instead of FIN; no response at all."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        # The stdlib flushes wfile after the handler; give it something harmless to flush.
        self.wfile = io.BytesIO()

    # ------------------------------------------------------------------ reading
    def _read_body(self, length: int) -> bytes:
        """Read exactly ``length`` bytes within the body deadline; a client dripping bytes slower than that
        gets its connection closed (``TimeoutError`` ends the request in ``handle_one_request``)."""
        if not length:
            return b""
        deadline = time.monotonic() + self.server.emulator.limits.body_deadline
        chunks: list[bytes] = []
        remaining = length
        while remaining:
            if time.monotonic() > deadline:
                raise TimeoutError("request body not received within the deadline")
            chunk = self.rfile.read1(min(remaining, 65536))
            if not chunk:
                raise ConnectionResetError("client closed the connection mid-body")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _refuse(self, refusal: NotionEmulatorError) -> None:
        """Answer a request whose body is not read (bad or oversized Content-Length), then close: the unread
        bytes would otherwise be parsed as the next request."""
        self.close_connection = True
        self._log(b"", 0, refusal.status, None, None)
        self._send_json(refusal.status, refusal.body(str(uuid.uuid4())), {})
        self._drain_briefly()

    def _drain_briefly(self) -> None:
        """Closing a socket with unread input makes the kernel send a reset, which can destroy the answer
        before a client still sending its body reads it. Stop writing, then discard input for a moment."""
        deadline = time.monotonic() + _DRAIN_SECONDS
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_DRAIN_SECONDS)
            drained = 0
            while time.monotonic() < deadline and drained < _DRAIN_BYTES:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass

    # ------------------------------------------------------------------ writing
    def _head(self, status: int, length: int, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {_reason(status)}", f"Content-Length: {length}"]
        if "Content-Type" not in headers:
            lines.append("Content-Type: application/json; charset=utf-8")
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send_bytes(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.wfile.write(self._head(status, len(body), headers) + body)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        self._send_bytes(status, json.dumps(payload, default=str).encode(), headers)

    def _log(
        self,
        raw_body: bytes,
        response_bytes: int,
        status: int,
        integration_id: str | None,
        fault: Fault | None,
    ) -> None:
        emulator = self.server.emulator
        secrets = emulator.state.known_secrets()
        split = urlsplit(self.path)
        emulator.record(
            RequestRecord(
                method=self.command,
                path=scrub(split.path, secrets),
                query=redact_query(split.query, secrets),
                status=status,
                notion_version=self.headers.get("Notion-Version"),
                request_bytes=len(raw_body),
                response_bytes=response_bytes,
                integration_id=integration_id,
                fault=None if fault is None else f"{fault.kind}:{fault.when}",
                body=(
                    redact_body(raw_body, self.headers.get("Content-Type", ""), secrets)
                    if len(raw_body) <= 65536
                    else None
                ),
            )
        )


def _bearer(header: str | None) -> str:
    if not header or not header.startswith("Bearer "):
        return ""
    return header[len("Bearer ") :].strip()


def _check_version(version: str | None) -> None:
    if version is None:
        raise NotionEmulatorError(
            400,
            "missing_version",
            "Notion-Version header failed validation: Notion-Version header should be defined, instead was "
            "`undefined`.",
        )
    if version not in SUPPORTED_VERSIONS:
        expected = ", ".join(f'"{v}"' for v in SUPPORTED_VERSIONS)
        raise EmulatorValidationError(
            f"Notion-Version header failed validation: Notion-Version header should be one of {expected}, "
            f'instead was "{version}".'
        )


def _parse_body(method: str, raw: bytes, content_type: str) -> dict[str, Any]:
    # multipart/form-data bodies (file upload send) are parsed by their route from ``ctx.raw_body``.
    if method in ("GET", "DELETE") or not raw.strip() or content_type.lower().startswith("multipart/"):
        return {}
    try:
        parsed = parse_json(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise NotionEmulatorError(400, "invalid_json", "Error parsing JSON body.") from None
    if not isinstance(parsed, dict):
        raise EmulatorValidationError("body failed validation: body should be an object.")
    return parsed
