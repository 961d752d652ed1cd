"""A real local LLM-planner stand-in speaking the OpenAI chat-completions protocol, for tests.

Why a real server (and not mocked HTTP): the planner client's value lies in how it talks HTTP — URL
joining, headers, timeouts over a real socket, error statuses, the repair round-trip. Mocks would test the
mock. This process answers ``POST /v1/chat/completions`` with scripted replies that tests queue through a
small control API, and it records every request so tests can assert on what the client actually sent.

Run: ``python tests/planner_server.py --host 127.0.0.1 --port 0``; the first stdout line is
``LISTENING http://127.0.0.1:<port>``. Only the standard library and aiohttp are imported, so the script
runs standalone with any interpreter that has aiohttp.

Endpoints:

* ``POST /v1/chat/completions`` — pops the next queued response (FIFO); each item is
  ``{"content": str, "delay_s": float = 0, "status": int = 200, "finish_reason": "stop" | "length"}``. Empty queue: the default response if one
  is set, else HTTP 500 with an error JSON. Every request body (and its headers) is recorded.
* ``GET /v1/models`` — ``{"object": "list", "data": [{"id": "test-planner", "object": "model"}]}``.
* ``POST /_control/queue`` ``{"responses": [...]}`` appends; ``POST /_control/default``
  ``{"content": ..., "delay_s": ...}`` sets the default; ``GET /_control/calls`` returns
  ``{"count": N, "requests": [bodies...], "headers": [headers...], "models_calls": M}``;
  ``POST /_control/reset`` clears queue, default, records and the key; ``POST /_control/api_key``
  ``{"key": str | null}``: while a key is set, ``/v1/*`` requests without ``Authorization: Bearer <key>``
  get HTTP 401 as from OpenAI (and are recorded as ``unauthorized``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MODEL_ID = "test-planner"
_ITEM_KEYS = frozenset({"content", "delay_s", "status", "finish_reason"})


@dataclass(slots=True)
class _Scripted:
    content: str
    delay_s: float = 0.0
    status: int = 200
    finish_reason: str = "stop"


@dataclass(slots=True)
class _State:
    queue: deque[_Scripted] = field(default_factory=deque)
    default: _Scripted | None = None
    requests: list[Any] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    models_calls: int = 0
    api_key: str | None = None
    unauthorized: int = 0


STATE_KEY = web.AppKey("state", _State)


def _parse_item(raw: Any) -> _Scripted:
    """Turn one control-API item into a scripted response; ValueError names what is wrong."""
    if isinstance(raw, str):
        return _Scripted(content=raw)
    if not isinstance(raw, dict):
        raise ValueError(f"response item must be a string or an object, got {type(raw).__name__}")
    unknown = set(raw) - _ITEM_KEYS
    if unknown:
        raise ValueError(f"unknown response item keys {sorted(unknown)}; allowed: {sorted(_ITEM_KEYS)}")
    content = raw.get("content", "")
    delay_s = raw.get("delay_s", 0.0)
    status = raw.get("status", 200)
    if not isinstance(content, str):
        raise ValueError("'content' must be a string (JSON-encode plans before queueing them)")
    if not isinstance(delay_s, int | float) or delay_s < 0:
        raise ValueError("'delay_s' must be a non-negative number")
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError("'status' must be an HTTP status code")
    finish_reason = raw.get("finish_reason", "stop")
    if finish_reason not in ("stop", "length"):
        raise ValueError("'finish_reason' must be 'stop' or 'length'")
    return _Scripted(content=content, delay_s=float(delay_s), status=status, finish_reason=finish_reason)


def _error(status: int, message: str, kind: str = "server_error") -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind, "code": status}}, status=status)


def _approx_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _refuse_key(request: web.Request) -> web.Response | None:
    """HTTP 401 unless the request carries the key the server was told to require (if any)."""
    state = request.app[STATE_KEY]
    if state.api_key is None or request.headers.get("Authorization") == f"Bearer {state.api_key}":
        return None
    state.unauthorized += 1
    return _error(401, "Incorrect API key provided.", "invalid_request_error")


async def chat_completions(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if (refused := _refuse_key(request)) is not None:
        return refused
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(400, "request body is not JSON", "invalid_request_error")
    state.requests.append(body)
    state.headers.append(dict(request.headers))

    if state.queue:
        item = state.queue.popleft()
    elif state.default is not None:
        item = state.default
    else:
        return _error(500, "test planner: no queued response and no default set")

    if item.delay_s > 0:
        await asyncio.sleep(item.delay_s)
    if item.status != 200:
        return _error(item.status, item.content or f"test planner: scripted HTTP {item.status}")

    prompt_text = ""
    if isinstance(body, dict) and isinstance(body.get("messages"), list):
        prompt_text = "".join(str(m.get("content", "")) for m in body["messages"] if isinstance(m, dict))
    prompt_tokens = _approx_tokens(prompt_text)
    completion_tokens = _approx_tokens(item.content)
    model = body.get("model", MODEL_ID) if isinstance(body, dict) else MODEL_ID
    return web.json_response(
        {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": item.content},
                    "finish_reason": item.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


async def models(request: web.Request) -> web.Response:
    if (refused := _refuse_key(request)) is not None:
        return refused
    request.app[STATE_KEY].models_calls += 1
    return web.json_response({"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]})


async def control_queue(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        body = await request.json()
        raw_items = body["responses"]
        if not isinstance(raw_items, list):
            raise ValueError("'responses' must be a list")
        items = [_parse_item(raw) for raw in raw_items]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        return _error(400, f"bad queue request: {err}", "invalid_request_error")
    state.queue.extend(items)
    return web.json_response({"queued": len(state.queue)})


async def control_default(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        body = await request.json()
        state.default = None if body is None else _parse_item(body)
    except (json.JSONDecodeError, ValueError) as err:
        return _error(400, f"bad default request: {err}", "invalid_request_error")
    return web.json_response({"ok": True})


async def control_calls(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(
        {
            "count": len(state.requests),
            "requests": state.requests,
            "headers": state.headers,
            "models_calls": state.models_calls,
            "unauthorized": state.unauthorized,
        }
    )


async def control_api_key(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        key = (await request.json())["key"]
        if key is not None and not isinstance(key, str):
            raise ValueError("'key' must be a string or null")
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        return _error(400, f"bad api_key request: {err}", "invalid_request_error")
    state.api_key = key
    return web.json_response({"ok": True})


async def control_reset(request: web.Request) -> web.Response:
    request.app[STATE_KEY] = _State()
    return web.json_response({"ok": True})


def make_app() -> web.Application:
    app = web.Application()
    app[STATE_KEY] = _State()
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_get("/v1/models", models)
    app.router.add_post("/_control/queue", control_queue)
    app.router.add_post("/_control/default", control_default)
    app.router.add_get("/_control/calls", control_calls)
    app.router.add_post("/_control/reset", control_reset)
    app.router.add_post("/_control/api_key", control_api_key)
    return app


async def serve(host: str, port: int) -> None:
    # handler_cancellation: a delayed reply stops when the client gives up (as a real server's generation
    # would), and a short shutdown_timeout keeps stop() quick while a delayed reply is pending.
    runner = web.AppRunner(make_app(), access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    # Bind the socket ourselves so that port 0 yields a concrete port we can announce.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    site = web.SockSite(runner, sock)
    await site.start()
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    sys.stdout.write(f"LISTENING http://{shown_host}:{bound_port}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
