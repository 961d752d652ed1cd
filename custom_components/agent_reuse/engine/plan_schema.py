"""The plan format: validation rules, the placeholder grammar, and the JSON Schema shown to the LLM.

Why a separate module: a plan comes from an untrusted source (an LLM, or a cache file on disk) and is later
executed against a real home. Every rule a plan must satisfy lives here, in one place, so that
:class:`~.plan.Plan` can refuse to exist unless the rules hold (``Plan``, ``Step`` and ``Plan.from_dict`` all
call into this module), and so that the planner can show the LLM the same format it is checked against
(:data:`PLAN_JSON_SCHEMA`, :data:`PLAN_EXAMPLES`). The module works on plain JSON data only, has no Home
Assistant imports and does not import :mod:`.plan`.

The format (see :mod:`.plan` for the model built from it)::

    {"steps": [
        {"id": "s1", "description": "turn on the light", "action": "ha_service",
         "inputs": {"domain": "light", "service": "turn_on", "target": {"name": "{slot.name}"}},
         "depends_on": [], "output": "result"},
        {"id": "s2", "description": "confirm", "action": "respond",
         "inputs": {"template": "Turned on {slot.name}."}, "depends_on": ["s1"]}]}

Placeholders may appear in any string value of ``inputs`` (nested objects and lists included) and in
``description`` (slot placeholders only):

* ``{slot.<type>}`` — the value of the request's slot of that type (``<type>`` is a word: letters of any
  script, digits, ``_``). A plan's *parameters* are the slot types it references.
* ``{steps.<id>.output}`` — the output of step ``<id>``, which must be a direct or transitive dependency of
  the step that uses it.

Anything else that looks like a placeholder — braces around text without quotes, such as ``{name}``,
``{ slot.name }``, ``{{slot.name}}`` or ``{steps.s1.result}`` — is an error, so a misspelt placeholder can
never reach a device as literal text. Braces around quoted text (a JSON string payload such as
``{"state": "ON"}``) and empty braces ``{}`` are literal text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypedDict

import voluptuous as vol

from .errors import PlanValidationError

# -- limits ---------------------------------------------------------------------------------------------

#: Most steps a plan may have (smart-home requests need a handful; more means the LLM is rambling).
MAX_STEPS: Final = 24
#: Largest plan, as compact UTF-8 JSON.
MAX_PLAN_BYTES: Final = 16 * 1024
#: Deepest nesting of objects/arrays in a step's ``inputs`` (``inputs`` itself is level 1).
MAX_INPUT_DEPTH: Final = 7
#: Deepest nesting of the whole plan document (``{"steps": [{"inputs": ...}]}`` adds three levels).
MAX_PLAN_DEPTH: Final = MAX_INPUT_DEPTH + 3
#: Longest ``delay`` step, in seconds (an hour; longer waits belong in an automation, not a voice request).
MAX_DELAY_S: Final = 3600.0
MAX_ID_LENGTH: Final = 32
MAX_DESCRIPTION_LENGTH: Final = 200
MAX_TEMPLATE_LENGTH: Final = 1000
#: Most names in one target field (``{"entity_id": [...]}``).
MAX_TARGET_ITEMS: Final = 32
#: Most errors listed in one PlanValidationError message.
_MAX_REPORTED_ERRORS: Final = 8

# -- vocabulary -----------------------------------------------------------------------------------------

ACTION_HA_SERVICE: Final = "ha_service"
ACTION_MQTT_PUBLISH: Final = "mqtt_publish"
ACTION_HA_STATE: Final = "ha_state"
ACTION_RESPOND: Final = "respond"
ACTION_DELAY: Final = "delay"
#: Every action a step may name, in the order they are documented.
ACTIONS: Final = (ACTION_HA_SERVICE, ACTION_MQTT_PUBLISH, ACTION_HA_STATE, ACTION_RESPOND, ACTION_DELAY)

#: Keys a ``ha_service`` target may have: Home Assistant's own ids, plus names the integration resolves.
TARGET_KEYS: Final = (
    "entity_id",
    "device_id",
    "area_id",
    "floor_id",
    "label_id",
    "name",
    "area",
    "floor",
    "label",
    "domain",
    "device_class",
    "state",
)
#: A filter on what a target or selector finds, not a selector of its own: only entities in one of these
#: states ("pause the music" pauses what is playing, "resume" what is paused, as Assist's handlers do).
STATE_FILTER_KEY: Final = "state"
#: Keys a ``ha_state`` step may select entities by (at least one is required).
STATE_SELECTOR_KEYS: Final = ("entity_id", "name", "area", "floor", "domain", "device_class")
#: The optional ``ha_state`` input that reads one attribute instead of the state ("current_temperature"
#: of a thermostat, "brightness" of a light): a respond template can only say a step's whole output.
STATE_ATTRIBUTE_KEY: Final = "attribute"
#: ``climate.set_temperature`` data that moves each thermostat's target by this many degrees (its unit) from
#: where it is: a plan cannot read and add, and "turn up the heat" means one degree more, not a number.
#: The runner reads each target (or the low and high ends of a range), adds, and keeps within its limits.
TEMPERATURE_STEP_KEY: Final = "temperature_step"
#: Target/selector keys whose literal values name entities (what :meth:`Plan.referenced_entities` returns).
ENTITY_KEYS: Final = ("entity_id", "name")

STEP_ID_PATTERN: Final = r"^[a-z0-9_]{1,32}$"
_STEP_ID_RE: Final = re.compile(r"[a-z0-9_]{1,32}")
_OUTPUT_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_HA_IDENTIFIER_RE: Final = re.compile(r"[a-z_][a-z0-9_]*")

# -- placeholder grammar --------------------------------------------------------------------------------

# Braces around text without quotes or nested braces: every such group must be a valid placeholder.
_BRACED_RE: Final = re.compile(r"\{([^{}\"']*)\}")
_SLOT_REF_RE: Final = re.compile(r"slot\.(\w+)")
_STEP_REF_RE: Final = re.compile(r"steps\.([a-z0-9_]{1,32})\.output")
_PLACEHOLDER_HELP: Final = "placeholders are {slot.<type>} or {steps.<id>.output}"


@dataclass(frozen=True, slots=True)
class SlotRef:
    """``{slot.<type>}``: the value of the request's slot of this type."""

    slot_type: str

    def __str__(self) -> str:
        return f"{{slot.{self.slot_type}}}"


@dataclass(frozen=True, slots=True)
class StepOutputRef:
    """``{steps.<id>.output}``: the output of an earlier step."""

    step_id: str

    def __str__(self) -> str:
        return f"{{steps.{self.step_id}.output}}"


#: A parsed string: literal text and placeholders, in order.
type TemplatePart = str | SlotRef | StepOutputRef


def _placeholder_hint(inner: str) -> str:
    stripped = inner.strip()
    if stripped != inner and (_SLOT_REF_RE.fullmatch(stripped) or _STEP_REF_RE.fullmatch(stripped)):
        return f"remove the spaces: {{{stripped}}}"
    if stripped in ("slot", "slots", "step", "steps", "output"):
        return "name the slot type or step id: {slot.<type>}, {steps.<id>.output}"
    if re.fullmatch(r"\w+", stripped):
        return f"did you mean {{slot.{stripped}}}?"
    match = re.fullmatch(r"(?:slots?|slot_?values?)\s*[.:_]\s*(\w+)", stripped)
    if match:
        return f"did you mean {{slot.{match.group(1)}}}?"
    match = re.fullmatch(r"(?:steps?|outputs?)\s*[.:]\s*([a-z0-9_]+)(?:[.:]\w+)?", stripped)
    if match and _STEP_ID_RE.fullmatch(match.group(1)):
        return f"did you mean {{steps.{match.group(1)}.output}}?"
    if stripped.startswith(("step", "slot")):
        return "step ids are [a-z0-9_]+ and a step reference always ends in .output"
    return "for literal braces, quote their content"


def parse_template(text: str) -> tuple[TemplatePart, ...]:
    """Split ``text`` into literal parts and placeholders.

    Raises PlanValidationError (without a location; callers add it) for anything that looks like a
    placeholder but is not one. Adjacent literal text is kept in one part; empty text gives ``()``.
    """
    parts: list[TemplatePart] = []
    pos = 0
    for match in _BRACED_RE.finditer(text):
        inner = match.group(1)
        if not inner.strip():
            continue  # "{}" or "{ }": literal braces
        start, end = match.span()
        ref: SlotRef | StepOutputRef
        if slot := _SLOT_REF_RE.fullmatch(inner):
            ref = SlotRef(slot.group(1))
        elif step := _STEP_REF_RE.fullmatch(inner):
            ref = StepOutputRef(step.group(1))
        else:
            raise PlanValidationError(
                f"unknown placeholder {{{inner}}} ({_PLACEHOLDER_HELP}; {_placeholder_hint(inner)})"
            )
        if start > 0 and text[start - 1] == "{" and end < len(text) and text[end] == "}":
            raise PlanValidationError(f"placeholder {{{{{inner}}}}} has double braces; write {{{inner}}}")
        if start > pos:
            parts.append(text[pos:start])
        parts.append(ref)
        pos = end
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def has_placeholders(text: str) -> bool:
    """Whether ``text`` contains a placeholder (raises PlanValidationError if one is malformed)."""
    return any(not isinstance(part, str) for part in parse_template(text))


def iter_strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string value inside plain JSON ``value``, with its dotted path (``target.name``, ``x[0]``)."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        found.append((path, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(iter_strings(item, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.extend(iter_strings(item, f"{path}[{index}]"))
    return found


# -- plain JSON conversion and limits ---------------------------------------------------------------------


def _join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def to_plain_json(value: Any, *, max_depth: int = MAX_PLAN_DEPTH, path: str = "") -> Any:
    """Copy ``value`` into plain JSON types (dict/list/str/int/float/bool/None), checking it on the way.

    Any Mapping becomes a dict and any list or tuple a list. Raises PlanValidationError, naming the path, for
    non-string keys, values that are not JSON (sets, objects, NaN, infinity) and nesting deeper than
    ``max_depth`` (which also stops self-referencing structures).
    """
    where = path or "value"
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PlanValidationError(f"{where}: {value} is not a JSON number")
        return value
    if isinstance(value, Mapping | list | tuple):
        if max_depth <= 0:
            raise PlanValidationError(
                f"{where}: nested too deeply (inputs may nest at most {MAX_INPUT_DEPTH} levels of objects/arrays)"
            )
        if isinstance(value, Mapping):
            plain: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise PlanValidationError(f"{where}: key {key!r} is not a string")
                plain[key] = to_plain_json(item, max_depth=max_depth - 1, path=_join_path(path, key))
            return plain
        return [
            to_plain_json(item, max_depth=max_depth - 1, path=_join_path(path, index))
            for index, item in enumerate(value)
        ]
    raise PlanValidationError(f"{where}: a {type(value).__name__} is not a JSON value")


def json_depth(value: Any) -> int:
    """Nesting depth of plain JSON ``value`` (a scalar is 0, ``{}`` is 1, ``{"a": []}`` is 2)."""
    if isinstance(value, Mapping):
        return 1 + max((json_depth(item) for item in value.values()), default=0)
    if isinstance(value, list | tuple):
        return 1 + max((json_depth(item) for item in value), default=0)
    return 0


def plan_json_size(plain: Any) -> int:
    """Size in bytes of ``plain`` as compact UTF-8 JSON (the measure :data:`MAX_PLAN_BYTES` limits)."""
    return len(json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode())


# -- field validators -----------------------------------------------------------------------------------


def _step_id(value: Any) -> str:
    if not isinstance(value, str):
        raise vol.Invalid(f"expected a step id string, got {type(value).__name__}")
    if not _STEP_ID_RE.fullmatch(value):
        raise vol.Invalid(f"{value!r} is not a valid step id (1-{MAX_ID_LENGTH} characters of a-z, 0-9, _)")
    return value


def _depends_on(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise vol.Invalid(f"expected a list of step ids, got {type(value).__name__}")
    ids: list[str] = []
    for index, item in enumerate(value):
        try:
            ids.append(_step_id(item))
        except vol.Invalid as err:
            raise vol.Invalid(f"item {index}: {err.msg}") from None
        if ids.count(ids[-1]) > 1:
            raise vol.Invalid(f"lists {ids[-1]!r} twice")
    return ids


def _description(value: Any) -> str:
    if not isinstance(value, str):
        raise vol.Invalid(f"expected a string, got {type(value).__name__}")
    if len(value) > MAX_DESCRIPTION_LENGTH:
        raise vol.Invalid(f"longer than {MAX_DESCRIPTION_LENGTH} characters")
    return value


def _output_name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _OUTPUT_NAME_RE.fullmatch(value):
        raise vol.Invalid(f"{value!r} is not a valid output name (a word of A-Z, a-z, 0-9, _, at most 64)")
    return value


def _action(value: Any) -> str:
    if value not in ACTIONS:
        raise vol.Invalid(f"unknown action {value!r} (known: {', '.join(ACTIONS)})")
    return str(value)


def _ha_identifier(what: str) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str):
            raise vol.Invalid(f"expected a {what} string, got {type(value).__name__}")
        if "{" in value or _HA_IDENTIFIER_RE.fullmatch(value):
            return value  # placeholders are checked (and reported) by the placeholder pass
        raise vol.Invalid(
            f"{value!r} is not a valid {what} (lowercase letters, digits and _) or a placeholder"
        )

    return validate


def _non_empty_string(what: str, max_length: int) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str):
            raise vol.Invalid(f"expected a {what} string, got {type(value).__name__}")
        if not value.strip():
            raise vol.Invalid(f"the {what} is empty")
        if len(value) > max_length:
            raise vol.Invalid(f"the {what} is longer than {max_length} characters")
        return value

    return validate


def _names(value: Any) -> str | list[str]:
    """A target value: a non-empty string or a non-empty list of them."""
    if isinstance(value, str):
        if not value.strip():
            raise vol.Invalid("is empty")
        return value
    if isinstance(value, list | tuple):
        if not value:
            raise vol.Invalid("is an empty list")
        if len(value) > MAX_TARGET_ITEMS:
            raise vol.Invalid(f"lists more than {MAX_TARGET_ITEMS} items")
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise vol.Invalid("expected a list of non-empty strings")
        return list(value)
    raise vol.Invalid(f"expected a string or a list of strings, got {type(value).__name__}")


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected an object, got {type(value).__name__}")
    return value


def _mqtt_topic(value: Any) -> str:
    topic = _non_empty_string("topic", 512)(value)
    if "+" in topic or "#" in topic:
        raise vol.Invalid(f"{topic!r}: wildcards (+, #) are not allowed in a publish topic")
    if "\0" in topic:
        raise vol.Invalid("contains a NUL character")
    return topic


def _mqtt_payload(value: Any) -> str | dict[str, Any]:
    if isinstance(value, str | dict):
        return value
    raise vol.Invalid(f"expected a string or a JSON object, got {type(value).__name__}")


def _qos(value: Any) -> int:
    if isinstance(value, bool) or value not in (0, 1, 2):
        raise vol.Invalid(f"{value!r} is not a QoS level (0, 1 or 2)")
    return int(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise vol.Invalid(f"expected true or false, got {value!r}")
    return value


#: The units a ``delay`` step may be written in, as seconds per unit: "in {minutes} minutes" needs minutes,
#: since a plan cannot multiply a placeholder (a plan that wrote 300 seconds for "in 5 minutes" would wait
#: 300 seconds when reused for "in 10 minutes").
DELAY_UNITS: Final[Mapping[str, float]] = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0}


def _delay_amount(unit: str) -> Callable[[Any], float | int | str]:
    def validate(value: Any) -> float | int | str:
        if isinstance(value, str):
            try:
                parts = parse_template(value)
            except PlanValidationError as err:
                raise vol.Invalid(str(err)) from None
            if len(parts) == 1 and isinstance(parts[0], SlotRef | StepOutputRef):
                return value
            raise vol.Invalid(f"{value!r}: expected a number of {unit} or exactly one placeholder")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise vol.Invalid(f"expected a number of {unit}, got {type(value).__name__}")
        if not 0 < value * DELAY_UNITS[unit] <= MAX_DELAY_S:
            raise vol.Invalid(f"{value} {unit} is out of range (more than 0, at most one hour)")
        amount: float | int = value
        return amount

    return validate


def _keys_present(
    keys: Sequence[str], *, exactly_one: bool = False
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A check that ``inputs`` has at least one of ``keys`` (or exactly one)."""
    wanted = "exactly one" if exactly_one else "at least one"

    def validate(value: dict[str, Any]) -> dict[str, Any]:
        present = sum(key in value for key in keys)
        if present == 0 or (exactly_one and present > 1):
            raise vol.Invalid(f"needs {wanted} of {', '.join(keys)}")
        return value

    return validate


_STEP_SCHEMA: Final = vol.Schema(
    {
        vol.Required("id"): _step_id,
        vol.Optional("description", default=""): _description,
        vol.Required("action"): _action,
        vol.Required("inputs"): _object,
        vol.Optional("depends_on", default=list): _depends_on,
        vol.Optional("output", default=None): _output_name,
    }
)

#: The ``inputs`` schema of each action; every schema rejects unknown keys and fills defaults.
_INPUT_SCHEMAS: Final[Mapping[str, Callable[[Any], Any]]] = {
    ACTION_HA_SERVICE: vol.Schema(
        {
            vol.Required("domain"): _ha_identifier("domain"),
            vol.Required("service"): _ha_identifier("service"),
            vol.Optional("target", default=dict): vol.Schema(
                {vol.Optional(key): _names for key in TARGET_KEYS}
            ),
            vol.Optional("data", default=dict): _object,
        }
    ),
    ACTION_MQTT_PUBLISH: vol.Schema(
        {
            vol.Required("topic"): _mqtt_topic,
            vol.Required("payload"): _mqtt_payload,
            vol.Optional("qos", default=0): _qos,
            vol.Optional("retain", default=False): _boolean,
        }
    ),
    ACTION_HA_STATE: vol.All(
        vol.Schema(
            {
                **{vol.Optional(key): _names for key in STATE_SELECTOR_KEYS},
                vol.Optional(STATE_FILTER_KEY): _names,
                vol.Optional(STATE_ATTRIBUTE_KEY): _ha_identifier("attribute"),
            }
        ),
        _keys_present(STATE_SELECTOR_KEYS),
    ),
    ACTION_RESPOND: vol.Schema(
        {vol.Required("template"): _non_empty_string("template", MAX_TEMPLATE_LENGTH)}
    ),
    ACTION_DELAY: vol.All(
        vol.Schema({vol.Optional(unit): _delay_amount(unit) for unit in DELAY_UNITS}),
        _keys_present(list(DELAY_UNITS), exactly_one=True),
    ),
}

#: The keys each action's ``inputs`` may have (for error messages and documentation).
INPUT_KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    ACTION_HA_SERVICE: ("domain", "service", "target", "data"),
    ACTION_MQTT_PUBLISH: ("topic", "payload", "qos", "retain"),
    ACTION_HA_STATE: (*STATE_SELECTOR_KEYS, STATE_FILTER_KEY, STATE_ATTRIBUTE_KEY),
    ACTION_RESPOND: ("template",),
    ACTION_DELAY: tuple(DELAY_UNITS),
}
_TOP_LEVEL_KEYS: Final = ("id", "description", "action", "inputs", "depends_on", "output")


def _format_invalid(
    error: vol.Invalid, label: str, field: str, allowed: Mapping[tuple[str, ...], Sequence[str]]
) -> str:
    keys = [key if isinstance(key, int) else str(key) for key in error.path]
    path = field
    for key in keys:
        path = _join_path(path, key)
    where = f"{label} {path}" if path else label
    if error.msg == "extra keys not allowed":
        parent = tuple(str(key) for key in keys[:-1])
        known = allowed.get(parent)
        return f"{where}: unknown field" + (f" (allowed: {', '.join(known)})" if known else "")
    if isinstance(error, vol.RequiredFieldInvalid):
        return f"{where}: missing required field"
    return f"{where}: {error.msg}"


def _run_schema(
    schema: Callable[[Any], Any],
    value: Any,
    label: str,
    field: str,
    allowed: Mapping[tuple[str, ...], Sequence[str]],
) -> Any:
    """Validate with voluptuous, turning its errors into '<label> <field.path>: message' strings.

    ``allowed`` maps a parent path (as a tuple of keys) to the keys allowed there, for 'unknown field' errors.
    """
    try:
        return schema(value)
    except vol.MultipleInvalid as err:
        messages = [_format_invalid(error, label, field, allowed) for error in err.errors]
        raise PlanValidationError("; ".join(messages[:_MAX_REPORTED_ERRORS])) from None
    except vol.Invalid as err:
        raise PlanValidationError(_format_invalid(err, label, field, allowed)) from None


# -- step and plan validation -----------------------------------------------------------------------------


class NormalizedStep(TypedDict):
    """A validated step as plain JSON, with defaults filled in (what :func:`validate_step` returns)."""

    id: str
    description: str
    action: str
    inputs: dict[str, Any]
    depends_on: list[str]
    output: str | None


def _step_label(raw: Any, index: int | None) -> str:
    step_id = raw.get("id") if isinstance(raw, Mapping) else None
    if isinstance(step_id, str) and _STEP_ID_RE.fullmatch(step_id):
        return f"step {step_id!r}"
    return f"step #{index + 1}" if index is not None else "step"


def validate_step(raw: Any, index: int | None = None) -> NormalizedStep:
    """Check one step on its own (not its place in the graph) and return it normalized.

    Checks the fields, the action's inputs (unknown/missing keys, types, ranges, nesting) and every
    placeholder's syntax (slot placeholders only, in ``description``). ``index`` (0-based position in the
    plan) only improves messages for a step without a valid id. Raises PlanValidationError.
    """
    label = _step_label(raw, index)
    try:
        plain = to_plain_json(raw, max_depth=MAX_INPUT_DEPTH + 1)
    except PlanValidationError as err:
        raise PlanValidationError(f"{label} {err}") from None
    if not isinstance(plain, dict):
        raise PlanValidationError(f"{label}: expected an object, got {type(raw).__name__}")
    step: dict[str, Any] = _run_schema(_STEP_SCHEMA, plain, label, "", {(): _TOP_LEVEL_KEYS})
    action: str = step["action"]
    allowed = {(): INPUT_KEYS[action], ("target",): TARGET_KEYS}
    inputs = _run_schema(_INPUT_SCHEMAS[action], step["inputs"], label, "inputs", allowed)
    errors: list[str] = []
    for key_path, key in _iter_keys(inputs):
        if "{" in key or "}" in key:
            errors.append(f"{label} inputs{key_path}: braces (placeholders) are not allowed in keys: {key!r}")
    for path, text in iter_strings(inputs):
        try:
            parse_template(text)
        except PlanValidationError as err:
            errors.append(f"{label} inputs.{path}: {err}")
    try:
        description_parts = parse_template(step["description"])
    except PlanValidationError as err:
        errors.append(f"{label} description: {err}")
    else:
        if any(isinstance(part, StepOutputRef) for part in description_parts):
            errors.append(f"{label} description: only {{slot.<type>}} placeholders are allowed here")
    if errors:
        raise PlanValidationError("; ".join(errors[:_MAX_REPORTED_ERRORS]))
    return NormalizedStep(
        id=step["id"],
        description=step["description"],
        action=action,
        inputs=inputs,
        depends_on=step["depends_on"],
        output=step["output"],
    )


def _iter_keys(value: Any, path: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            found.append((path, key))
            found.extend(_iter_keys(item, f"{path}.{key}"))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.extend(_iter_keys(item, f"{path}[{index}]"))
    return found


def step_output_refs(inputs: Any) -> list[tuple[str, str]]:
    """``(path, step id)`` for every ``{steps.<id>.output}`` in ``inputs`` (placeholders must be valid)."""
    return [
        (path, part.step_id)
        for path, text in iter_strings(inputs)
        for part in parse_template(text)
        if isinstance(part, StepOutputRef)
    ]


def _find_cycle(ids: Sequence[str], depends_on: Mapping[str, Sequence[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in depends_on[node]:
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in ids:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def validate_graph(steps: Sequence[NormalizedStep]) -> tuple[str, ...]:
    """Check how the steps fit together and return their topological order.

    Checks the step count, duplicate ids, ``depends_on`` naming a missing step, cycles, and that every
    ``{steps.<id>.output}`` names an existing step that is a (transitive) dependency of the step using it.
    The order is stable: among ready steps, the one listed first runs first. Raises PlanValidationError.
    """
    if not steps:
        raise PlanValidationError("plan has no steps")
    if len(steps) > MAX_STEPS:
        raise PlanValidationError(f"plan has {len(steps)} steps; at most {MAX_STEPS} are allowed")
    ids = [step["id"] for step in steps]
    seen: set[str] = set()
    for step_id in ids:
        if step_id in seen:
            raise PlanValidationError(f"duplicate step id {step_id!r}")
        seen.add(step_id)
    errors: list[str] = []
    for step in steps:
        for dep in step["depends_on"]:
            if dep not in seen:
                errors.append(f"step {step['id']!r} depends_on: {dep!r} is not a step of this plan")
    if errors:
        raise PlanValidationError("; ".join(errors[:_MAX_REPORTED_ERRORS]))
    depends_on = {step["id"]: step["depends_on"] for step in steps}
    if cycle := _find_cycle(ids, depends_on):
        if len(cycle) == 2:
            raise PlanValidationError(f"step {cycle[0]!r} depends on itself")
        raise PlanValidationError(f"steps form a cycle: {' -> '.join(cycle)}")
    order = topological_order(ids, depends_on)
    ancestors = transitive_dependencies(order, depends_on)
    for step in steps:
        for path, ref in step_output_refs(step["inputs"]):
            where = f"step {step['id']!r} inputs.{path}"
            if ref not in seen:
                errors.append(f"{where}: {{steps.{ref}.output}} refers to a step that does not exist")
            elif ref == step["id"]:
                errors.append(f"{where}: {{steps.{ref}.output}} refers to the step's own output")
            elif ref not in ancestors[step["id"]]:
                errors.append(
                    f"{where}: {{steps.{ref}.output}} refers to step {ref!r}, which is not one of its "
                    f"dependencies (add {ref!r} to depends_on)"
                )
    if errors:
        raise PlanValidationError("; ".join(errors[:_MAX_REPORTED_ERRORS]))
    return order


def topological_order(ids: Sequence[str], depends_on: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Kahn's algorithm, stable in ``ids`` order. The graph must be acyclic with all dependencies present."""
    remaining = {step_id: len(depends_on[step_id]) for step_id in ids}
    dependents: dict[str, list[str]] = {step_id: [] for step_id in ids}
    for step_id in ids:
        for dep in depends_on[step_id]:
            dependents[dep].append(step_id)
    position = {step_id: index for index, step_id in enumerate(ids)}
    ready = [step_id for step_id in ids if remaining[step_id] == 0]
    order: list[str] = []
    while ready:
        ready.sort(key=position.__getitem__)
        current = ready.pop(0)
        order.append(current)
        for dependent in dependents[current]:
            remaining[dependent] -= 1
            if remaining[dependent] == 0:
                ready.append(dependent)
    if len(order) != len(ids):
        raise PlanValidationError("steps form a cycle")
    return tuple(order)


def transitive_dependencies(
    order: Sequence[str], depends_on: Mapping[str, Sequence[str]]
) -> dict[str, frozenset[str]]:
    """For each step, every step it depends on directly or transitively (``order`` must be topological)."""
    ancestors: dict[str, frozenset[str]] = {}
    for step_id in order:
        found: set[str] = set()
        for dep in depends_on[step_id]:
            found.add(dep)
            found |= ancestors[dep]
        ancestors[step_id] = frozenset(found)
    return ancestors


def validate_plan(raw: Any) -> list[NormalizedStep]:
    """Validate a whole plan document (``{"steps": [...]}``) and return its normalized steps.

    Checks, in order: JSON-ness and nesting, size, the top-level shape, every step on its own (all step errors
    are reported together), then the graph. Raises PlanValidationError with a message that names the step
    and the field.
    """
    plain = to_plain_json(raw, path="plan")
    if not isinstance(plain, dict):
        raise PlanValidationError(f'plan: expected an object {{"steps": [...]}}, got {type(raw).__name__}')
    size = plan_json_size(plain)
    if size > MAX_PLAN_BYTES:
        raise PlanValidationError(f"plan is {size} bytes of JSON; at most {MAX_PLAN_BYTES} are allowed")
    extra = sorted(set(plain) - {"steps"})
    if extra:
        raise PlanValidationError(f"plan: unknown field(s) {', '.join(extra)} (a plan has only 'steps')")
    raw_steps = plain.get("steps")
    if not isinstance(raw_steps, list):
        raise PlanValidationError("plan: 'steps' must be a list of steps")
    if not raw_steps:
        raise PlanValidationError("plan has no steps")
    if len(raw_steps) > MAX_STEPS:
        raise PlanValidationError(f"plan has {len(raw_steps)} steps; at most {MAX_STEPS} are allowed")
    steps: list[NormalizedStep] = []
    errors: list[str] = []
    for index, raw_step in enumerate(raw_steps):
        try:
            steps.append(validate_step(raw_step, index))
        except PlanValidationError as err:
            errors.append(str(err))
    if errors:
        raise PlanValidationError("; ".join(errors[:_MAX_REPORTED_ERRORS]))
    size = plan_json_size({"steps": steps})  # again with defaults filled in, as Plan measures it
    if size > MAX_PLAN_BYTES:
        raise PlanValidationError(f"plan is {size} bytes of JSON; at most {MAX_PLAN_BYTES} are allowed")
    validate_graph(steps)
    return steps


# -- what the LLM is shown --------------------------------------------------------------------------------

_NAMES_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": MAX_TARGET_ITEMS},
    ]
}


def _step_schema(action: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": STEP_ID_PATTERN},
            "description": {"type": "string", "maxLength": MAX_DESCRIPTION_LENGTH},
            "action": {"type": "string", "enum": [action]},
            "inputs": inputs,
            "depends_on": {
                "type": "array",
                "items": {"type": "string", "pattern": STEP_ID_PATTERN},
                "maxItems": MAX_STEPS,
            },
            "output": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"},
        },
        "required": ["id", "description", "action", "inputs", "depends_on"],
        "additionalProperties": False,
    }


#: JSON Schema (draft-07 subset: objects, arrays, strings, numbers, enums, anyOf; no $ref) of the plan format,
#: for llama.cpp's ``json_schema`` / OpenAI-style ``response_format`` constrained decoding and for the
#: prompt. Each step is one of five shapes, one per action, so decoding ties ``inputs`` to ``action``.
#: It is slightly stricter than :func:`validate_plan` (``description`` and ``depends_on`` are required) and
#: cannot express the cross-step rules (ids, dependencies, placeholders), which validation still checks.
PLAN_JSON_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "AgentReuse plan",
    "type": "object",
    "properties": {
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_STEPS,
            "items": {
                "anyOf": [
                    _step_schema(
                        ACTION_HA_SERVICE,
                        {
                            "type": "object",
                            "properties": {
                                "domain": {"type": "string"},
                                "service": {"type": "string"},
                                "target": {
                                    "type": "object",
                                    "properties": {key: _NAMES_SCHEMA for key in TARGET_KEYS},
                                    "additionalProperties": False,
                                },
                                "data": {"type": "object"},
                            },
                            "required": ["domain", "service"],
                            "additionalProperties": False,
                        },
                    ),
                    _step_schema(
                        ACTION_MQTT_PUBLISH,
                        {
                            "type": "object",
                            "properties": {
                                "topic": {"type": "string"},
                                "payload": {"anyOf": [{"type": "string"}, {"type": "object"}]},
                                "qos": {"type": "integer", "enum": [0, 1, 2]},
                                "retain": {"type": "boolean"},
                            },
                            "required": ["topic", "payload"],
                            "additionalProperties": False,
                        },
                    ),
                    _step_schema(
                        ACTION_HA_STATE,
                        {
                            "type": "object",
                            "properties": {
                                **{key: _NAMES_SCHEMA for key in STATE_SELECTOR_KEYS},
                                STATE_FILTER_KEY: _NAMES_SCHEMA,
                                STATE_ATTRIBUTE_KEY: {"type": "string", "pattern": r"^[a-z_][a-z0-9_]*$"},
                            },
                            "minProperties": 1,
                            "additionalProperties": False,
                        },
                    ),
                    _step_schema(
                        ACTION_RESPOND,
                        {
                            "type": "object",
                            "properties": {"template": {"type": "string", "minLength": 1}},
                            "required": ["template"],
                            "additionalProperties": False,
                        },
                    ),
                    _step_schema(
                        ACTION_DELAY,
                        {
                            "type": "object",
                            "properties": {
                                unit: {"anyOf": [{"type": "number"}, {"type": "string"}]}
                                for unit in DELAY_UNITS
                            },
                            "minProperties": 1,
                            "additionalProperties": False,
                        },
                    ),
                ]
            },
        }
    },
    "required": ["steps"],
    "additionalProperties": False,
}


class PlanExample(TypedDict):
    """A request, the slots the NLU found in it, and the plan for it (slot values replaced by placeholders)."""

    request: str
    slots: dict[str, str]
    plan: dict[str, Any]


#: Few-shot examples for the planner prompt. Every plan uses placeholders for the request's slot values, so
#: it can be cached and re-bound to the next request of the same kind.
PLAN_EXAMPLES: Final[tuple[PlanExample, ...]] = (
    {
        "request": "turn on the kitchen light",
        "slots": {"name": "kitchen light"},
        "plan": {
            "steps": [
                {
                    "id": "s1",
                    "description": "turn on {slot.name}",
                    "action": ACTION_HA_SERVICE,
                    "inputs": {"domain": "light", "service": "turn_on", "target": {"name": "{slot.name}"}},
                    "depends_on": [],
                },
                {
                    "id": "s2",
                    "description": "confirm",
                    "action": ACTION_RESPOND,
                    "inputs": {"template": "Turned on {slot.name}."},
                    "depends_on": ["s1"],
                },
            ]
        },
    },
    {
        "request": "set the living room lights to 40 percent",
        "slots": {"area": "living room", "brightness": "40"},
        "plan": {
            "steps": [
                {
                    "id": "s1",
                    "description": "set the lights in {slot.area} to {slot.brightness}%",
                    "action": ACTION_HA_SERVICE,
                    "inputs": {
                        "domain": "light",
                        "service": "turn_on",
                        "target": {"area": "{slot.area}", "domain": "light"},
                        "data": {"brightness_pct": "{slot.brightness}"},
                    },
                    "depends_on": [],
                },
                {
                    "id": "s2",
                    "description": "confirm",
                    "action": ACTION_RESPOND,
                    "inputs": {"template": "The {slot.area} lights are at {slot.brightness} percent."},
                    "depends_on": ["s1"],
                },
            ]
        },
    },
    {
        "request": "turn off the kitchen lights in 10 minutes",
        "slots": {"area": "kitchen", "domain": "light", "minutes": "10"},
        "plan": {
            "steps": [
                {
                    "id": "s1",
                    "description": "confirm now (the steps after a long wait run after the reply)",
                    "action": ACTION_RESPOND,
                    "inputs": {
                        "template": "Okay, the {slot.area} {slot.domain}s go off in {slot.minutes} minutes."
                    },
                    "depends_on": [],
                },
                {
                    "id": "s2",
                    "description": "wait {slot.minutes} minutes",
                    "action": ACTION_DELAY,
                    "inputs": {"minutes": "{slot.minutes}"},
                    "depends_on": [],
                },
                {
                    "id": "s3",
                    "description": "turn off the {slot.domain}s in {slot.area}",
                    "action": ACTION_HA_SERVICE,
                    "inputs": {
                        "domain": "{slot.domain}",
                        "service": "turn_off",
                        "target": {"area": "{slot.area}"},
                    },
                    "depends_on": ["s2"],
                },
            ]
        },
    },
    {
        "request": "open the garage door",
        "slots": {"name": "garage door"},
        "plan": {
            "steps": [
                {
                    "id": "s1",
                    "description": "send the open command for {slot.name}",
                    "action": ACTION_MQTT_PUBLISH,
                    "inputs": {
                        "topic": "home/cover/set",
                        "payload": {"device": "{slot.name}", "command": "open"},
                        "qos": 1,
                        "retain": False,
                    },
                    "depends_on": [],
                },
                {
                    "id": "s2",
                    "description": "confirm",
                    "action": ACTION_RESPOND,
                    "inputs": {"template": "Opening {slot.name}."},
                    "depends_on": ["s1"],
                },
            ]
        },
    },
    {
        "request": "what is the thermostat in the hallway set to",
        "slots": {"area": "hallway"},
        "plan": {
            "steps": [
                {
                    "id": "s1",
                    "description": "read the target temperature of the thermostat in {slot.area}",
                    "action": ACTION_HA_STATE,
                    "inputs": {
                        "area": "{slot.area}",
                        "domain": "climate",
                        STATE_ATTRIBUTE_KEY: "temperature",
                    },
                    "depends_on": [],
                },
                {
                    "id": "s2",
                    "description": "answer",
                    "action": ACTION_RESPOND,
                    "inputs": {"template": "The thermostat is set to {steps.s1.output}."},
                    "depends_on": ["s1"],
                },
            ]
        },
    },
    {
        "request": "what is the temperature in the bedroom",
        "slots": {"area": "bedroom"},
        "plan": {
            "steps": [
                {
                    "id": "s1",
                    "description": "read the temperature in {slot.area}",
                    "action": ACTION_HA_STATE,
                    "inputs": {"area": "{slot.area}", "device_class": "temperature"},
                    "depends_on": [],
                    "output": "temperature",
                },
                {
                    "id": "s2",
                    "description": "answer",
                    "action": ACTION_RESPOND,
                    "inputs": {"template": "It is {steps.s1.output} in the {slot.area}."},
                    "depends_on": ["s1"],
                },
            ]
        },
    },
)
