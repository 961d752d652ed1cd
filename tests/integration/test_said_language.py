"""A bilingual home: the request's own words decide its language, not the pipeline's (a real Home Assistant).

Before, "开灯" typed into an English Assist pipeline searched only English plans, reused "open the {name}"
and tried to open a cover called 灯 (``engine/said_language.py``).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import KITCHEN_LIGHT, ask, last_trace, setup_agent, speech


async def test_chinese_in_an_english_pipeline_and_english_in_a_chinese_one(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(home, entry, "打开厨房的灯", "en")
    assert speech(result) == "已打开厨房的灯。"
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    trace = last_trace(entry)
    assert trace["language"] == "zh-Hans"
    assert trace["template_text"] == "打开{area}的灯"

    # Traditional characters: the Traditional reply.
    result = await ask(home, entry, "關閉廚房的燈", "en")
    assert speech(result) == "已關閉廚房的燈。"
    assert home.states.get(KITCHEN_LIGHT).state == "off"

    result = await ask(home, entry, "turn on the kitchen lights", "zh-Hans")
    assert speech(result) == "Turned on the lights in the kitchen."
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert last_trace(entry)["language"] == "en"
    assert planner.calls() == 0
