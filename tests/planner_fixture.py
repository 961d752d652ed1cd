"""Pytest fixtures that start the scripted OpenAI-compatible planner server (tests/planner_server.py).

Why a subprocess: the server must be a real HTTP peer with its own event loop, so that timeouts, dropped
connections and error statuses behave as with Ollama or llama.cpp, and so that it cannot interfere with the
event loop (or the lingering-task checks) of the Home Assistant test harness.

Why ``socket_enabled``: the Home Assistant harness (pytest-socket) blocks sockets in every test unless the
test requests ``socket_enabled``, and even then only the literal ``127.0.0.1`` may be connected to (not
``localhost``). The fixtures request it, so tests using them may open aiohttp sessions to ``server.url``.
Control calls go through ``urllib`` with proxies disabled (an ``http_proxy`` in the environment must not
capture calls to the loopback server).

Usage::

    def test_x(planner_server: PlannerServer) -> None:
        planner_server.queue('{"steps": []}', {"content": "oops", "status": 500})
        ...  # point the client at planner_server.url
        assert planner_server.calls() == 2

``planner_server`` starts a fresh process per test; ``planner_server_module`` shares one process per test
module (faster) and resets it before each test.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Self

import pytest

SERVER_SCRIPT = Path(__file__).with_name("planner_server.py")
_ITEM_KEYS = frozenset({"content", "delay_s", "status", "finish_reason"})
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PlannerServerError(RuntimeError):
    """The test planner server could not be started or a control call failed."""


class PlannerServer:
    """Handle on a running ``tests/planner_server.py`` process."""

    def __init__(self, host: str = "127.0.0.1", startup_timeout_s: float = 15.0) -> None:
        self._host = host
        self._startup_timeout_s = startup_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the server and wait for its ``LISTENING <url>`` line."""
        if self._proc is not None:
            raise PlannerServerError("planner server already started")
        # Closed in stop(); a temp file (not a pipe) so a chatty server can never block on a full pipe.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            [sys.executable, str(SERVER_SCRIPT), "--host", self._host, "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            line = self._read_first_line()
            prefix = "LISTENING "
            if not line.startswith(prefix):
                raise PlannerServerError(f"unexpected first line from planner server: {line!r}")
            self._url = line[len(prefix) :].strip()
        except BaseException:
            self.stop()
            raise

    def _read_first_line(self) -> str:
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise PlannerServerError("planner server is not running")
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + self._startup_timeout_s
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PlannerServerError(
                        f"planner server did not announce itself within {self._startup_timeout_s:g} s"
                        f"{self._stderr_tail()}"
                    )
                if not selector.select(remaining):
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    code = proc.wait(timeout=5)
                    raise PlannerServerError(f"planner server exited with code {code}{self._stderr_tail()}")
                buffer += chunk
        return buffer.split(b"\n", 1)[0].decode("utf-8", "replace")

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return f"; stderr:\n{text[-4000:]}" if text else ""

    def stop(self) -> None:
        """Terminate the server and wait for it (idempotent)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._url = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234`` (without ``/v1``)."""
        if self._url is None:
            raise PlannerServerError("planner server is not running")
        return self._url

    # -- control API -----------------------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None and method == "GET" else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with _NO_PROXY.open(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace")
            raise PlannerServerError(f"{method} {path} failed: HTTP {err.code}: {detail}") from err

    def queue(self, *responses: str | Mapping[str, Any]) -> None:
        """Append scripted replies: a string is the reply content; a mapping is a response item
        ``{"content": str, "delay_s": float, "status": int, "finish_reason": "stop" | "length"}``. To queue a plan,
        pass ``json.dumps(plan)``."""
        items: list[Any] = []
        for response in responses:
            if isinstance(response, str):
                items.append({"content": response})
            elif isinstance(response, Mapping) and response and set(response) <= _ITEM_KEYS:
                items.append(dict(response))
            else:
                raise ValueError(
                    f"queue() takes reply strings or items with keys {sorted(_ITEM_KEYS)}; got {response!r}"
                    " (to queue a plan dict, pass json.dumps(plan))"
                )
        self._control("POST", "/_control/queue", {"responses": items})

    def set_default(self, content: str, delay_s: float = 0) -> None:
        """Reply used whenever the queue is empty."""
        self._control("POST", "/_control/default", {"content": content, "delay_s": delay_s})

    def _calls(self) -> dict[str, Any]:
        result: dict[str, Any] = self._control("GET", "/_control/calls")
        return result

    def calls(self) -> int:
        """Number of ``POST /v1/chat/completions`` requests received since start or reset."""
        return int(self._calls()["count"])

    def requests(self) -> list[dict[str, Any]]:
        """Bodies of the chat-completion requests received, oldest first."""
        return list(self._calls()["requests"])

    def request_headers(self) -> list[dict[str, str]]:
        """Headers of the chat-completion requests received, parallel to :meth:`requests`."""
        return list(self._calls()["headers"])

    def models_calls(self) -> int:
        """Number of ``GET /v1/models`` requests received."""
        return int(self._calls()["models_calls"])

    def require_api_key(self, key: str | None) -> None:
        """Answer ``/v1/*`` requests without ``Authorization: Bearer <key>`` with HTTP 401 (None: no key)."""
        self._control("POST", "/_control/api_key", {"key": key})

    def unauthorized_calls(self) -> int:
        """Number of ``/v1/*`` requests refused for their key."""
        return int(self._calls()["unauthorized"])

    def reset(self) -> None:
        """Clear the queue, the default reply, the recorded calls and the required key."""
        self._control("POST", "/_control/reset", {})


@pytest.fixture
def planner_server(socket_enabled: None) -> Iterator[PlannerServer]:
    """A freshly started planner server, stopped at teardown."""
    server = PlannerServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def _planner_server_process() -> Iterator[PlannerServer]:
    server = PlannerServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def planner_server_module(_planner_server_process: PlannerServer, socket_enabled: None) -> PlannerServer:
    """One planner server process shared by the tests of a module, reset before each test.

    (Function-scoped on top of a module-scoped process: sockets are only enabled per test.)
    """
    _planner_server_process.reset()
    return _planner_server_process
