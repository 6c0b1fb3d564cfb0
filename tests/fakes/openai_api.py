"""A real (in-process, stdlib-only) fake of the OpenAI-compatible chat completions API.

Serves ``POST /v1/chat/completions`` (non-streaming, plus ``stream: true`` as server-sent events)
and ``GET /v1/models`` on ``127.0.0.1:<ephemeral port>``. Point clients at :attr:`base_url`::

    ChatOpenAI(base_url=fake.base_url, api_key="x", model="m")
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from tests.fakes._http import BackgroundHTTPServer, FakeRequestHandler

__all__ = ["FakeOpenAI"]

JSONDict = dict[str, Any]
ReplyFn = Callable[[list[JSONDict]], str]

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "not_found_error",
    408: "timeout",
    429: "rate_limit_exceeded",
}


def _error_body(status: int, message: str, code: str | None = None) -> JSONDict:
    return {
        "error": {
            "message": message,
            "type": _ERROR_TYPES.get(status, "server_error"),
            "param": None,
            "code": code,
        }
    }


def _count_tokens(text: str) -> int:
    return max(1, len(text.split())) if text else 0


def message_text(message: JSONDict) -> str:
    """Text of one chat message; handles string content and lists of content parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


class _OpenAIHandler(FakeRequestHandler):
    server_version = "FakeOpenAI/1.0"

    def do_GET(self) -> None:
        fake = self.server.owner
        assert isinstance(fake, FakeOpenAI)
        path = urlsplit(self.path).path.rstrip("/")
        self.read_body()
        if not fake._authorized(self.headers.get("Authorization")):
            self.send_json(401, _error_body(401, "Incorrect API key provided", "invalid_api_key"))
        elif path == "/v1/models":
            self.send_json(
                200, {"object": "list", "data": [fake._model_json(m) for m in fake.models]}
            )
        elif path.startswith("/v1/models/"):
            self.send_json(200, fake._model_json(path.removeprefix("/v1/models/")))
        else:
            self.send_json(404, _error_body(404, f"Unknown request URL: GET {path}"))

    def do_POST(self) -> None:
        fake = self.server.owner
        assert isinstance(fake, FakeOpenAI)
        path = urlsplit(self.path).path.rstrip("/")
        body = self.read_body()
        if path != "/v1/chat/completions":
            self.send_json(404, _error_body(404, f"Unknown request URL: POST {path}"))
            return
        try:
            request = json.loads(body.decode("utf-8"))
            if not isinstance(request, dict):
                raise ValueError("body must be a JSON object")
        except ValueError as exc:
            self.send_json(400, _error_body(400, f"We could not parse the JSON body: {exc}"))
            return
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, payload = fake._complete(request, headers)
        if status != 200 or not request.get("stream"):
            self.send_json(status, payload)
            return
        self._stream(payload)

    def _stream(self, completion: JSONDict) -> None:
        """Send ``completion`` as OpenAI-style SSE chunks, then ``data: [DONE]``."""
        content = completion["choices"][0]["message"]["content"]
        base = {k: completion[k] for k in ("id", "created", "model", "system_fingerprint")}
        base["object"] = "chat.completion.chunk"
        pieces = [content[i : i + 16] for i in range(0, len(content), 16)] or [""]
        chunks: list[JSONDict] = [
            {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
        ]
        chunks += [
            {**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}
            for p in pieces
        ]
        chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in chunks:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True


class FakeOpenAI(BackgroundHTTPServer):
    """Fake OpenAI-compatible server. Thread-safe; context manager or start()/stop()."""

    handler_class = _OpenAIHandler

    def __init__(
        self,
        *,
        reply: str = "Antwort vom Fake-LLM.",
        models: tuple[str, ...] = ("m",),
        api_key: str | None = None,
    ) -> None:
        super().__init__()
        self.models = list(models)
        self.api_key = api_key
        self._lock = threading.Condition(threading.RLock())
        self._default_reply = reply
        self._reset_state()

    def _reset_state(self) -> None:
        with self._lock:
            self._reply: str = self._default_reply
            self._reply_fn: ReplyFn | None = None
            self._delay = 0.0
            self._fail_status: int | None = None
            self._fail_times: int | None = None
            self._fail_message = ""
            self._requests: list[JSONDict] = []
            self._headers: list[dict[str, str]] = []
            self._ids = itertools.count(1)
            self._lock.notify_all()

    def reset(self) -> None:
        """Back to the default reply, no delay, no failures, no recorded requests."""
        self._reset_state()

    def _on_stopping(self) -> None:
        with self._lock:
            self._lock.notify_all()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` - what OpenAI clients expect as ``base_url``."""
        return f"{self.root_url}/v1"

    # -- configuration -------------------------------------------------------------------------
    def reply_with(self, text: str) -> None:
        """Answer every completion with ``text``."""
        with self._lock:
            self._reply, self._reply_fn = text, None

    def reply_fn(self, fn: ReplyFn) -> None:
        """Answer with ``fn(messages)``; ``messages`` is the request's list of message dicts.

        Runs on the server thread; an exception becomes a 500 response.
        """
        with self._lock:
            self._reply_fn = fn

    def delay(self, seconds: float) -> None:
        """Sleep ``seconds`` before answering each request (interrupted by stop())."""
        with self._lock:
            self._delay = max(0.0, seconds)

    def fail_with(
        self,
        status: int | None,
        *,
        times: int | None = None,
        message: str | None = None,
    ) -> None:
        """Answer with HTTP ``status`` and an OpenAI error body; ``None`` clears it.

        ``times=None`` fails until cleared - note that OpenAI clients retry 408/409/429/5xx
        (``max_retries``, default 2), so a single failure is usually invisible to the caller.
        """
        with self._lock:
            self._fail_status = status
            self._fail_times = times
            phrase = HTTPStatus(status).phrase if status else ""
            self._fail_message = message or f"Fake failure: {status} {phrase}"

    # -- inspection ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[JSONDict]:
        """Parsed JSON bodies of all chat completion requests (including failed ones)."""
        with self._lock:
            return copy.deepcopy(self._requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Headers (lower-cased names) of all chat completion requests, same order."""
        with self._lock:
            return copy.deepcopy(self._headers)

    @property
    def last_request(self) -> JSONDict:
        with self._lock:
            if not self._requests:
                raise LookupError("no chat completion request received")
            return copy.deepcopy(self._requests[-1])

    def prompt_text(self, index: int = -1) -> str:
        """All message contents of request ``index`` joined with newlines (for ``in`` checks)."""
        with self._lock:
            messages = self._requests[index].get("messages") or []
            return "\n".join(message_text(m) for m in messages if isinstance(m, dict))

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[JSONDict]:
        """Block until at least ``count`` completion requests have arrived."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s: expected {count} request(s), "
                        f"got {len(self._requests)}"
                    )
                self._lock.wait(remaining)
            return copy.deepcopy(self._requests)

    async def wait_for_requests_async(
        self,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors the sync API
    ) -> list[JSONDict]:
        return await asyncio.to_thread(self.wait_for_requests, count, timeout)

    # -- internals -----------------------------------------------------------------------------
    def _authorized(self, header: str | None) -> bool:
        return self.api_key is None or header == f"Bearer {self.api_key}"

    @staticmethod
    def _model_json(model_id: str) -> JSONDict:
        return {"id": model_id, "object": "model", "created": 1700000000, "owned_by": "fake"}

    def _complete(self, request: JSONDict, headers: dict[str, str]) -> tuple[int, JSONDict]:
        with self._lock:
            self._requests.append(copy.deepcopy(request))
            self._headers.append(headers)
            self._lock.notify_all()
            delay = self._delay
            reply, reply_fn = self._reply, self._reply_fn
            failure: tuple[int, str] | None = None
            if self._fail_status is not None:
                failure = (self._fail_status, self._fail_message)
                if self._fail_times is not None:
                    self._fail_times -= 1
                    if self._fail_times <= 0:
                        self._fail_status = self._fail_times = None
            completion_no = next(self._ids)
        if not self._authorized(headers.get("authorization")):
            return 401, _error_body(401, "Incorrect API key provided", "invalid_api_key")
        if delay:
            self._stopping.wait(delay)
        if failure is not None:
            return failure[0], _error_body(failure[0], failure[1])
        messages = request.get("messages")
        if not isinstance(messages, list) or not messages:
            return 400, _error_body(400, "'messages' must be a non-empty array")
        if not isinstance(request.get("model"), str):
            return 400, _error_body(400, "you must provide a model parameter")
        try:
            content = reply_fn(copy.deepcopy(messages)) if reply_fn else reply
        except Exception as exc:  # surfaced to the client as a server error
            return 500, _error_body(500, f"reply_fn raised {exc!r}")
        prompt_tokens = sum(_count_tokens(message_text(m)) for m in messages)
        completion_tokens = _count_tokens(content)
        return 200, {
            "id": f"chatcmpl-fake{completion_no:06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_fake",
        }
