"""Requests answered without a plan: cancelling or asking about commands for later, "never mind", the time
and the date.

Why: each of these has one right answer that needs no planner, and the planner would get it wrong. It has no
action to stop a waiting command and no clock; a plan it wrote for "never mind" or "what time is it" would be
cached and repeated. :func:`answer_locally` is asked after the parse (with the repairs) and before the cache:

* a cancel request (``later_requests.py``) that matches waiting commands, or names a command: cancel those
  (or say nothing like that is waiting — the named command never runs instead);
* "never mind", "算了", or a lone "cancel" / "取消" with nothing waiting: nothing to do and nothing to say
  (Home Assistant's own agent says nothing either);
* the time or the date (``clock_answers.py``);
* "how much time is left", "how long until the lights turn off" while commands wait: each waiting command's
  time left (:func:`time_left`), or that nothing like that is waiting. With none waiting the question goes
  on (Home Assistant's own timers answer it: "how much time is left on the pasta timer").
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .clock_answers import CLOCK_INTENTS, clock_answer
from .later_requests import CancelRequest
from .nlu import ParsedRequest
from .pending import PendingCommand, PendingCommands
from .repairs_words import NEVERMIND, TIMER_STATUS
from .speech import duration_words, join_sentences, spoken

#: Intents always answered here: the pipeline neither embeds them nor looks them up in the cache.
ANSWERED_LOCALLY = CLOCK_INTENTS | {NEVERMIND}


@dataclass(frozen=True)
class LocalAnswer:
    """What to say, how the trace calls it, and which commands for later were cancelled (their texts)."""

    outcome: str
    speech: str
    cancelled: tuple[str, ...] = ()


def answer_locally(
    parsed: ParsedRequest,
    cancel: CancelRequest | None,
    pending: PendingCommands,
    clock: Callable[[], datetime],
    language: str,
) -> LocalAnswer | None:
    """The answer to ``parsed`` if it needs no plan (see the module doc), else None. Cancels what it says."""
    if cancel is not None and ((chosen := pending.matching(cancel)) or cancel.names_a_command):
        pending.cancel(chosen)
        if not chosen:
            said = spoken("nothing_to_cancel")
        elif len(chosen) == 1:
            said = spoken("cancelled_one", text=chosen[0].text)
        else:
            said = spoken("cancelled_many", n=str(len(chosen)))
        return LocalAnswer("cancel", said.render(language), tuple(c.text for c in chosen))
    if parsed.intent == NEVERMIND or (cancel is not None and cancel.bare):
        return LocalAnswer("nevermind", "")
    if parsed.intent in CLOCK_INTENTS and (told := clock_answer(parsed.intent, clock(), language)):
        return LocalAnswer("clock", told)
    if parsed.intent == TIMER_STATUS and pending.waiting():  # none waiting: the host's timers may answer
        asked = pending.asked_about(parsed.slot_values)
        if not asked:
            return LocalAnswer("time_left", spoken("nothing_to_cancel").render(language))
        return LocalAnswer("time_left", time_left(asked, language))
    return None


def time_left(commands: list[PendingCommand], language: str) -> str:
    """ "“turn off the kitchen lights in 5 minutes”: 3 minutes left." for each command, in ``language``
    (whole minutes, rounded up, from a minute and a half on)."""
    sentences = []
    for command in commands:
        left = max(command.saved.due_at - time.time(), 0.0)
        if left >= 60:
            words = duration_words(0, 1 if left < 90 else math.ceil(left / 60), 0, language)
        else:
            words = duration_words(0, 0, math.ceil(left), language)
        sentences.append(spoken("time_left", text=command.text, left=words).render(language))
    return join_sentences(sentences, language)
