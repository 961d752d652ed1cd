"""The plan model: a validated DAG of steps with slot placeholders, and its binding to one request.

Why plans are templates: a plan is what the LLM produced for one *kind* of request ("turn on <name>"). Its
inputs hold placeholders (``{slot.name}``) instead of the request's values, so the cache can hand the same
plan to the next request of that kind and :meth:`Plan.bind` fills in the new slot values; only a cache miss
costs an LLM call. Literal values are allowed too (``"domain": "light"``).

Why immutable and always valid: plans come from an LLM or a cache file and end up switching real devices.
:class:`Step` and :class:`Plan` validate themselves on construction (the rules are in
:mod:`.plan_schema`, which also documents the JSON format and the placeholder grammar), their inputs are
frozen (read-only mappings and tuples), and :class:`BoundPlan` can only be made by :meth:`Plan.bind`.
Invalid data raises :class:`~.errors.PlanValidationError` with a message naming the step and field.

Why binding keeps step references apart: :meth:`Plan.bind` parses every string once. Slot values are
inserted as literal text, and strings that still need an earlier step's output become
:class:`StepRefTemplate` objects that the executor resolves. A slot value is never parsed again, so a
request cannot smuggle a placeholder (``"turn on {steps.s1.output}"``) into a plan.

Binding rules: a string that is exactly one placeholder binds to the raw value (a number stays a number, a
step's dict output stays a dict); otherwise the values are interpolated as text with :func:`format_value`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Self

from .errors import PlanValidationError
from .plan_schema import (
    ACTION_HA_SERVICE,
    ACTION_HA_STATE,
    ACTION_RESPOND,
    ENTITY_KEYS,
    MAX_PLAN_BYTES,
    NormalizedStep,
    SlotRef,
    StepOutputRef,
    TemplatePart,
    iter_strings,
    parse_template,
    plan_json_size,
    transitive_dependencies,
    validate_graph,
    validate_plan,
    validate_step,
)

__all__ = [
    "BoundPlan",
    "BoundStep",
    "Plan",
    "SlotRef",
    "SlotValue",
    "Step",
    "StepOutputRef",
    "StepRefTemplate",
    "TemplatePart",
    "format_value",
]

#: A slot value of a request (the NLU produces strings; numbers are accepted for callers that parse them).
type SlotValue = str | int | float | bool

_FORMAT_MAX_DEPTH = 4


def format_value(value: Any, *, _depth: int = 0) -> str:
    """Render a slot value or step output as text for speech or string interpolation.

    * ``None`` → ``""``; ``bool`` → ``"yes"``/``"no"``; whole floats lose their ``.0`` (``21.0`` → ``"21"``).
    * A mapping with a ``"state"`` key is read as a Home Assistant state (``{"entity_id", "name", "state",
      "attributes"}``): its state plus ``attributes.unit_of_measurement`` (``"21.5 °C"``) — or its
      ``"state_text"``, the state in the request's language where the runner provides one (``"已锁定"``).
    * A list renders its items joined by ``", "``; a state mapping inside a list is ``"<name>: <state>"``.
    * Any other mapping renders as ``"key: value, key: value"``; anything else with ``str()``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else repr(value)
    if _depth >= _FORMAT_MAX_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        if "state" in value:
            return _format_state(value, _depth)
        return ", ".join(f"{key}: {format_value(item, _depth=_depth + 1)}" for key, item in value.items())
    if isinstance(value, list | tuple | frozenset | set):
        rendered = []
        for item in value:
            if isinstance(item, Mapping) and "state" in item:
                label = _state_label(item)
                text = _format_state(item, _depth + 1)
                rendered.append(f"{label}: {text}" if label else text)
            else:
                rendered.append(format_value(item, _depth=_depth + 1))
        return ", ".join(text for text in rendered if text)
    return str(value)


def _state_label(state: Mapping[Any, Any]) -> str:
    attributes = state.get("attributes")
    friendly = attributes.get("friendly_name") if isinstance(attributes, Mapping) else None
    return format_value(state.get("name") or friendly or state.get("entity_id") or "")


def _format_state(state: Mapping[Any, Any], depth: int) -> str:
    text = format_value(state.get("state_text") or state.get("state"), _depth=depth + 1)
    attributes = state.get("attributes")
    unit = attributes.get("unit_of_measurement") if isinstance(attributes, Mapping) else None
    return f"{text} {unit}" if unit and text else text


def _freeze(value: Any) -> Any:
    """Deep read-only copy: mappings become MappingProxyType, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    """Deep plain copy: mappings become dicts, tuples become lists (the JSON form)."""
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(item) for item in value]
    return value


def _slot_types(text: str) -> Iterator[str]:
    for part in parse_template(text):
        if isinstance(part, SlotRef):
            yield part.slot_type


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One step of a plan. Constructing it validates and normalizes it (defaults filled, inputs frozen).

    ``inputs`` is a deep read-only mapping; :meth:`to_dict` returns plain JSON. Raises PlanValidationError.
    """

    id: str
    description: str = ""
    action: str
    inputs: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()
    output: str | None = None

    def __post_init__(self) -> None:
        normalized = validate_step(
            {
                "id": self.id,
                "description": self.description,
                "action": self.action,
                "inputs": _thaw(self.inputs) if isinstance(self.inputs, Mapping) else self.inputs,
                "depends_on": self.depends_on,
                "output": self.output,
            }
        )
        object.__setattr__(self, "inputs", _freeze(normalized["inputs"]))
        object.__setattr__(self, "depends_on", tuple(normalized["depends_on"]))

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """Build a step from its JSON form (see :mod:`.plan_schema`)."""
        return cls._from_normalized(validate_step(raw))

    @classmethod
    def _from_normalized(cls, step: NormalizedStep) -> Self:
        return cls(
            id=step["id"],
            description=step["description"],
            action=step["action"],
            inputs=step["inputs"],
            depends_on=tuple(step["depends_on"]),
            output=step["output"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The step's JSON form (``output`` is left out when there is none)."""
        raw: dict[str, Any] = {
            "id": self.id,
            "description": self.description,
            "action": self.action,
            "inputs": _thaw(self.inputs),
            "depends_on": list(self.depends_on),
        }
        if self.output is not None:
            raw["output"] = self.output
        return raw

    def _normalized(self) -> NormalizedStep:
        return NormalizedStep(
            id=self.id,
            description=self.description,
            action=self.action,
            inputs=_thaw(self.inputs),
            depends_on=list(self.depends_on),
            output=self.output,
        )

    @property
    def parameters(self) -> frozenset[str]:
        """Slot types this step references (in inputs or description)."""
        return self.input_parameters | frozenset(_slot_types(self.description))

    @property
    def input_parameters(self) -> frozenset[str]:
        """Slot types this step's inputs reference: what it does with them, not how it is described."""
        return frozenset(
            slot_type for _path, text in iter_strings(self.inputs) for slot_type in _slot_types(text)
        )

    @property
    def step_refs(self) -> frozenset[str]:
        """Ids of the steps whose output this step's inputs reference."""
        return frozenset(
            part.step_id
            for _path, text in iter_strings(self.inputs)
            for part in parse_template(text)
            if isinstance(part, StepOutputRef)
        )

    def referenced_entities(self) -> frozenset[str]:
        """Entity ids and names written literally (without placeholders) in this step's target/selector."""
        if self.action == ACTION_HA_SERVICE:
            selector: Any = self.inputs.get("target", {})
        elif self.action == ACTION_HA_STATE:
            selector = self.inputs
        else:
            return frozenset()
        found: set[str] = set()
        for key in ENTITY_KEYS:
            value = selector.get(key)
            values = (value,) if isinstance(value, str) else value or ()
            found.update(text for text in values if all(isinstance(p, str) for p in parse_template(text)))
        return frozenset(found)


@dataclass(frozen=True, slots=True)
class Plan:
    """A validated DAG of steps. Constructing it validates the graph and the plan's size.

    Build one with :meth:`from_dict` (JSON from the LLM or the cache) or from :class:`Step` objects; both
    raise PlanValidationError for anything invalid. Steps may be listed in any order consistent with a DAG;
    :meth:`topological_order` is stable in listing order.
    """

    steps: tuple[Step, ...]
    _order: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _by_id: Mapping[str, Step] = field(init=False, repr=False, compare=False)
    _ancestors: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _dependents: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _parameters: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps = tuple(self.steps) if isinstance(self.steps, list | tuple) else ()
        for index, step in enumerate(steps):
            if not isinstance(step, Step):
                raise PlanValidationError(f"plan steps[{index}]: expected a Step, got {type(step).__name__}")
        object.__setattr__(self, "steps", steps)
        order = validate_graph([step._normalized() for step in steps])
        size = plan_json_size(self.to_dict())
        if size > MAX_PLAN_BYTES:
            raise PlanValidationError(f"plan is {size} bytes of JSON; at most {MAX_PLAN_BYTES} are allowed")
        by_id = {step.id: step for step in steps}
        ancestors = transitive_dependencies(order, {step.id: step.depends_on for step in steps})
        dependents = {
            step_id: frozenset(other for other, deps in ancestors.items() if step_id in deps)
            for step_id in by_id
        }
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(self, "_ancestors", MappingProxyType(ancestors))
        object.__setattr__(self, "_dependents", MappingProxyType(dependents))
        # Every hit binds the plan and checks these; the plan is immutable, so find them once.
        object.__setattr__(self, "_parameters", frozenset().union(*(step.parameters for step in steps)))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """Validate a plan document (``{"steps": [...]}``) and build the plan; raises PlanValidationError."""
        return cls(tuple(Step._from_normalized(step) for step in validate_plan(raw)))

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse and validate a JSON plan document; invalid JSON also raises PlanValidationError."""
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError) as err:
            raise PlanValidationError(f"plan is not valid JSON: {err}") from None
        return cls.from_dict(raw)

    def to_dict(self) -> dict[str, Any]:
        """The plan's JSON form; ``Plan.from_dict(plan.to_dict()) == plan``."""
        return {"steps": [step.to_dict() for step in self.steps]}

    def to_json(self) -> str:
        """Compact JSON of :meth:`to_dict`, with keys in a stable order."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @property
    def parameters(self) -> frozenset[str]:
        """The slot types the plan references: a request must have all of them to reuse this plan."""
        return self._parameters

    @property
    def acting_parameters(self) -> frozenset[str]:
        """The slot types the plan's work depends on: those in the inputs of its steps other than ``respond``.

        Why: a plan that names the kitchen light where the request said ``{area}`` does the same whatever
        area is said, and only its reply would change; reused for the bedroom, it lights the kitchen.
        """
        return frozenset().union(
            *(step.input_parameters for step in self.steps if step.action != ACTION_RESPOND)
        )

    def referenced_entities(self) -> frozenset[str]:
        """Entity ids and names written literally in targets/selectors (for cache invalidation)."""
        return frozenset().union(*(step.referenced_entities() for step in self.steps))

    def step(self, step_id: str) -> Step:
        """The step with this id (KeyError if there is none)."""
        return self._by_id[step_id]

    def topological_order(self) -> tuple[Step, ...]:
        """The steps, each after all of its dependencies; ties keep the listing order."""
        return tuple(self._by_id[step_id] for step_id in self._order)

    def dependencies_of(self, step_id: str) -> frozenset[str]:
        """Ids of the steps that ``step_id`` depends on, directly or transitively."""
        return self._ancestors[step_id]

    def dependents_of(self, step_id: str) -> frozenset[str]:
        """Ids of the steps that depend on ``step_id``, directly or transitively."""
        return self._dependents[step_id]

    def bind(self, slots: Mapping[str, SlotValue]) -> BoundPlan:
        """Fill in the request's slot values; ``{steps.<id>.output}`` stays for the executor.

        Raises PlanValidationError naming every slot type the plan references that ``slots`` lacks.
        Slots the plan does not reference are ignored.
        """
        missing = self.parameters - slots.keys()
        if missing:
            names = ", ".join(sorted(missing))
            raise PlanValidationError(
                f"the request has no value for slot type(s) {names}, which the plan needs "
                f"(plan parameters: {', '.join(sorted(self.parameters))})"
            )
        bound = tuple(
            BoundStep(
                id=step.id,
                description=_bind_text(step.description, slots),
                action=step.action,
                inputs=_bind_value(step.inputs, slots),
                depends_on=step.depends_on,
                output=step.output,
            )
            for step in self.steps
        )
        return BoundPlan(plan=self, slots=MappingProxyType(dict(slots)), steps=bound)


@dataclass(frozen=True, slots=True)
class StepRefTemplate:
    """A bound string that still needs earlier steps' outputs: literal text and ``{steps.<id>.output}``."""

    parts: tuple[str | StepOutputRef, ...]

    @property
    def step_ids(self) -> frozenset[str]:
        """Ids of the steps whose output this template needs."""
        return frozenset(part.step_id for part in self.parts if isinstance(part, StepOutputRef))

    def render(self, outputs: Mapping[str, Any]) -> Any:
        """The raw output if the template is exactly one reference, else the interpolated text."""
        if len(self.parts) == 1 and isinstance(self.parts[0], StepOutputRef):
            return outputs[self.parts[0].step_id]
        return "".join(
            part if isinstance(part, str) else format_value(outputs[part.step_id]) for part in self.parts
        )

    def __str__(self) -> str:
        return "".join(str(part) for part in self.parts)


def _bind_text(text: str, slots: Mapping[str, SlotValue]) -> str:
    """Interpolate slot placeholders as text (descriptions hold no step references)."""
    return "".join(
        format_value(slots[part.slot_type]) if isinstance(part, SlotRef) else str(part)
        for part in parse_template(text)
    )


def _bind_string(text: str, slots: Mapping[str, SlotValue]) -> Any:
    parts = parse_template(text)
    if all(isinstance(part, str) for part in parts):
        return text
    if len(parts) == 1 and isinstance(parts[0], SlotRef):
        return slots[parts[0].slot_type]
    merged: list[str | StepOutputRef] = []
    for part in parts:
        piece: str | StepOutputRef = (
            format_value(slots[part.slot_type]) if isinstance(part, SlotRef) else part
        )
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    if all(isinstance(part, str) for part in merged):
        return "".join(str(part) for part in merged)
    return StepRefTemplate(tuple(merged))


def _bind_value(value: Any, slots: Mapping[str, SlotValue]) -> Any:
    if isinstance(value, str):
        return _bind_string(value, slots)
    if isinstance(value, Mapping):
        return MappingProxyType({key: _bind_value(item, slots) for key, item in value.items()})
    if isinstance(value, tuple):
        return tuple(_bind_value(item, slots) for item in value)
    return value


def _resolve(value: Any, outputs: Mapping[str, Any]) -> Any:
    if isinstance(value, StepRefTemplate):
        return value.render(outputs)
    if isinstance(value, Mapping):
        return {key: _resolve(item, outputs) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_resolve(item, outputs) for item in value]
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundStep:
    """A step with the request's slot values filled in (made by :meth:`Plan.bind`).

    ``inputs`` is read-only and may hold :class:`StepRefTemplate` values; :meth:`resolve_inputs` turns it
    into plain data once the referenced steps are done. ``description`` has its slot values filled in.
    """

    id: str
    description: str
    action: str
    inputs: Mapping[str, Any]
    depends_on: tuple[str, ...]
    output: str | None

    @property
    def step_refs(self) -> frozenset[str]:
        """Ids of the steps whose outputs :meth:`resolve_inputs` needs."""
        found: set[str] = set()
        stack: list[Any] = [self.inputs]
        while stack:
            value = stack.pop()
            if isinstance(value, StepRefTemplate):
                found |= value.step_ids
            elif isinstance(value, Mapping):
                stack.extend(value.values())
            elif isinstance(value, tuple):
                stack.extend(value)
        return frozenset(found)

    def resolve_inputs(self, outputs: Mapping[str, Any]) -> dict[str, Any]:
        """A fresh plain copy (dicts and lists) of the inputs with step outputs filled in.

        ``outputs`` maps step ids to outputs and must hold every step in :attr:`step_refs` (KeyError).
        """
        resolved: dict[str, Any] = _resolve(self.inputs, outputs)
        return resolved


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundPlan:
    """A plan bound to one request's slot values; what the executor runs. Made by :meth:`Plan.bind`."""

    plan: Plan
    slots: Mapping[str, SlotValue]
    steps: tuple[BoundStep, ...]

    def step(self, step_id: str) -> BoundStep:
        """The bound step with this id (KeyError if there is none)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def topological_order(self) -> tuple[BoundStep, ...]:
        """The bound steps, each after all of its dependencies; ties keep the listing order."""
        by_id = {step.id: step for step in self.steps}
        return tuple(by_id[step.id] for step in self.plan.topological_order())

    def dependents_of(self, step_id: str) -> frozenset[str]:
        """Ids of the steps that depend on ``step_id``, directly or transitively."""
        return self.plan.dependents_of(step_id)
