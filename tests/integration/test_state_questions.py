"""Questions about several devices are answered by Home Assistant's own sentences (``host_answers.py``).

"which lights are on", "how many lights are on" and "哪些灯开着" went to the planner: a plan's reply can only
say each state it read (not count them, not list only those on, not name the exceptions), and "哪些灯开着"
was parsed as a command. Home Assistant's sentences answer these from exposed entities, in the request's
language; a wording they do not know is planned as before.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    SECRET_LIGHT,
    ask,
    last_trace,
    plan_json,
    respond_step,
    setup_agent,
    speech,
)


async def test_questions_about_several_devices_get_home_assistants_answers(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url)
    # The ceiling lights are on too, but not exposed to Assist: never counted or named.
    await home.services.async_call(
        "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, SECRET_LIGHT]}, blocking=True
    )
    for text, language, answer in (
        ("which lights are on", "en", "Kitchen Lights"),
        ("how many lights are on", "en", "1"),
        ("are all the lights on", "en", "No, Bed Light is not on"),
        ("are any switches on", "en", "Yes, Decorative Lights"),
        ("which lights are on in the kitchen", "en", "Kitchen Lights"),  # parsed as HassTurnOn
        ("哪些灯开着", "zh-Hans", "Kitchen Lights开着"),  # parsed as HassTurnOn
        ("所有的灯都开着吗", "zh-Hans", "不，Bed Light除外"),
        ("哪些燈開著", "zh-Hant", "Kitchen Lights開著"),
        # Wordings Home Assistant's sentences lack, asked in the ones they have (state_summary).
        ("有几盏灯开着", "zh-Hans", "1"),
        ("哪些灯亮着", "zh-Hans", "Kitchen Lights开着"),
        ("开着的灯有哪些", "zh-Hans", "Kitchen Lights开着"),
        ("which lights are still on", "en", "Kitchen Lights"),  # unknown to the parser
        ("are any of the lights on", "en", "Yes, Kitchen Lights"),
        ("what lights are on", "en", "Kitchen Lights"),
        ("which lights did I leave on", "en", "Kitchen Lights"),
    ):
        result = await ask(home, entry, text, language)
        assert speech(result) == answer, text
        trace = last_trace(entry)
        assert (trace["outcome"], trace["intent"]) == ("host_intent", "HassGetState"), text
    # Nothing was planned, cached or switched.
    assert planner.calls() == 0
    assert len(entry.runtime_data.cache) == 0
    assert home.states.get(BED_LIGHT).state == "off"  # type: ignore[union-attr]


async def test_a_wording_home_assistant_does_not_know_is_planned(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url)
    await home.services.async_call("light", "turn_on", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    read = {
        "id": "s1",
        "description": "read the lights that are on",
        "action": "ha_state",
        "inputs": {"domain": "light", "state": "on"},
        "depends_on": [],
    }
    planner.queue(plan_json(read, respond_step("On: {steps.s1.output}.")))
    result = await ask(home, entry, "how many of the lights happen to be on right now", "en")
    assert last_trace(entry)["outcome"] == "miss"
    assert speech(result) == "On: on."
    assert planner.calls() == 1


async def test_a_question_about_one_device_is_still_served_by_the_cache(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, starter_plans=True)
    result = await ask(home, entry, "is the bed light on", "en")
    assert last_trace(entry)["outcome"] == "hit"
    assert speech(result) == "The bed light is off."
    assert planner.calls() == 0
