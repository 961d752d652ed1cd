"""Timers said to the agent are Home Assistant's own timers, on the satellite that heard them.

"set a timer for 5 minutes" went to the planner, whose plan could only wait and then speak into a
conversation long over (and was cached for the next timer). Now the timer intents go to Home Assistant's
timer handlers (``native_timers.py``): the satellite's registered timer handler sees the timer start and end.
"""

from __future__ import annotations

from homeassistant.components.intent import TimerEventType, TimerInfo, async_register_timer_handler
from homeassistant.core import HomeAssistant

from tests.planner_fixture import PlannerServer

from .conftest import ask, last_trace, satellite_in, setup_agent, speech


async def test_a_timer_runs_on_the_satellite_and_is_asked_about_and_cancelled(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url)
    satellite = satellite_in(home, "Kitchen")
    events: list[tuple[TimerEventType, TimerInfo]] = []
    async_register_timer_handler(home, satellite, lambda kind, timer: events.append((kind, timer)))

    result = await ask(home, entry, "set a timer for 5 minutes", "en", satellite)
    assert speech(result) == "Timer started."
    assert last_trace(entry)["outcome"] == "host_intent"
    assert [(kind, timer.start_minutes) for kind, timer in events] == [(TimerEventType.STARTED, 5)]

    result = await ask(home, entry, "how much time is left on the timer", "en", satellite)
    assert speech(result) == "5 minutes left."
    result = await ask(home, entry, "计时器还剩多久", "zh-Hans", satellite)
    assert speech(result) == "还剩5分钟。"

    result = await ask(home, entry, "set a timer for 1 hour and 1 minute", "en", satellite)
    assert speech(result) == "Timer started."
    result = await ask(home, entry, "how much time is left on my timers", "en", satellite)
    assert speech(result) == "5 minutes left. 1 hour left."  # HA rounds: 1:01 is "1 hour"

    # A named timer is asked about by its name (nothing of the agent's own waits: Home Assistant answers).
    await ask(home, entry, "set a 5 minute pasta timer", "en", satellite)
    result = await ask(home, entry, "how much time is left on the pasta timer", "en", satellite)
    assert speech(result) == "Pasta timer: 5 minutes left."

    result = await ask(home, entry, "cancel all timers", "en", satellite)
    assert speech(result) == "Cancelled 3 timers."
    await ask(home, entry, "set a timer for 5 minutes", "en", satellite)
    result = await ask(home, entry, "cancel the timer", "en", satellite)
    assert speech(result) == "Timer cancelled."
    assert events[-1][0] is TimerEventType.CANCELLED
    result = await ask(home, entry, "取消计时器", "zh-Hans", satellite)  # none left
    assert speech(result) == "没有找到这个计时器。"
    assert planner.calls() == 0


async def test_a_device_that_cannot_ring_is_told_so(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url)
    result = await ask(home, entry, "set a timer for 10 minutes")  # the text dialog: no satellite
    assert speech(result) == "This device cannot run timers."
    assert planner.calls() == 0
    assert len(entry.runtime_data.cache) == 0
