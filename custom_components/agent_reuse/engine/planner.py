"""Client for the LLM planner, called only when no cached plan can be reused.

Why this shape:

* **OpenAI-compatible HTTP only.** ``POST {base}/v1/chat/completions`` is what OpenAI, Ollama, llama.cpp's
  server, vLLM and LocalAI all speak, so one client covers cloud and local planners. ``base_url`` may or
  may not end in ``/v1``.
* **The planner never sees slot values.** :class:`PlanRequest` has no field for them: the planner gets the
  slot-stripped template (``"turn on the {name}"``) and the slot *types*, and must answer with a plan that
  uses ``{slot.TYPE}`` placeholders. That is what makes the plan reusable for the next request with the
  same template, and it keeps what the user said out of a cloud planner's logs.
* **The plan format is injected.** The schema, the examples and the ``validate`` callable come from the
  caller (the plan model lives elsewhere), so this module knows only JSON and HTTP. ``validate`` raises
  :class:`PlanValidationError` for a bad plan; other exceptions are treated as bugs and propagate.
* **One repair round.** Small local models often wrap JSON in prose or fences, or miss a field. The reply is
  salvaged when possible (first JSON object), and an invalid one is sent back once with the exact error;
  a second failure is a :class:`PlannerError` that says what was wrong.
* **One deadline over the whole call** (both rounds): a voice assistant must answer in bounded time.
* **Prompts are built by pure functions** (:func:`build_system_prompt`, :func:`build_user_prompt`) so their
  content and size can be tested without HTTP; they are kept compact because tokens cost latency/money.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from .errors import PlannerError, PlannerHTTPError, PlannerTimeoutError, PlanValidationError
from .speech import spoken

_LOGGER = logging.getLogger(__name__)
#: HTTP statuses with which servers refuse a ``json_schema`` response format they do not support.
_SCHEMA_REFUSED_STATUSES = frozenset({400, 422})

#: Placeholder syntax a plan uses for the request's parameters, e.g. ``{slot.brightness}``.
SLOT_PLACEHOLDER_RE = re.compile(r"\{slot\.([A-Za-z_][A-Za-z0-9_]*)\}")
#: ``{area}``: a placeholder without its ``slot.`` (see :func:`with_slot_placeholders`).
_BARE_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_FENCE_RE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)
_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_ERROR_SNIPPET = 300


@dataclass(frozen=True, slots=True)
class ExposedEntity:
    """An entity the planner may use, with the services its domain offers."""

    entity_id: str
    name: str
    domain: str
    area: str | None = None
    services: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What the planner is told about a request — deliberately without slot values.

    ``template_text`` is the slot-stripped request (``"turn on the {name}"``); ``slot_types`` are the
    parameter types the plan must take (``("name",)``); ``intent`` is None when the NLU did not recognise
    one. ``entities``/``areas``/``mqtt_topics`` describe what the plan may act on.
    """

    template_text: str
    slot_types: Sequence[str]
    intent: str | None
    language: str
    entities: Sequence[ExposedEntity] = ()
    areas: Sequence[str] = ()
    mqtt_topics: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ChatAnswer:
    """One chat-completion answer: its text, token usage, the HTTP calls it took, and whether the server
    cut it at its token limit (``finish_reason`` "length")."""

    content: str
    usage: TokenUsage | None
    http_calls: int
    cut: bool


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Token counts the server reported, summed over the calls of one :meth:`PlannerClient.plan`."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class PlannerResult[T]:
    """A validated plan and how it was obtained."""

    plan: T
    raw: dict[str, Any]
    http_calls: int
    latency_ms: float
    usage: TokenUsage | None
    repaired: bool


def build_system_prompt(plan_schema: Mapping[str, Any], examples: Sequence[Mapping[str, Any]]) -> str:
    """The static part of the prompt: role, plan format (schema + examples) and rules."""
    lines = [
        "You are the planner of a smart-home assistant. You turn one user request into a plan: "
        "a JSON object the assistant executes.",
        "Plan JSON schema: " + _compact_json(plan_schema),
    ]
    if examples:
        lines.append("Examples:")
        lines.extend(_compact_json(example) for example in examples)
    lines.append(
        "Rules:\n"
        "- The request's parameters are given as types only; where the plan needs a parameter's value, "
        "write the placeholder {slot.TYPE} (e.g. {slot.name}). Never invent concrete values for them, "
        "and use no other {slot.*} placeholders.\n"
        "- Use only the listed entities, areas, services and MQTT topics.\n"
        "- To move a thermostat's target from where it is (warmer or cooler by some degrees), call "
        'climate.set_temperature with data {"temperature_step": N}, N negative to lower it '
        '(e.g. "-{slot.temperature}").\n'
        "- Answer with the plan as one JSON object only: no prose, no code fences."
    )
    return "\n".join(lines)


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def build_user_prompt(request: PlanRequest) -> str:
    """The per-request part of the prompt. Takes only a :class:`PlanRequest`, which has no slot values."""
    lines = [
        f"Request: {request.template_text}",
        "Parameters: " + (", ".join(f"{{slot.{t}}}" for t in request.slot_types) or "none"),
        f"Intent: {request.intent or 'unknown'}",
        f"Language: {request.language}",
    ]
    if request.entities:
        lines.append("Entities (entity_id | name | area | services):")
        for entity in request.entities:
            services = ",".join(entity.services) or "-"
            lines.append(f"{entity.entity_id} | {entity.name} | {entity.area or '-'} | {services}")
    else:
        lines.append("Entities: none")
    if request.areas:
        lines.append("Areas: " + ", ".join(request.areas))
    if request.mqtt_topics:
        lines.append("MQTT topics: " + ", ".join(request.mqtt_topics))
    return "\n".join(lines)


def build_repair_prompt(error: str) -> str:
    """The user message of the repair round."""
    return (
        f"Your answer was invalid: {error}\n"
        "Reply with the corrected plan as one JSON object only, following the schema and rules."
    )


def extract_json_object(content: str) -> dict[str, Any]:
    """Return the first JSON object in a model reply (fenced, surrounded by text, or bare).

    Raises ValueError with a short description when there is none.
    """
    text = _THINK_RE.sub("", content).strip()
    if not text:
        raise ValueError("the answer was empty")
    candidates = [m.group(1) for m in _FENCE_RE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        start = candidate.find("{")
        while start != -1:
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError:
                pass
            else:
                if isinstance(value, dict):
                    return value
            start = candidate.find("{", start + 1)
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(
            f"the answer is not JSON ({err.msg} at line {err.lineno} column {err.colno})"
        ) from None
    raise ValueError("the answer is JSON but not a JSON object")


def with_slot_placeholders(value: Any, slot_types: Sequence[str]) -> Any:
    """``value`` with each bare ``{TYPE}`` of one of the request's slot types written ``{slot.TYPE}``.

    Why: small local planners copy the request's template ("turn on the {area} lights") into the plan and
    write ``{area}`` where the schema says ``{slot.area}``. The plan was refused and the repair round asked
    for it again, which cost another generation (3.7 s with the demo's SmolLM2) and got the same mistake
    back. Which placeholder was meant is not in doubt when the request has that slot type, so it is
    written as meant; any other braces still fail validation and go to the repair round.
    """
    if not slot_types:
        return value
    if isinstance(value, str):
        return _BARE_PLACEHOLDER_RE.sub(
            lambda m: f"{{slot.{m.group(1)}}}" if m.group(1) in slot_types else m.group(0), value
        )
    if isinstance(value, Mapping):
        return {key: with_slot_placeholders(item, slot_types) for key, item in value.items()}
    if isinstance(value, list):
        return [with_slot_placeholders(item, slot_types) for item in value]
    return value


def find_slot_placeholders(value: Any) -> set[str]:
    """Slot types referenced as ``{slot.TYPE}`` anywhere in the strings of a JSON value."""
    found: set[str] = set()
    if isinstance(value, str):
        found.update(SLOT_PLACEHOLDER_RE.findall(value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found |= find_slot_placeholders(key)
            found |= find_slot_placeholders(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= find_slot_placeholders(item)
    return found


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ERROR_SNIPPET else text[:_ERROR_SNIPPET] + "…"


class PlannerClient[T]:
    """Asks an OpenAI-compatible chat-completions endpoint for a plan and validates it.

    ``validate`` turns the raw plan dict into the caller's plan type ``T`` (raising
    :class:`PlanValidationError`). ``structured_output=True`` sends a ``json_schema`` response format
    (llama.cpp, vLLM, OpenAI, Ollama ≥ 0.5) instead of plain JSON mode, and falls back to JSON mode for good
    when the server refuses it (HTTP 400/422); ``json_mode=False`` sends no response format at all, for
    servers that reject it. ``check_placeholders`` rejects plans that use ``{slot.X}`` placeholders
    for parameters the request does not have. ``check_fit(intent, plan)`` may describe what keeps a valid
    plan from serving the request's intent (``plan_fit.intent_fit_problem``); the description goes to the
    repair round like a schema error.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        model: str,
        *,
        plan_schema: Mapping[str, Any],
        examples: Sequence[Mapping[str, Any]],
        validate: Callable[[Mapping[str, Any]], T],
        api_key: str | None = None,
        timeout_s: float = 30.0,
        structured_output: bool = False,
        json_mode: bool = True,
        check_placeholders: bool = True,
        check_fit: Callable[[str | None, T], str | None] | None = None,
        max_tokens: int | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self._session = session
        self._api_base = api_base_url(base_url)
        self._model = model
        self._plan_schema = plan_schema
        self._validate = validate
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._structured_output = structured_output
        self._json_mode = json_mode
        self._check_placeholders = check_placeholders
        self._check_fit = check_fit
        self._max_tokens = max_tokens
        self._system_prompt = build_system_prompt(plan_schema, examples)

    @property
    def chat_url(self) -> str:
        return f"{self._api_base}/chat/completions"

    @property
    def models_url(self) -> str:
        return f"{self._api_base}/models"

    @property
    def system_prompt(self) -> str:
        return self._system_prompt

    @property
    def timeout_s(self) -> float:
        return self._timeout_s

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _body(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self._model, "messages": messages, "temperature": 0}
        if self._structured_output:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "plan", "schema": dict(self._plan_schema)},
            }
        elif self._json_mode:
            body["response_format"] = {"type": "json_object"}
        if self._max_tokens is not None:
            body["max_tokens"] = self._max_tokens
        return body

    def _timeout_error(self) -> PlannerTimeoutError:
        return PlannerTimeoutError(
            f"planner did not answer within {self._timeout_s:g} s ({self.chat_url})",
            spoken=spoken("planner_timeout", seconds=f"{self._timeout_s:g}"),
        )

    async def plan(self, request: PlanRequest) -> PlannerResult[T]:
        """Ask for a plan; two answers at most (one repair round), all within ``timeout_s``.

        An answer is one HTTP call, or two the first time a server refuses the ``json_schema`` response
        format (the client then falls back to JSON mode for good).
        """
        started = time.monotonic()
        messages = [
            {"role": "system", "content": self._system_prompt},
            {"role": "user", "content": build_user_prompt(request)},
        ]
        answers: list[ChatAnswer] = []
        try:
            async with asyncio.timeout(self._timeout_s):
                answers.append(await self._chat(messages))
                outcome = self._parse(answers[-1], request)
                repaired = isinstance(outcome, str)
                if isinstance(outcome, str):
                    first_error = outcome
                    messages += [
                        {"role": "assistant", "content": answers[-1].content},
                        {"role": "user", "content": build_repair_prompt(first_error)},
                    ]
                    answers.append(await self._chat(messages))
                    outcome = self._parse(answers[-1], request)
                    if isinstance(outcome, str):
                        raise PlannerError(
                            f"planner {self._model!r} gave no valid plan after one repair round: "
                            f"first answer: {first_error}; repaired answer: {outcome}",
                            spoken=spoken("planner_no_valid_plan"),
                        )
        except TimeoutError:
            raise self._timeout_error() from None
        raw, plan = outcome
        return PlannerResult(
            plan=plan,
            raw=raw,
            http_calls=sum(answer.http_calls for answer in answers),
            latency_ms=(time.monotonic() - started) * 1000.0,
            usage=_sum_usage([answer.usage for answer in answers if answer.usage is not None]),
            repaired=repaired,
        )

    def _parse(self, answer: ChatAnswer, request: PlanRequest) -> tuple[dict[str, Any], T] | str:
        """The raw and validated plan, or a description of what is wrong with the answer.

        An answer the server cut at its token limit is, unless the plan happened to be complete, a fragment
        (often one step object, which reads as "unknown fields id, action, …"), so the description says so
        first: that is what a user or the repair round can act on.
        """
        result = self._check(answer.content, request)
        if isinstance(result, str) and answer.cut:
            return (
                "the answer was cut off at the planner's token limit before the plan was complete "
                f"({result}); reply with a shorter plan"
            )
        return result

    def _check(self, content: str, request: PlanRequest) -> tuple[dict[str, Any], T] | str:
        """The raw and validated plan in ``content``, or a description of what is wrong with it."""
        try:
            raw = extract_json_object(content)
        except ValueError as err:
            return f"{err}; the answer began with: {_snippet(content)!r}"
        raw = with_slot_placeholders(raw, request.slot_types)
        if self._check_placeholders:
            unknown = find_slot_placeholders(raw) - set(request.slot_types)
            if unknown:
                allowed = ", ".join(f"{{slot.{t}}}" for t in request.slot_types) or "none"
                used = ", ".join(f"{{slot.{t}}}" for t in sorted(unknown))
                return f"the plan uses placeholders for parameters the request does not have: {used} (allowed: {allowed})"
        try:
            plan = self._validate(raw)
        except PlanValidationError as err:
            return f"the plan does not match the schema: {err}"
        if self._check_fit is not None and (problem := self._check_fit(request.intent, plan)) is not None:
            return f"the plan does not fit the request: {problem}"
        return raw, plan

    async def _chat(self, messages: list[dict[str, str]]) -> ChatAnswer:
        """One answer (two HTTP calls after a fallback from the ``json_schema`` response format)."""
        url = self.chat_url
        calls = 1
        try:
            payload = await self._request_json("POST", url, self._body(messages))
        except PlannerHTTPError as err:
            if not (self._structured_output and err.status in _SCHEMA_REFUSED_STATUSES):
                raise
            # Not every OpenAI-compatible server takes a JSON schema as response format (older Ollama,
            # LocalAI builds); plain JSON mode then still keeps the answer parseable. Decided once per
            # client: the next requests go out without the schema straight away.
            _LOGGER.warning(
                "Planner at %s refused the plan schema as response format (%s); using JSON mode instead",
                url,
                err,
            )
            self._structured_output = False
            payload = await self._request_json("POST", url, self._body(messages))
            calls = 2
        try:
            choice = payload["choices"][0]
            message = choice["message"]
            content = message.get("content")
            cut = choice.get("finish_reason") == "length"
        except (KeyError, IndexError, TypeError, AttributeError):
            raise PlannerError(
                f"planner at {url} sent a reply without choices[0].message: {_snippet(json.dumps(payload))}",
                spoken=spoken("planner_bad_reply"),
            ) from None
        return ChatAnswer(
            content if isinstance(content, str) else "", _parse_usage(payload.get("usage")), calls, cut
        )

    async def _request_json(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        try:
            async with self._session.request(
                method,
                url,
                json=body,
                headers=self._headers(),
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
            ) as response:
                text = await response.text(errors="replace")
                if not 200 <= response.status < 300:
                    raise PlannerHTTPError(
                        f"planner at {url} answered HTTP {response.status} {response.reason or ''}".rstrip()
                        + (f": {_snippet(text)}" if text else ""),
                        response.status,
                    )
        except TimeoutError:
            raise
        except aiohttp.ClientError as err:
            raise PlannerError(
                f"cannot reach planner at {url}: {err or type(err).__name__}",
                spoken=spoken("planner_unreachable"),
            ) from err
        try:
            payload = json.loads(text)
        except json.JSONDecodeError:
            raise PlannerError(
                f"planner at {url} did not answer with JSON: {_snippet(text)!r}",
                spoken=spoken("planner_bad_reply"),
            ) from None
        if not isinstance(payload, dict):
            raise PlannerError(
                f"planner at {url} answered with JSON that is not an object",
                spoken=spoken("planner_bad_reply"),
            )
        return payload

    async def list_models(self) -> list[str]:
        """Model ids the server offers (``GET {base}/v1/models``)."""
        try:
            async with asyncio.timeout(self._timeout_s):
                payload = await self._request_json("GET", self.models_url)
        except TimeoutError:
            raise PlannerTimeoutError(
                f"planner did not answer within {self._timeout_s:g} s ({self.models_url})"
            ) from None
        data = payload.get("data")
        if not isinstance(data, list):
            raise PlannerError(f"planner at {self.models_url} sent no model list")
        return [str(item["id"]) for item in data if isinstance(item, dict) and "id" in item]

    async def check_connection(self) -> None:
        """Raise :class:`PlannerError` unless the server answers its model list (for the config flow)."""
        await self.list_models()


def api_base_url(base_url: str) -> str:
    """``http://host:8080`` and ``http://host:8080/v1/`` both become ``http://host:8080/v1``."""
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"planner URL must start with http:// or https://, got {base_url!r}")
    return base if base.endswith("/v1") else f"{base}/v1"


def _parse_usage(raw: Any) -> TokenUsage | None:
    if not isinstance(raw, Mapping):
        return None
    prompt = raw.get("prompt_tokens")
    completion = raw.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    total = raw.get("total_tokens")
    return TokenUsage(prompt, completion, total if isinstance(total, int) else prompt + completion)


def _sum_usage(usages: Sequence[TokenUsage]) -> TokenUsage | None:
    if not usages:
        return None
    return TokenUsage(
        prompt_tokens=sum(u.prompt_tokens for u in usages),
        completion_tokens=sum(u.completion_tokens for u in usages),
        total_tokens=sum(u.total_tokens for u in usages),
    )
