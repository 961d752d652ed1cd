"""Simplified ↔ Traditional reply texts, and a plan cached in one script answering the other."""

from __future__ import annotations

import json

import pytest

from custom_components.agent_reuse.engine.pipeline import Request
from custom_components.agent_reuse.engine.zh_script import needs_conversion, to_script, with_replies_in
from tests.engine.pipeline_helpers import TURN_ON_AREA, PipelineFactory
from tests.planner_fixture import PlannerServer


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-TW", "已打開陽臺的燈，裡面溫度是後天的。"),
        ("zh-HK", "已打開陽台的燈，裏面温度是後天的。"),
        ("zh-Hant", "已打開陽臺的燈，裏面溫度是後天的。"),
        ("zh-CN", "已打开阳台的灯，里面温度是后天的。"),
        ("en", "已打开阳台的灯，里面温度是后天的。"),
    ],
)
def test_to_script(language: str, expected: str) -> None:
    assert to_script("已打开阳台的灯，里面温度是后天的。", language) == expected


def test_back_to_simplified_and_untouched_ascii() -> None:
    assert to_script("已打開客廳的燈 {slot.area} 50%", "zh-Hans") == "已打开客厅的灯 {slot.area} 50%"
    assert to_script("Turned on the lights.", "zh-TW") == "Turned on the lights."


@pytest.mark.parametrize(
    ("plan_language", "request_language", "expected"),
    [
        ("zh", "zh-TW", True),
        ("zh-CN", "zh-Hant", True),
        ("zh-HK", "zh-Hans", True),
        ("zh-TW", "zh-HK", False),
        ("zh", "zh-CN", False),
        ("en", "zh-TW", False),
        ("zh-CN", "en", False),
    ],
)
def test_needs_conversion(plan_language: str, request_language: str, expected: bool) -> None:
    assert needs_conversion(plan_language, request_language) is expected


def test_only_reply_templates_change() -> None:
    plan = {
        "steps": [
            {"id": "s1", "description": "打开灯", "action": "ha_service", "inputs": {"domain": "light"}},
            {"id": "s2", "action": "respond", "inputs": {"template": "已打开{slot.area}的灯。"}},
        ]
    }
    converted = with_replies_in(plan, "zh-TW")
    assert converted["steps"][0] == plan["steps"][0]
    assert converted["steps"][1]["inputs"]["template"] == "已打開{slot.area}的燈。"
    assert plan["steps"][1]["inputs"]["template"] == "已打开{slot.area}的灯。"  # the original is untouched


async def test_a_plan_cached_in_simplified_answers_traditional_in_traditional(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    # The product's default γ: the two scripts' templates score 0.80 (打开{area}的灯 / 打開{area}的燈).
    pipeline.cache.threshold = 0.75
    reply = {**TURN_ON_AREA["steps"][1], "inputs": {"template": "已打开{slot.area}的灯。"}}
    planner_server.queue(json.dumps({"steps": [TURN_ON_AREA["steps"][0], reply]}, ensure_ascii=False))
    first = await pipeline.handle(Request("打开厨房的灯", "zh-CN"))
    assert first.speech == "已打开厨房的灯。"
    assert first.trace.cached

    traditional = await pipeline.handle(Request("打開臥室的燈", "zh-TW"))
    assert traditional.trace.outcome == "hit", traditional.trace
    assert traditional.speech == "已打開臥室的燈。"  # the plan's words converted, the area as it was said
    assert runner.calls[-1]["target"] == {"area": "臥室"}

    simplified = await pipeline.handle(Request("打开卧室的灯", "zh-CN"))
    assert simplified.speech == "已打开卧室的灯。"
    assert planner_server.calls() == 1


def test_minutes_and_alarm_clocks_take_the_clock_character() -> None:
    # OpenCC's first candidate for 钟 is the surname 鍾; replies say minutes ("5分钟后") and alarm clocks.
    assert to_script("好的，5分钟后关灯。", "zh-TW") == "好的，5分鐘後關燈。"
    assert to_script("闹钟", "zh-HK") == "鬧鐘"
    assert to_script("好的，5分鐘後關燈。", "zh-CN") == "好的，5分钟后关灯。"
