"""Timers said to this agent are Home Assistant's own timers, on the satellite that heard them.

Why: "set a timer for 5 minutes" went to the planner. A plan can wait, but it cannot make a satellite ring: at
best it waited five minutes and then "said" something to a conversation long over, and that plan was cached
for the next timer. Home Assistant's timers ring on the voice satellite, can be paused, extended and asked
about, and run a command when they end. So the timer intents (start, cancel, cancel all, add or remove time,
pause, resume, status) go to Home Assistant's own intent handlers with the request's slots and satellite,
and are answered in the request's language. The engine asks first about its own commands for later ("cancel
the timer" while "turn off the lights in 5 minutes" waits cancels that); a timer whose end runs a command
("in 5 minutes turn off the lights", ``conversation_command``) is left to the engine, which does that itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent

from .const import DOMAIN, EXTRA_CONTEXT, EXTRA_DEVICE_ID, EXTRA_LANGUAGE, LOGGER
from .engine.nlu import ParsedRequest
from .engine.numbers import chinese_number, english_number
from .engine.pipeline import HostAnswer
from .engine.repairs_words import TIMER_INTENTS
from .engine.speech import duration_words, join_sentences, spoken

#: Each timer intent and what is said when it worked.
_DONE: Mapping[str, str] = {
    intent.INTENT_START_TIMER: "timer_started",
    intent.INTENT_CANCEL_TIMER: "timer_cancelled",
    intent.INTENT_INCREASE_TIMER: "timer_updated",
    intent.INTENT_DECREASE_TIMER: "timer_updated",
    intent.INTENT_PAUSE_TIMER: "timer_paused",
    intent.INTENT_UNPAUSE_TIMER: "timer_resumed",
}
_NUMBERS = frozenset({"hours", "minutes", "seconds", "start_hours", "start_minutes", "start_seconds"})
#: Home Assistant's timer errors (their response keys) are catalogue messages of the same name.
_ERRORS = frozenset({"timer_not_found", "multiple_timers_matched", "no_timer_support"})


def _number(value: str) -> int | None:
    """ "5", "五", "five" → 5; None for anything else."""
    text = value.strip()
    digits = text if text.isdigit() else chinese_number(text) or english_number(text)
    return int(digits) if digits and digits.isdigit() else None


def _slots(parsed: ParsedRequest) -> dict[str, Any] | None:
    """The request's slots as an intent's, numbers as numbers; None if a length of time is no number."""
    slots: dict[str, Any] = {}
    for slot_type, value in parsed.slot_values.items():
        if slot_type in _NUMBERS:
            number = _number(value)
            if number is None:
                return None
            slots[slot_type] = {"value": number, "text": value}
        else:
            slots[slot_type] = {"value": value, "text": value}
    return slots


def _status(response: intent.IntentResponse, language: str) -> str:
    """What TimerStatus found: each timer's name (if any) and its time left."""
    timers = response.speech_slots.get("timers") or []
    if not timers:
        return spoken("no_timers").render(language)
    sentences = []
    for timer in timers:
        hours, minutes, seconds = (
            int(timer.get(f"rounded_{unit}_left", 0)) for unit in ("hours", "minutes", "seconds")
        )
        left = duration_words(hours, minutes, seconds, language)
        name = timer.get("name") or ""
        named = spoken("timer_named", name=name).render(language) if name else ""
        sentence = spoken("timer_left", name=named, left=left).render(language)
        sentences.append(sentence[:1].upper() + sentence[1:])  # "Pasta timer: …"
    return join_sentences(sentences, language)


async def async_serve_timer(
    hass: HomeAssistant, parsed: ParsedRequest, extra: Mapping[str, Any]
) -> HostAnswer | None:
    """Serve a timer intent through Home Assistant's own handlers; None for anything else."""
    if parsed.intent not in TIMER_INTENTS or "conversation_command" in parsed.slot_values:
        return None
    slots = _slots(parsed)
    if slots is None:
        return None
    language = str(extra.get(EXTRA_LANGUAGE) or parsed.language or "en")
    context = extra.get(EXTRA_CONTEXT)
    try:
        response = await intent.async_handle(
            hass,
            DOMAIN,
            parsed.intent,
            slots,
            text_input=parsed.text,
            context=context if isinstance(context, Context) else None,
            language=language,
            device_id=extra.get(EXTRA_DEVICE_ID),
        )
    except intent.UnknownIntent:
        return None  # the intent integration is not loaded: the engine plans it
    except intent.IntentHandleError as err:
        LOGGER.debug("Timer intent %s refused: %s", parsed.intent, err)
        key = err.response_key if err.response_key in _ERRORS else "did_not_work"
        return HostAnswer(spoken(key).render(language), False)
    if parsed.intent == intent.INTENT_TIMER_STATUS:
        return HostAnswer(_status(response, language), True)
    if parsed.intent == intent.INTENT_CANCEL_ALL_TIMERS:
        cancelled = int(response.speech_slots.get("canceled", 0))
        return HostAnswer(spoken("timers_cancelled", n=str(cancelled)).render(language), True)
    return HostAnswer(spoken(_DONE[parsed.intent]).render(language), True)
