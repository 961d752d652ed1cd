"""What Home Assistant answers itself: its timers (``native_timers.py``), the weather of another day from its
forecasts (``host_forecast.py``), and questions about several devices ("which lights are on", "有几个窗帘关了"),
from its own sentences and state-question handler.

Why: see ``engine/state_summary.py`` — a plan's reply cannot count, list only the devices in a state, or
name the exceptions, and Home Assistant's own sentences answer exactly these questions in the request's
language, from exposed entities only. Only its state question (HassGetState) is taken: whatever else its
matcher might read into the words is never run from here. A wording it does not know (None) goes on
through the cache and the planner.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent

from .const import EXTRA_CONTEXT, EXTRA_DEVICE_ID, EXTRA_LANGUAGE, LOGGER
from .engine.forecast_days import is_forecast_question
from .engine.nlu import ParsedRequest
from .engine.pipeline import HostAnswer
from .engine.repairs_words import GET_STATE, TIMER_INTENTS
from .engine.state_summary import home_assistant_wording, is_summary_question
from .host_forecast import async_serve_forecast
from .native_timers import async_serve_timer

#: The intents Home Assistant always serves (the engine plans none of them).
HOST_INTENTS = TIMER_INTENTS


def host_claims(parsed: ParsedRequest) -> bool:
    """Requests the host answers whatever their intent: questions about several devices, and the weather of
    another day."""
    return is_summary_question(parsed) or is_forecast_question(parsed)


async def async_serve_on_host(
    hass: HomeAssistant, parsed: ParsedRequest, extra: Mapping[str, Any]
) -> HostAnswer | None:
    """Home Assistant's own answer to ``parsed``, or None to leave it to the engine."""
    if parsed.intent in TIMER_INTENTS:
        return await async_serve_timer(hass, parsed, extra)
    if is_forecast_question(parsed):
        return await async_serve_forecast(hass, parsed, extra)
    return await async_serve_state_question(hass, parsed, extra)


async def async_serve_state_question(
    hass: HomeAssistant, parsed: ParsedRequest, extra: Mapping[str, Any]
) -> HostAnswer | None:
    """Home Assistant's answer to a question about several devices; None when it is not one, or when Home
    Assistant's sentences do not match its words."""
    if not is_summary_question(parsed):
        return None
    context = extra.get(EXTRA_CONTEXT)
    device_id = extra.get(EXTRA_DEVICE_ID)
    user_input = conversation.ConversationInput(
        text=home_assistant_wording(parsed.text),
        context=context if isinstance(context, Context) else Context(),
        conversation_id=None,
        device_id=str(device_id) if device_id else None,
        language=str(extra.get(EXTRA_LANGUAGE) or parsed.language or hass.config.language),
        agent_id=conversation.HOME_ASSISTANT_AGENT,
    )
    response = await conversation.async_handle_intents(
        hass, user_input, intent_filter=lambda result: result.intent.name != GET_STATE
    )
    if response is None:
        LOGGER.debug("Home Assistant's sentences do not match %r: planned as usual", parsed.text)
        return None
    said = str(response.speech.get("plain", {}).get("speech", "")).strip()
    if not said:
        return None
    return HostAnswer(said, response.response_type is not intent.IntentResponseType.ERROR)
