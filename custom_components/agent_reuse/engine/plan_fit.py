"""Does a planner's plan do the kind of thing its intent asks for? A check beside the schema's.

Why: a plan can be valid and run without an error and still not serve the request, and a plan that runs
without an error is cached and reused. The offline demo's small planner, asked "现在多少度" (a temperature
question), wrote one MQTT message "set the temperature to 25 degrees" and no answer; it ran, so it was
cached, and every later temperature question in that room would have sent it again. Two rules that hold
for every home, told to the planner as a validation error so its one repair round can mend the plan:

* a question about the home's state (HassGetState, HassClimateGetTemperature, HassGetWeather) must answer
  it: a ``respond`` step whose template says an earlier step's output, and no MQTT message;
* a device command (HassTurnOn, HassLightSet, HassMediaPause, …) must command something: at least one
  ``ha_service`` or ``mqtt_publish`` step.

Other intents (timers, lists, broadcasts, unknown requests) are left to the schema.

A third rule decides caching, not planning: a plan whose work uses none of its request's parameters (the
kitchen light written in where the request said ``{area}``) serves that request once but would do the same
work for every other value; it is not cached (:func:`ignores_its_request`). Plans cached before these rules
existed are checked when the cache is loaded (:func:`cached_plan_problem`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from typing import Any, Final

from .errors import PlanValidationError
from .plan import Plan
from .plan_schema import ACTION_HA_SERVICE, ACTION_MQTT_PUBLISH, ACTION_RESPOND

#: Questions answered from what the home reads: the plan reads, then says what it read.
QUESTION_INTENTS: Final = frozenset({"HassGetState", "HassClimateGetTemperature", "HassGetWeather"})

#: Commands to devices: the plan has to send one.
COMMAND_INTENTS: Final = frozenset(
    {
        "HassTurnOn",
        "HassTurnOff",
        "HassLightSet",
        "HassClimateSetTemperature",
        "HassSetPosition",
        "HassSetVolume",
        "HassMediaPause",
        "HassMediaUnpause",
        "HassMediaNext",
        "HassMediaPrevious",
        "HassMediaSearchAndPlay",
        "HassVacuumStart",
        "HassVacuumReturnToBase",
        # The engine's own steps up and down (``repairs_words.STEP_INTENTS``).
        "StepLightBrighter",
        "StepLightDimmer",
        "StepVolumeUp",
        "StepVolumeDown",
        "StepTemperatureUp",
        "StepTemperatureDown",
        "MuteMedia",
        "UnmuteMedia",
        "SetFanSpeed",
    }
)

_COMMAND_ACTIONS: Final = frozenset({ACTION_HA_SERVICE, ACTION_MQTT_PUBLISH})


def intent_fit_problem(intent: str | None, plan: Plan) -> str | None:
    """What keeps a valid plan from serving a request of ``intent``, or None if nothing."""
    actions = {step.action for step in plan.steps}
    if intent in QUESTION_INTENTS:
        # A reply that says an earlier step's output ({steps.<id>.output} in its template).
        if not any(step.action == ACTION_RESPOND and step.step_refs for step in plan.steps):
            return (
                f"the request asks a question ({intent}): read the answer (an ha_state step) and say it in a "
                "respond step whose template uses {steps.<id>.output}"
            )
        if ACTION_MQTT_PUBLISH in actions:
            return f"the request asks a question ({intent}): answer it without sending device commands"
    if intent in COMMAND_INTENTS and not _COMMAND_ACTIONS & actions:
        return (
            f"the request is a device command ({intent}): the plan needs an ha_service or mqtt_publish step "
            "that carries it out"
        )
    return None


def ignores_its_request(plan: Plan, parameters: Set[str]) -> bool:
    """Whether the request had parameters and the plan's steps other than ``respond`` use none of them."""
    return bool(parameters) and not plan.acting_parameters & parameters


def cached_plan_problem(intent: str, plan: Mapping[str, Any], parameters: Iterable[str]) -> str | None:
    """Why a cached plan document should not be reused under these rules (it came from an older version),
    or None."""
    try:
        validated = Plan.from_dict(plan)
    except PlanValidationError as err:
        return f"the plan is not valid: {err}"
    if (problem := intent_fit_problem(intent, validated)) is not None:
        return problem
    if ignores_its_request(validated, frozenset(parameters)):
        return "the plan uses none of its request's parameters outside its reply"
    return None
