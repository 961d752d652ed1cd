"""What a spoken request about commands for later asks: which waiting commands a "cancel …" means.

Why: "turn off the heater in 2 hours" is confirmed at once and the rest of its plan waits in the background
(the executor defers it; ``pending.py`` keeps the waiting commands). A user who changes their mind says
"cancel the timer", "cancel turning off the heater" or "取消关灯". Before, nothing could stop such a command:
"cancel the timer" went to the planner, which has no action for it, and worse, "cancel turning off the
lights" and "取消关灯" came out as HassTurnOff — the lights went off at once.

What a request cancels (:func:`cancel_request`):

* It starts with a cancel word (cancel, abort, call off, 取消, 撤销) and the rest names a command: the rest
  is parsed on its own (after the cancel word the parser reads "取消開燈" as HassTurnOff), and the waiting
  commands of that intent whose words include what the rest says are meant ("cancel turning off the lights"
  matches "turn off the kitchen lights in 5 minutes"; "取消关灯" matches "五分钟后关闭客厅的灯"). The named command
  itself never runs; with nothing like it waiting, the reply says so.
* HassCancelTimer ("cancel the timer", "取消定时"), or a cancel word with no command after it ("cancel that",
  "取消", "取消吧"): the latest waiting command (that says what the request says). HassCancelAllTimers, or
  "cancel everything" / "取消所有的": every one of them. With nothing waiting, these go on as before (a
  ``timer`` helper the planner can cancel), and a cancel word alone is "never mind".

A slot of the cancel request matches a waiting command when that command had the same slot, or when its text
says the value (Simplified and Traditional Chinese alike, see :func:`said_slots` and :func:`plain`): "灯" is in
"五分钟后关闭客厅的灯" though the parser tagged only the area there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .nlu import ParsedRequest
from .repairs_words import CANCEL_ALL_TIMERS, CANCEL_TIMER, NEVERMIND, TIMER_INTENTS, UNMUTE
from .zh_script import to_script

_CANCEL_INTENTS = frozenset({CANCEL_TIMER, CANCEL_ALL_TIMERS})
#: After a cancel word these name no command of their own: "取消" alone is HassNevermind, "cancel the 5 minute
#: timer" may be HassStartTimer.
_NAMES_NO_COMMAND = TIMER_INTENTS | {NEVERMIND}
_CANCEL_WORDS = re.compile(
    r"\s*(?:(?:please|hey)\s+)?(?:cancel|abort|call\s+off)(?![a-z])"
    r"|\s*(?:请|請|帮我|幫我|麻烦|麻煩)?(?:取消|撤销|撤銷)",
    re.IGNORECASE,
)
#: After a cancel word, words that only point back at what was said ("cancel that", "取消吧"): a bare cancel.
_POINTS_BACK = re.compile(
    r"(?:(?:that|it|this|the last one|the last command|please|now|again)[\s,]*)+"
    r"|(?:那个|那個|这个|這個|刚才的|剛才的|一下|掉|吧|了|啊|吗|嗎)+",
    re.IGNORECASE,
)
#: After a cancel word, words for every waiting command ("cancel everything", "取消所有的").
_EVERYTHING = re.compile(
    r"(?:all|everything|all of (?:them|it)|all (?:the )?commands)(?:\s+please)?|(?:所有的?|全部)(?:命令|指令)?(?:吧|了)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CancelRequest:
    """What a request asks to cancel (see the module doc)."""

    #: The kind of command named ("cancel turning off the lights": HassTurnOff); None when none is named.
    intent: str | None
    #: Slots the cancelled commands must have said too (type, value; compared in lower case, Simplified).
    slots: frozenset[tuple[str, str]]
    #: Every match, not only the latest.
    every: bool
    #: The cancel word alone ("cancel", "取消"): with nothing waiting, it is "never mind".
    bare: bool = False

    @property
    def names_a_command(self) -> bool:
        """A command was named: it must never run instead, even when nothing like it is waiting."""
        return self.intent is not None


def said_slots(slots: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    """A request's slots as (type, :func:`plain` value) pairs."""
    return frozenset((slot_type, plain(value)) for slot_type, value in slots.items())


def plain(text: str) -> str:
    """Lower case, Simplified script, no surrounding spaces: how slots and texts are compared."""
    return to_script(text.strip().casefold(), "zh-Hans")


def cancel_request(parsed: ParsedRequest, parse: Callable[[str], ParsedRequest]) -> CancelRequest | None:
    """What ``parsed`` (after the repairs) asks to cancel, or None when it is no cancel request. ``parse``
    parses the words after a cancel word (the same way as the request)."""
    if parsed.intent in _CANCEL_INTENTS:
        return CancelRequest(None, said_slots(parsed.slot_values), every=parsed.intent == CANCEL_ALL_TIMERS)
    if parsed.intent == UNMUTE:
        return None  # "取消静音" (unmute) cancels no muting that waits: it unmutes
    said = _CANCEL_WORDS.match(parsed.text)
    if said is None:
        return None
    rest = parsed.text[said.end() :].strip(" \t,.!?，。！？、")
    if not rest or _POINTS_BACK.fullmatch(rest):
        return CancelRequest(None, frozenset(), every=False, bare=True)
    if _EVERYTHING.fullmatch(rest):
        return CancelRequest(None, frozenset(), every=True)
    what = parse(rest)
    if what.intent in _CANCEL_INTENTS:
        return CancelRequest(None, said_slots(what.slot_values), every=what.intent == CANCEL_ALL_TIMERS)
    named = None if what.intent in _NAMES_NO_COMMAND else what.intent
    return CancelRequest(named, said_slots(what.slot_values), every=False)
