"""Time and date questions are answered from the home's clock (never planned, never cached)."""

from __future__ import annotations

from datetime import datetime

import pytest

from custom_components.agent_reuse.engine.clock_answers import clock_answer
from custom_components.agent_reuse.engine.pipeline import Request
from tests.engine.pipeline_helpers import PipelineFactory
from tests.planner_fixture import PlannerServer

AFTERNOON = datetime(2026, 12, 2, 15, 5)
MORNING = datetime(2026, 3, 1, 9, 0)


@pytest.mark.parametrize(
    ("intent", "now", "language", "said"),
    [
        ("HassGetCurrentTime", AFTERNOON, "en", "It is 3:05 PM."),
        ("HassGetCurrentTime", MORNING, "en", "It is 9:00 AM."),
        ("HassGetCurrentTime", datetime(2026, 1, 1, 0, 30), "en", "It is 12:30 AM."),
        ("HassGetCurrentTime", AFTERNOON, "zh-Hans", "现在是下午3点05分。"),
        ("HassGetCurrentTime", MORNING, "zh-CN", "现在是上午9点整。"),
        ("HassGetCurrentTime", datetime(2026, 1, 1, 12, 15), "zh-TW", "現在是中午12點15分。"),
        ("HassGetCurrentTime", datetime(2026, 1, 1, 21, 40), "zh", "现在是晚上9点40分。"),
        ("HassGetCurrentTime", datetime(2026, 1, 1, 2, 10), "zh", "现在是凌晨2点10分。"),
        ("HassGetCurrentDate", AFTERNOON, "en", "Today is Wednesday, December 2, 2026."),
        ("HassGetCurrentDate", AFTERNOON, "zh-Hans", "今天是2026年12月2日，星期三。"),
        ("HassGetCurrentDate", MORNING, "zh-Hant", "今天是2026年3月1日，星期日。"),
    ],
)
def test_the_clock_says(intent: str, now: datetime, language: str, said: str) -> None:
    assert clock_answer(intent, now, language) == said


def test_other_intents_are_not_clock_questions() -> None:
    assert clock_answer("HassTurnOn", AFTERNOON, "en") is None
    assert clock_answer(None, AFTERNOON, "en") is None


async def test_the_pipeline_answers_from_its_clock_without_the_planner(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    pipeline._clock = lambda: AFTERNOON
    for text, language, said in (
        ("what time is it", "en", "It is 3:05 PM."),
        ("现在几点", "zh-Hans", "现在是下午3点05分。"),
        ("what's the date today", "en", "Today is Wednesday, December 2, 2026."),
    ):
        reply = await pipeline.handle(Request(text, language))
        assert (reply.speech, reply.success, reply.trace.outcome) == (said, True, "clock")
        assert "embed" not in reply.trace.timings_ms  # answered without the cache
    assert planner_server.calls() == 0
    assert len(pipeline.cache) == 0
    assert pipeline.cache.stats().lookups == 0  # nor counted as the cache's misses
    assert runner.calls == []
