"""How good is the embedded default planner (SmolLM2-135M via scripts/local_planner.py) at simple requests?

Drives the real local server through the engine's real :class:`PlannerClient` (the same prompts, schema,
validation and repair round the integration uses) over a dozen simple requests in English and Chinese, in
the two response-format modes the client can send:

* ``json_object`` — plain JSON mode (``PlannerClient`` default): output is constrained to *some* JSON;
* ``json_schema`` — ``structured_output=True``: output is constrained to the plan JSON schema.

Figures per mode:

* valid JSON — the first answer contains a JSON object;
* schema-valid — the first answer is a valid plan (``Plan.from_dict`` and the placeholder check pass);
* plan after repair — ``PlannerClient.plan`` returned a plan (else it refused with ``PlannerError``);
* binds — that plan binds to sample slot values (``Plan.bind``);
* correct — that plan does what was asked (right domain/service or state read, slot placeholders used
  where the request has them);
* latency — per ``PlannerClient.plan`` call (one or two HTTP calls), median and max; the first call of a run
  also pays for the system prompt (the server keeps the common prompt prefix afterwards).

Usage: ``.venv/bin/python benchmarks/local_planner_quality.py [--url http://127.0.0.1:8011] [--json OUT]``
(without ``--url`` it starts its own server on a free port and stops it afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from custom_components.agent_reuse.engine.errors import PlannerError  # noqa: E402
from custom_components.agent_reuse.engine.plan import Plan  # noqa: E402
from custom_components.agent_reuse.engine.plan_schema import PLAN_EXAMPLES, PLAN_JSON_SCHEMA  # noqa: E402
from custom_components.agent_reuse.engine.planner import (  # noqa: E402
    ChatAnswer,
    ExposedEntity,
    PlannerClient,
    PlanRequest,
    extract_json_object,
)

SERVER_SCRIPT = ROOT / "scripts" / "local_planner.py"
MODEL = "smollm2"

_ON_OFF = ("turn_on", "turn_off", "toggle")
ENTITIES = (
    ExposedEntity(
        "climate.hvac",
        "Hvac",
        "climate",
        "Living Room",
        ("set_hvac_mode", "set_temperature", "turn_off", "turn_on"),
    ),
    ExposedEntity(
        "cover.garage_door",
        "Garage Door",
        "cover",
        "Garage",
        ("close_cover", "open_cover", "set_cover_position", "stop_cover"),
    ),
    ExposedEntity("light.bed_light", "Bed Light", "light", "Bedroom", _ON_OFF),
    ExposedEntity("light.ceiling_lights", "Ceiling Lights", "light", "Living Room", _ON_OFF),
    ExposedEntity("light.kitchen_lights", "Kitchen Lights", "light", "Kitchen", _ON_OFF),
    ExposedEntity("sensor.outside_temperature", "Outside Temperature", "sensor", None, ()),
    ExposedEntity("switch.decorative_lights", "Decorative Lights", "switch", "Living Room", _ON_OFF),
)
AREAS = ("Bedroom", "Garage", "Kitchen", "Living Room")


@dataclass(frozen=True)
class Case:
    """A slot-stripped request, its NLU intent, sample slot values, and what a correct plan does."""

    template: str
    intent: str | None
    language: str
    slots: Mapping[str, str]
    #: (domain set, service) of the ha_service step a correct plan has; None: a correct plan reads state.
    service: tuple[frozenset[str], str] | None


_SWITCHABLE = frozenset({"light", "switch", "homeassistant"})
CASES = (
    Case("turn on the {name}", "HassTurnOn", "en", {"name": "kitchen lights"}, (_SWITCHABLE, "turn_on")),
    Case("turn off the {name}", "HassTurnOff", "en", {"name": "bed light"}, (_SWITCHABLE, "turn_off")),
    Case(
        "turn on the lights in the {area}",
        "HassTurnOn",
        "en",
        {"area": "kitchen"},
        (frozenset({"light"}), "turn_on"),
    ),
    Case(
        "set the {area} lights to {brightness} percent",
        "HassLightSet",
        "en",
        {"area": "living room", "brightness": "40"},
        (frozenset({"light"}), "turn_on"),
    ),
    Case(
        "open the {name}", "HassTurnOn", "en", {"name": "garage door"}, (frozenset({"cover"}), "open_cover")
    ),
    Case(
        "set the temperature to {temperature} degrees",
        "HassClimateSetTemperature",
        "en",
        {"temperature": "21"},
        (frozenset({"climate"}), "set_temperature"),
    ),
    Case(
        "what is the temperature in the {area}",
        "HassClimateGetTemperature",
        "en",
        {"area": "living room"},
        None,
    ),
    Case("打开{name}", "HassTurnOn", "zh", {"name": "厨房灯"}, (_SWITCHABLE, "turn_on")),
    Case("关闭{name}", "HassTurnOff", "zh", {"name": "床头灯"}, (_SWITCHABLE, "turn_off")),
    Case("打开{area}的灯", "HassTurnOn", "zh", {"area": "厨房"}, (frozenset({"light"}), "turn_on")),
    Case(
        "把温度调到{temperature}度",
        "HassClimateSetTemperature",
        "zh",
        {"temperature": "22"},
        (frozenset({"climate"}), "set_temperature"),
    ),
    Case("关上{name}", "HassTurnOff", "zh", {"name": "车库门"}, (frozenset({"cover"}), "close_cover")),
)


def plan_request(case: Case) -> PlanRequest:
    return PlanRequest(
        template_text=case.template,
        slot_types=sorted(case.slots),
        intent=case.intent,
        language=case.language,
        entities=ENTITIES,
        areas=AREAS,
    )


def is_correct(plan: Plan, case: Case) -> bool:
    """Does the plan do what the request asks, with the request's parameters as placeholders?"""
    if not plan.parameters >= set(case.slots):  # every slot of the request must be used somewhere
        return False
    if case.service is None:
        return any(step.action == "ha_state" for step in plan.steps)
    domains, service = case.service
    return any(
        step.action == "ha_service"
        and step.inputs.get("domain") in domains
        and step.inputs.get("service") == service
        for step in plan.steps
    )


class RecordingPlannerClient(PlannerClient[Plan]):
    """The real client, recording each raw answer so first-answer validity can be measured."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: list[str] = []

    async def _chat(self, messages: list[dict[str, str]]) -> ChatAnswer:
        answer = await super()._chat(messages)
        self.answers.append(answer.content)
        return answer


@dataclass
class Outcome:
    case: Case
    first_json: bool
    first_valid: bool
    plan: Plan | None
    error: str | None
    binds: bool
    correct: bool
    latency_ms: float
    http_calls: int
    first_answer: str


@dataclass
class ModeReport:
    mode: str
    outcomes: list[Outcome] = field(default_factory=list)

    def rate(self, pick: Callable[[Outcome], bool]) -> str:
        n = sum(1 for o in self.outcomes if pick(o))
        return f"{n}/{len(self.outcomes)} ({100.0 * n / max(len(self.outcomes), 1):.0f}%)"

    def figures(self) -> dict[str, Any]:
        latencies = [o.latency_ms for o in self.outcomes]
        return {
            "mode": self.mode,
            "requests": len(self.outcomes),
            "valid_json_first_answer": sum(o.first_json for o in self.outcomes),
            "schema_valid_first_answer": sum(o.first_valid for o in self.outcomes),
            "plan_after_repair": sum(o.plan is not None for o in self.outcomes),
            "binds": sum(o.binds for o in self.outcomes),
            "correct": sum(o.correct for o in self.outcomes),
            "latency_ms_first_call": round(latencies[0]) if latencies else None,
            "latency_ms_median": round(statistics.median(latencies)) if latencies else None,
            "latency_ms_max": round(max(latencies)) if latencies else None,
        }


def first_answer_checks(answer: str, case: Case) -> tuple[bool, bool]:
    try:
        raw = extract_json_object(answer)
    except ValueError:
        return False, False
    try:
        plan = Plan.from_dict(raw)
    except Exception:
        return True, False
    return True, plan.parameters <= set(case.slots)


def compact_system_prompt(prompt: str) -> str:
    """The engine's system prompt without the JSON schema line (what-if for small models)."""
    return "\n".join(line for line in prompt.split("\n") if not line.startswith("Plan JSON schema:"))


async def run_mode(
    session: aiohttp.ClientSession, url: str, mode: str, args: argparse.Namespace
) -> ModeReport:
    client = RecordingPlannerClient(
        session,
        url,
        MODEL,
        plan_schema=PLAN_JSON_SCHEMA,
        examples=PLAN_EXAMPLES,
        validate=Plan.from_dict,
        timeout_s=args.timeout,
        structured_output=mode == "json_schema",
        json_mode=True,
        max_tokens=args.max_tokens,
    )
    if args.prompt == "compact":
        client._system_prompt = compact_system_prompt(client.system_prompt)
    report = ModeReport(mode)
    for case in CASES:
        client.answers.clear()
        started = time.monotonic()
        plan: Plan | None = None
        error: str | None = None
        calls = 0
        try:
            result = await client.plan(plan_request(case))
            plan, calls = result.plan, result.http_calls
        except PlannerError as err:  # includes PlannerTimeoutError
            error, calls = str(err), len(client.answers)
        latency_ms = (time.monotonic() - started) * 1000.0
        if not client.answers and error is None:
            raise RuntimeError(
                "no answer was recorded: PlannerClient._chat was renamed? update this benchmark"
            )
        first = client.answers[0] if client.answers else ""
        first_json, first_valid = first_answer_checks(first, case)
        binds = False
        if plan is not None:
            try:
                plan.bind(dict(case.slots))
                binds = True
            except Exception:
                binds = False
        correct = plan is not None and binds and is_correct(plan, case)
        report.outcomes.append(
            Outcome(case, first_json, first_valid, plan, error, binds, correct, latency_ms, calls, first)
        )
        mark = "ok " if correct else ("bad" if plan is not None else "ref")
        print(f"  [{mode:11}] {mark} {latency_ms:6.0f} ms  {calls} call(s)  {case.template}", flush=True)
    return report


@contextmanager
def local_server(server_args: list[str]) -> Iterator[str]:
    """Start scripts/local_planner.py on a free port; yield its base URL; stop it."""
    cmd = [sys.executable, str(SERVER_SCRIPT), "--host", "127.0.0.1", "--port", "0", *server_args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the server prints LISTENING once the model is loaded
        if not line.startswith("LISTENING "):
            raise RuntimeError(
                f"local planner did not start (exit code {proc.wait(timeout=10)}); see its stderr above"
            )
        yield line.split(" ", 1)[1].strip()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def main_async(url: str, modes: list[str], args: argparse.Namespace) -> list[ModeReport]:
    reports = []
    async with aiohttp.ClientSession(trust_env=False) as session:
        for mode in modes:
            reports.append(await run_mode(session, url, mode, args))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--url", help="use a running planner server (default: start scripts/local_planner.py)"
    )
    parser.add_argument("--mode", choices=["json_object", "json_schema", "both"], default="both")
    parser.add_argument("--timeout", type=float, default=60.0, help="PlannerClient timeout per request (s)")
    parser.add_argument("--threads", type=int, help="server threads when this script starts the server")
    parser.add_argument(
        "--model", type=Path, help="GGUF for the server this script starts (default: SmolLM2)"
    )
    parser.add_argument("--chat-format", help="chat format for that server (e.g. 'gemma' for Gemma 3 270M)")
    parser.add_argument(
        "--prompt",
        choices=["engine", "compact"],
        default="engine",
        help="engine: the engine's system prompt as is; compact: what-if without the JSON schema dump "
        "(examples and rules only; decoding is still constrained in json_schema mode)",
    )
    parser.add_argument("--max-tokens", type=int, default=512, help="max_tokens per answer (default 512)")
    parser.add_argument("--json", type=Path, help="also write the figures (and each answer) to this file")
    args = parser.parse_args(argv)
    modes = ["json_object", "json_schema"] if args.mode == "both" else [args.mode]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    print(
        f"local planner quality: {len(CASES)} requests ({sum(c.language == 'zh' for c in CASES)} zh) × {modes}"
    )
    if args.url:
        reports = asyncio.run(main_async(args.url, modes, args))
    else:
        server_args = []
        if args.threads:
            server_args += ["--threads", str(args.threads)]
        if args.model:
            server_args += ["--model", str(args.model)]
        if args.chat_format:
            server_args += ["--chat-format", args.chat_format]
        with local_server(server_args) as url:
            print(f"started {SERVER_SCRIPT.name} at {url}")
            reports = asyncio.run(main_async(url, modes, args))

    print()
    header = f"{'mode':12} {'valid JSON':>12} {'schema-valid':>13} {'plan(+repair)':>14} {'binds':>12} {'correct':>12} {'latency med/max (first)':>25}"
    print(header)
    for report in reports:
        f = report.figures()
        print(
            f"{report.mode:12} {report.rate(lambda o: o.first_json):>12} {report.rate(lambda o: o.first_valid):>13}"
            f" {report.rate(lambda o: o.plan is not None):>14} {report.rate(lambda o: o.binds):>12}"
            f" {report.rate(lambda o: o.correct):>12}"
            f" {f['latency_ms_median']:>8} / {f['latency_ms_max']} ms ({f['latency_ms_first_call']})"
        )
        for lang in ("en", "zh"):
            sub = [o for o in report.outcomes if o.case.language == lang]
            print(f"{'':12}   {lang}: correct {sum(o.correct for o in sub)}/{len(sub)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "figures": [r.figures() for r in reports],
                    "answers": [
                        {
                            "mode": r.mode,
                            "request": o.case.template,
                            "first_answer": o.first_answer,
                            "plan": o.plan.to_dict() if o.plan else None,
                            "error": o.error,
                            "correct": o.correct,
                        }
                        for r in reports
                        for o in r.outcomes
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
