"""Shared plumbing for the fake HTTP servers used in tests.

Standard library only: a :class:`http.server.ThreadingHTTPServer` bound to ``127.0.0.1`` on an
ephemeral port, served from a daemon thread. Usable from sync and async tests alike and from
subprocesses (the bot under test) that talk to it over real TCP.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl

__all__ = [
    "BackgroundHTTPServer",
    "FakeRequestHandler",
    "UploadedFile",
    "parse_body",
]


class UploadedFile:
    """One file part of a ``multipart/form-data`` body."""

    __slots__ = ("content_type", "data", "field", "filename")

    def __init__(self, field: str, filename: str | None, content_type: str | None, data: bytes):
        self.field = field
        self.filename = filename
        self.content_type = content_type
        self.data = data

    def __repr__(self) -> str:
        return (
            f"UploadedFile(field={self.field!r}, filename={self.filename!r}, "
            f"content_type={self.content_type!r}, size={len(self.data)})"
        )


def _disposition_params(value: str) -> dict[str, str]:
    """Parse ``'form-data; name="x"; filename="y"'`` (incl. RFC 2231 ``filename*=``)."""
    msg = Message()
    msg["content-disposition"] = value
    params: dict[str, str] = {}
    for key in ("name", "filename"):
        raw = msg.get_param(key, header="content-disposition")
        if isinstance(raw, tuple):
            charset = raw[0] or "utf-8"
            params[key] = raw[2].encode("latin-1", "replace").decode(charset, "replace")
        elif raw is not None:
            params[key] = str(raw)
    return params


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], list[UploadedFile]]:
    fields: dict[str, str] = {}
    files: list[UploadedFile] = []
    delimiter = b"--" + boundary.encode("latin-1")
    for raw_part in body.split(delimiter)[1:]:
        if raw_part.startswith(b"--"):
            break  # closing delimiter
        part = raw_part.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, data = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disp = _disposition_params(headers.get("content-disposition", ""))
        field = disp.get("name", "")
        if "filename" in disp:
            files.append(UploadedFile(field, disp["filename"], headers.get("content-type"), data))
        else:
            fields[field] = data.decode("utf-8")
    return fields, files


def parse_body(
    content_type: str | None, body: bytes
) -> tuple[dict[str, Any], list[UploadedFile], str]:
    """Decode a request body.

    Returns ``(fields, files, kind)`` where ``kind`` is ``"json"``, ``"form"``, ``"multipart"`` or
    ``"empty"``. Form and multipart values are returned as strings (as sent on the wire).
    """
    if not body:
        return {}, [], "empty"
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype == "application/json":
        decoded = json.loads(body.decode("utf-8"))
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        return decoded, [], "json"
    if ctype == "multipart/form-data":
        msg = Message()
        msg["content-type"] = content_type or ""
        boundary = msg.get_param("boundary")
        if not isinstance(boundary, str):
            raise ValueError("multipart body without boundary")
        fields, files = _parse_multipart(body, boundary)
        return dict(fields), files, "multipart"
    # application/x-www-form-urlencoded (also the fallback for unlabelled bodies)
    pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    return dict(pairs), [], "form"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: BackgroundHTTPServer, handler: type[BaseHTTPRequestHandler]):
        self.owner = owner
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients (e.g. a killed bot subprocess) hang up all the time in these tests.
        pass


class FakeRequestHandler(BaseHTTPRequestHandler):
    """Base handler: HTTP/1.1 keep-alive, quiet, JSON helpers, connection tracking."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two sends; with Nagle on, delayed ACKs add ~40 ms per request.
    disable_nagle_algorithm = True
    server: _Server
    server_version = "FakeServer/1.0"

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.connections_lock:
            self.server.open_connections.discard(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_bytes(status, data, "application/json", headers)

    def send_bytes(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            # The client went away (timeout, killed process); nothing to deliver to.
            self.close_connection = True


class BackgroundHTTPServer:
    """Start/stop a handler class on ``127.0.0.1:<ephemeral>`` in a daemon thread."""

    handler_class: ClassVar[type[FakeRequestHandler]]

    def __init__(self) -> None:
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _Server(self, self.handler_class)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        self._on_stopping()
        httpd.shutdown()
        with httpd.connections_lock:
            connections = list(httpd.open_connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def _on_stopping(self) -> None:
        """Hook: wake up handlers blocked in long polls / delays."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() first")
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._httpd is not None
