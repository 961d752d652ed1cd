"""benchmarks/local_planner_quality.py drives the real PlannerClient; it must follow the client's internals.

It broke once unnoticed (the client's ``_chat`` started returning the HTTP-call count too): this runs the
benchmark's measuring loop against the scripted planner server, so such a change fails here instead.
"""

from __future__ import annotations

import argparse
import json

import aiohttp

from benchmarks.local_planner_quality import CASES, run_mode
from tests.planner_fixture import PlannerServer


async def test_run_mode_records_every_answer_and_scores_it(
    planner_server: PlannerServer, session: aiohttp.ClientSession
) -> None:
    switch_on = {
        "steps": [
            {
                "id": "s1",
                "action": "ha_service",
                "inputs": {
                    "domain": "homeassistant",
                    "service": "turn_on",
                    "target": {"name": "{slot.name}"},
                },
            }
        ]
    }
    planner_server.queue(json.dumps(switch_on), *(["not json"] * (2 * len(CASES) - 1)))
    args = argparse.Namespace(timeout=5.0, max_tokens=256, prompt="engine")

    report = await run_mode(session, planner_server.url, "json_object", args)

    assert len(report.outcomes) == len(CASES)
    first = report.outcomes[0]
    assert first.case.template == "turn on the {name}"
    assert first.first_json
    assert first.plan is not None
    assert first.correct
    assert first.http_calls == 1
    refused = report.outcomes[1:]
    assert all(o.plan is None and not o.first_json and o.error for o in refused)
    assert planner_server.calls() == 1 + 2 * (len(CASES) - 1)  # one repair round each
