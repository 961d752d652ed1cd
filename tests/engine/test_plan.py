"""Tests of the plan model (engine/plan.py) and its validation rules (engine/plan_schema.py)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from custom_components.agent_reuse.engine.errors import PlanValidationError
from custom_components.agent_reuse.engine.plan import (
    Plan,
    SlotRef,
    Step,
    StepOutputRef,
    StepRefTemplate,
    format_value,
)
from custom_components.agent_reuse.engine.plan_schema import (
    ACTIONS,
    MAX_PLAN_BYTES,
    MAX_STEPS,
    PLAN_EXAMPLES,
    PLAN_JSON_SCHEMA,
    parse_template,
    validate_plan,
)


def step(
    step_id: str, action: str = "respond", inputs: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A raw step dict; a respond step by default."""
    raw: dict[str, Any] = {
        "id": step_id,
        "action": action,
        "inputs": {"template": "ok"} if inputs is None else inputs,
    }
    raw.update(extra)
    return raw


def light_on(step_id: str = "s1", name: str = "{slot.name}", **extra: Any) -> dict[str, Any]:
    return step(
        step_id,
        "ha_service",
        {"domain": "light", "service": "turn_on", "target": {"name": name}},
        description="turn on {slot.name}",
        **extra,
    )


def plan_of(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"steps": list(steps)}


def invalid(raw: Any) -> str:
    with pytest.raises(PlanValidationError) as info:
        Plan.from_dict(raw)
    return str(info.value)


# -- examples, round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("example", PLAN_EXAMPLES, ids=lambda e: e["request"])
def test_examples_are_valid_and_round_trip(example: Any) -> None:
    plan = Plan.from_dict(example["plan"])
    again = Plan.from_dict(plan.to_dict())
    assert again == plan
    assert hash(again) == hash(plan)
    assert again.to_dict() == plan.to_dict()
    # JSON-serializable, and through JSON too
    assert Plan.from_json(json.dumps(plan.to_dict())) == plan
    # each example's slots are exactly the plan's parameters, and binding them succeeds
    assert plan.parameters == frozenset(example["slots"])
    plan.bind(example["slots"])


def test_examples_cover_the_requested_kinds() -> None:
    actions = {s["action"] for example in PLAN_EXAMPLES for s in example["plan"]["steps"]}
    assert {"ha_service", "mqtt_publish", "ha_state", "respond"} <= actions
    texts = [json.dumps(example["plan"]) for example in PLAN_EXAMPLES]
    assert all("{slot." in text for text in texts)
    assert any("{steps.s1.output}" in text for text in texts)


def test_to_dict_fills_defaults_and_round_trips() -> None:
    raw = plan_of(
        step("pub", "mqtt_publish", {"topic": "home/x", "payload": {"on": True}}),
        step("svc", "ha_service", {"domain": "scene", "service": "turn_on"}, depends_on=["pub"], output="r"),
    )
    plan = Plan.from_dict(raw)
    as_dict = plan.to_dict()
    assert as_dict == {
        "steps": [
            {
                "id": "pub",
                "description": "",
                "action": "mqtt_publish",
                "inputs": {"topic": "home/x", "payload": {"on": True}, "qos": 0, "retain": False},
                "depends_on": [],
            },
            {
                "id": "svc",
                "description": "",
                "action": "ha_service",
                "inputs": {"domain": "scene", "service": "turn_on", "target": {}, "data": {}},
                "depends_on": ["pub"],
                "output": "r",
            },
        ]
    }
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert Plan.from_dict(as_dict) == plan
    assert json.loads(plan.to_json()) == as_dict


def test_plan_is_immutable_and_independent_of_its_source() -> None:
    raw = plan_of(light_on())
    original = copy.deepcopy(raw)
    plan = Plan.from_dict(raw)
    raw["steps"][0]["inputs"]["target"]["name"] = "changed"
    assert plan.to_dict()["steps"][0]["inputs"]["target"]["name"] == "{slot.name}"
    with pytest.raises(TypeError):
        plan.steps[0].inputs["domain"] = "switch"  # type: ignore[index]
    with pytest.raises(AttributeError):
        plan.steps[0].id = "x"  # type: ignore[misc]
    out = plan.to_dict()
    out["steps"][0]["inputs"]["domain"] = "switch"
    assert plan.steps[0].inputs["domain"] == "light"
    assert raw != original  # the caller's dict was changed, the plan was not


def test_steps_can_be_built_directly_and_are_validated() -> None:
    s1 = Step(id="s1", action="delay", inputs={"seconds": 1})
    s2 = Step(id="s2", action="respond", inputs={"template": "done"}, depends_on=("s1",))
    plan = Plan((s1, s2))
    assert plan.to_dict()["steps"][1]["depends_on"] == ["s1"]
    with pytest.raises(PlanValidationError, match=r"step 's1' inputs\.seconds: .*out of range"):
        Step(id="s1", action="delay", inputs={"seconds": 7200})
    # "in {minutes} minutes": a delay may be written in the unit its slot says.
    later = Plan.from_dict(
        {"steps": [{"id": "s1", "action": "delay", "inputs": {"minutes": "{slot.minutes}"}}]}
    )
    assert later.parameters == {"minutes"}
    assert Step(id="s1", action="delay", inputs={"hours": 1}).inputs == {"hours": 1}
    with pytest.raises(PlanValidationError, match="unknown action 'teleport'"):
        Step(id="s1", action="teleport", inputs={})
    with pytest.raises(PlanValidationError, match="steps form a cycle"):
        Plan(
            (
                Step(id="a", action="respond", inputs={"template": "x"}, depends_on=("b",)),
                Step(id="b", action="respond", inputs={"template": "x"}, depends_on=("a",)),
            )
        )
    with pytest.raises(PlanValidationError, match="plan has no steps"):
        Plan(())


# -- validation errors ------------------------------------------------------------------------------------

INVALID_PLANS: list[tuple[str, Any, list[str]]] = [
    ("not an object", ["steps"], ["plan", "expected an object"]),
    ("no steps key", {}, ["'steps' must be a list"]),
    ("empty plan", plan_of(), ["plan has no steps"]),
    ("extra top-level key", {"steps": [step("s1")], "why": "x"}, ["unknown field(s) why"]),
    ("step not an object", {"steps": ["s1"]}, ["step #1", "expected an object"]),
    (
        "unknown action",
        plan_of(step("s1", "teleport")),
        ["step 's1' action", "unknown action 'teleport'", "ha_service"],
    ),
    ("missing action", plan_of({"id": "s1", "inputs": {}}), ["step 's1' action: missing required field"]),
    (
        "missing id",
        plan_of(step("s1"), {"action": "respond", "inputs": {"template": "x"}}),
        ["step #2 id: missing"],
    ),
    ("invalid id", plan_of(step("Step-1")), ["step #1 id", "'Step-1' is not a valid step id"]),
    (
        "unknown step field",
        plan_of(step("s1", why="x")),
        ["step 's1' why: unknown field", "allowed: id, description"],
    ),
    (
        "missing required input",
        plan_of(step("s1", "ha_service", {"domain": "light"})),
        ["step 's1' inputs.service: missing required field"],
    ),
    (
        "extra input",
        plan_of(step("s1", "respond", {"template": "x", "voice": "loud"})),
        ["step 's1' inputs.voice: unknown field (allowed: template)"],
    ),
    (
        "unknown target key",
        plan_of(step("s1", "ha_service", {"domain": "light", "service": "turn_on", "target": {"room": "x"}})),
        ["step 's1' inputs.target.room: unknown field", "allowed: entity_id", "area"],
    ),
    (
        "bad domain",
        plan_of(step("s1", "ha_service", {"domain": "Light!", "service": "turn_on"})),
        ["step 's1' inputs.domain", "'Light!' is not a valid domain"],
    ),
    (
        "target value not a string",
        plan_of(step("s1", "ha_service", {"domain": "light", "service": "turn_on", "target": {"name": 3}})),
        ["step 's1' inputs.target.name", "expected a string or a list of strings"],
    ),
    (
        "empty ha_state selector",
        plan_of(step("s1", "ha_state", {})),
        ["step 's1' inputs: needs at least one of entity_id, name"],
    ),
    (
        "ha_state attribute without a selector",
        plan_of(step("s1", "ha_state", {"attribute": "brightness"})),
        ["step 's1' inputs: needs at least one of entity_id, name"],
    ),
    (
        "ha_state attribute not an identifier",
        plan_of(step("s1", "ha_state", {"name": "x", "attribute": "Current Temperature"})),
        ["step 's1' inputs.attribute", "not a valid attribute"],
    ),
    (
        "qos out of range",
        plan_of(step("s1", "mqtt_publish", {"topic": "a", "payload": "x", "qos": 3})),
        ["inputs.qos", "QoS"],
    ),
    (
        "qos bool",
        plan_of(step("s1", "mqtt_publish", {"topic": "a", "payload": "x", "qos": True})),
        ["inputs.qos"],
    ),
    (
        "retain not bool",
        plan_of(step("s1", "mqtt_publish", {"topic": "a", "payload": "x", "retain": 1})),
        ["inputs.retain"],
    ),
    (
        "wildcard topic",
        plan_of(step("s1", "mqtt_publish", {"topic": "home/#", "payload": "x"})),
        ["inputs.topic", "wildcards"],
    ),
    (
        "payload list",
        plan_of(step("s1", "mqtt_publish", {"topic": "a", "payload": [1]})),
        ["inputs.payload", "JSON object"],
    ),
    ("empty template", plan_of(step("s1", "respond", {"template": "  "})), ["inputs.template", "empty"]),
    (
        "delay zero",
        plan_of(step("s1", "delay", {"seconds": 0})),
        ["step 's1' inputs.seconds", "out of range"],
    ),
    ("delay too long", plan_of(step("s1", "delay", {"seconds": 3601})), ["inputs.seconds", "out of range"]),
    (
        "delay text",
        plan_of(step("s1", "delay", {"seconds": "{slot.seconds} s"})),
        ["inputs.seconds", "exactly one placeholder"],
    ),
    (
        "delay too many minutes",
        plan_of(step("s1", "delay", {"minutes": 61})),
        ["inputs.minutes", "out of range"],
    ),
    (
        "delay in two units",
        plan_of(step("s1", "delay", {"minutes": 1, "seconds": 30})),
        ["s1", "exactly one of seconds, minutes, hours"],
    ),
    (
        "delay without a length",
        plan_of(step("s1", "delay", {})),
        ["s1", "exactly one of seconds, minutes, hours"],
    ),
    (
        "unknown placeholder",
        plan_of(step("s1", "respond", {"template": "Turned on {name}."})),
        ["step 's1' inputs.template", "unknown placeholder {name}", "did you mean {slot.name}?"],
    ),
    (
        "step placeholder without .output",
        plan_of(step("s1", "respond", {"template": "It is {steps.s0.state}."})),
        ["unknown placeholder {steps.s0.state}", "did you mean {steps.s0.output}?"],
    ),
    (
        "placeholder with spaces",
        plan_of(step("s1", "respond", {"template": "{ slot.name }"})),
        ["unknown placeholder", "remove the spaces"],
    ),
    (
        "double braces",
        plan_of(step("s1", "respond", {"template": "{{slot.name}}"})),
        ["double braces", "write {slot.name}"],
    ),
    (
        "nested placeholder error",
        plan_of(
            step("s1", "ha_service", {"domain": "light", "service": "turn_on", "data": {"x": ["ok", "{v}"]}})
        ),
        ["step 's1' inputs.data.x[1]", "unknown placeholder {v}"],
    ),
    (
        "placeholder in a key",
        plan_of(
            step("s1", "ha_service", {"domain": "light", "service": "turn_on", "data": {"{slot.attr}": 1}})
        ),
        ["step 's1' inputs.data", "not allowed in keys"],
    ),
    (
        "step reference in description",
        plan_of(step("s1"), step("s2", description="after {steps.s1.output}", depends_on=["s1"])),
        ["step 's2' description", "only {slot.<type>}"],
    ),
    (
        "reference to a step that is not a dependency",
        plan_of(step("s1"), step("s2", "respond", {"template": "got {steps.s1.output}"})),
        [
            "step 's2' inputs.template",
            "{steps.s1.output}",
            "not one of its dependencies",
            "add 's1' to depends_on",
        ],
    ),
    (
        "reference to a missing step",
        plan_of(step("s1", "respond", {"template": "got {steps.s9.output}"})),
        ["step 's1' inputs.template", "{steps.s9.output} refers to a step that does not exist"],
    ),
    (
        "reference to its own output",
        plan_of(step("s1", "respond", {"template": "got {steps.s1.output}"})),
        ["step 's1'", "own output"],
    ),
    (
        "depends_on a missing step",
        plan_of(step("s1", depends_on=["s0"])),
        ["step 's1' depends_on", "'s0' is not a step"],
    ),
    (
        "depends_on a string",
        plan_of(step("s1", depends_on="s0")),
        ["step 's1' depends_on", "expected a list"],
    ),
    (
        "depends_on twice",
        plan_of(step("s0"), step("s1", depends_on=["s0", "s0"])),
        ["step 's1' depends_on", "twice"],
    ),
    ("duplicate ids", plan_of(step("s1"), step("s1")), ["duplicate step id 's1'"]),
    ("self dependency", plan_of(step("s1", depends_on=["s1"])), ["step 's1' depends on itself"]),
    (
        "cycle",
        plan_of(step("a", depends_on=["c"]), step("b", depends_on=["a"]), step("c", depends_on=["b"])),
        ["steps form a cycle: a -> c -> b -> a"],
    ),
    (
        "too many steps",
        plan_of(*(step(f"s{i}") for i in range(MAX_STEPS + 1))),
        [f"{MAX_STEPS + 1} steps", f"at most {MAX_STEPS}"],
    ),
    (
        "too large",
        plan_of(*(step(f"s{i}", "respond", {"template": "x" * 999}) for i in range(20))),
        ["bytes of JSON", f"at most {MAX_PLAN_BYTES}"],
    ),
    (
        "too deep",
        plan_of(
            step(
                "s1", "mqtt_publish", {"topic": "a", "payload": {"a": {"b": {"c": {"d": {"e": {"f": {}}}}}}}}
            )
        ),
        ["nested too deeply"],
    ),
    (
        "not JSON (a set)",
        plan_of(step("s1", "ha_service", {"domain": "light", "service": "turn_on", "data": {"x": {1, 2}}})),
        ["set is not a JSON value"],
    ),
    (
        "not JSON (NaN)",
        plan_of(
            step("s1", "ha_service", {"domain": "light", "service": "turn_on", "data": {"x": float("nan")}})
        ),
        ["nan is not a JSON number"],
    ),
    (
        "bad output name",
        plan_of(step("s1", output="the result")),
        ["step 's1' output", "not a valid output name"],
    ),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [(raw, exp) for _, raw, exp in INVALID_PLANS], ids=[c[0] for c in INVALID_PLANS]
)
def test_invalid_plans_are_rejected_with_a_specific_message(raw: Any, expected: list[str]) -> None:
    message = invalid(raw)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    # validate_plan (used by the planner before building a Plan) agrees
    with pytest.raises(PlanValidationError):
        validate_plan(raw)


def test_several_step_errors_are_reported_together() -> None:
    message = invalid(plan_of(step("s1", "teleport"), step("s2", "respond", {"template": "{x}"})))
    assert "step 's1' action: unknown action" in message
    assert "step 's2' inputs.template: unknown placeholder {x}" in message


def test_self_referencing_structure_is_rejected_not_recursed() -> None:
    data: dict[str, Any] = {}
    data["self"] = data
    assert "nested too deeply" in invalid(
        plan_of(step("s1", "ha_service", {"domain": "a", "service": "b", "data": data}))
    )


def test_invalid_json_text_is_a_plan_validation_error() -> None:
    with pytest.raises(PlanValidationError, match="not valid JSON"):
        Plan.from_json('{"steps": [')


def test_literal_braces_are_allowed() -> None:
    plan = Plan.from_dict(
        plan_of(
            step("s1", "mqtt_publish", {"topic": "home/a", "payload": '{"state": "{slot.state}"}'}),
            step("s2", "respond", {"template": "Sent {} to 'home/a'."}, depends_on=["s1"]),
        )
    )
    assert plan.parameters == {"state"}
    bound = plan.bind({"state": "ON"})
    assert bound.step("s1").inputs["payload"] == '{"state": "ON"}'
    assert bound.step("s2").inputs["template"] == "Sent {} to 'home/a'."


def test_transitive_dependency_output_may_be_referenced() -> None:
    plan = Plan.from_dict(
        plan_of(
            step("read", "ha_state", {"name": "{slot.name}"}),
            step("wait", "delay", {"seconds": 1}, depends_on=["read"]),
            step("say", "respond", {"template": "{steps.read.output}"}, depends_on=["wait"]),
        )
    )
    assert plan.dependencies_of("say") == {"read", "wait"}
    assert plan.dependents_of("read") == {"wait", "say"}
    assert plan.step("say").step_refs == {"read"}


def test_topological_order_is_dependency_first_and_stable() -> None:
    plan = Plan.from_dict(
        plan_of(
            step("c", depends_on=["a", "b"]),
            step("b", depends_on=["a"]),
            step("x"),
            step("a"),
        )
    )
    assert [s.id for s in plan.topological_order()] == ["x", "a", "b", "c"]


# -- placeholders, parameters, entities ---------------------------------------------------------------------


def test_parse_template_splits_text_and_placeholders() -> None:
    assert parse_template("Set {slot.name} to {steps.s1.output}%") == (
        "Set ",
        SlotRef("name"),
        " to ",
        StepOutputRef("s1"),
        "%",
    )
    assert parse_template("") == ()
    assert parse_template("{slot.灯种}") == (SlotRef("灯种"),)
    assert parse_template('{"a": 1} {}') == ('{"a": 1} {}',)


def test_parameters_are_the_referenced_slot_types() -> None:
    plan = Plan.from_dict(
        plan_of(
            step(
                "s1",
                "ha_service",
                {
                    "domain": "{slot.domain}",
                    "service": "turn_on",
                    "target": {"area": ["{slot.area}", "hall"]},
                    "data": {"rgb": [{"v": "{slot.color}"}]},
                },
                description="set {slot.startLoc_city}",
            ),
            step("s2", "respond", {"template": "{slot.位置} ok {steps.s1.output}"}, depends_on=["s1"]),
        )
    )
    assert plan.parameters == {"domain", "area", "color", "startLoc_city", "位置"}
    assert Plan.from_dict(plan_of(step("s1"))).parameters == frozenset()


def test_referenced_entities_are_the_literal_entity_ids_and_names() -> None:
    plan = Plan.from_dict(
        plan_of(
            step(
                "s1",
                "ha_service",
                {
                    "domain": "light",
                    "service": "turn_on",
                    "target": {
                        "entity_id": ["light.kitchen", "light.{slot.name}"],
                        "name": "Desk Lamp",
                        "area": "Hall",
                    },
                },
            ),
            step("s2", "ha_state", {"entity_id": "sensor.temp", "name": "{slot.name}", "area": "Attic"}),
            step("s3", "mqtt_publish", {"topic": "light.x", "payload": {"entity_id": "light.y"}}),
        )
    )
    assert plan.referenced_entities() == {"light.kitchen", "Desk Lamp", "sensor.temp"}


# -- binding ------------------------------------------------------------------------------------------------


def test_bind_single_placeholder_keeps_the_raw_value() -> None:
    plan = Plan.from_dict(
        plan_of(
            step(
                "s1",
                "ha_service",
                {"domain": "light", "service": "turn_on", "data": {"brightness_pct": "{slot.brightness}"}},
            )
        )
    )
    assert plan.bind({"brightness": 40}).step("s1").inputs["data"]["brightness_pct"] == 40
    assert plan.bind({"brightness": "40"}).step("s1").inputs["data"]["brightness_pct"] == "40"
    assert plan.bind({"brightness": 40.5}).step("s1").inputs["data"]["brightness_pct"] == 40.5


def test_bind_interpolates_mixed_strings_everywhere() -> None:
    plan = Plan.from_dict(
        plan_of(
            step(
                "s1",
                "mqtt_publish",
                {
                    "topic": "home/{slot.area}/light",
                    "payload": {"level": "{slot.level}%", "list": ["{slot.area}", "x {slot.level}"]},
                },
                description="set {slot.area} to {slot.level}",
            )
        )
    )
    bound = plan.bind({"area": "kitchen", "level": 50.0, "unused": "x"})
    s1 = bound.step("s1")
    assert s1.inputs["topic"] == "home/kitchen/light"
    assert s1.inputs["payload"]["level"] == "50%"
    assert s1.inputs["payload"]["list"] == ("kitchen", "x 50")
    assert s1.description == "set kitchen to 50"
    assert s1.resolve_inputs({}) == {
        "topic": "home/kitchen/light",
        "payload": {"level": "50%", "list": ["kitchen", "x 50"]},
        "qos": 0,
        "retain": False,
    }
    assert bound.slots == {"area": "kitchen", "level": 50.0, "unused": "x"}


def test_bind_missing_slot_names_it() -> None:
    plan = Plan.from_dict(
        plan_of(step("s1", "respond", {"template": "{slot.name} in {slot.area} at {slot.time}"}))
    )
    with pytest.raises(PlanValidationError) as info:
        plan.bind({"name": "lamp"})
    message = str(info.value)
    assert "area, time" in message
    assert "no value for slot type" in message


def test_bind_keeps_step_references_for_the_executor() -> None:
    plan = Plan.from_dict(
        plan_of(
            step("s1", "ha_state", {"name": "{slot.name}"}),
            step(
                "s2",
                "ha_service",
                {
                    "domain": "notify",
                    "service": "notify",
                    "data": {"message": "{slot.name} is {steps.s1.output}", "raw": "{steps.s1.output}"},
                },
                depends_on=["s1"],
            ),
        )
    )
    bound = plan.bind({"name": "Lamp"})
    data = bound.step("s2").inputs["data"]
    assert data["message"] == StepRefTemplate(("Lamp is ", StepOutputRef("s1")))
    assert bound.step("s2").step_refs == {"s1"}
    state = {"state": "on", "name": "Lamp"}
    resolved = bound.step("s2").resolve_inputs({"s1": state})
    assert resolved["data"] == {"message": "Lamp is on", "raw": state}


def test_slot_values_are_never_parsed_as_placeholders() -> None:
    plan = Plan.from_dict(
        plan_of(
            step("s1", "ha_state", {"entity_id": "sensor.secret"}),
            step("s2", "respond", {"template": "Turned on {slot.name}."}, depends_on=["s1"]),
            step("s3", "respond", {"template": "{slot.name}"}, depends_on=["s1"]),
        )
    )
    bound = plan.bind({"name": "{steps.s1.output}"})
    assert bound.step("s2").inputs["template"] == "Turned on {steps.s1.output}."
    assert bound.step("s3").inputs["template"] == "{steps.s1.output}"
    assert bound.step("s2").resolve_inputs({"s1": "TOP SECRET"}) == {
        "template": "Turned on {steps.s1.output}."
    }


# -- JSON Schema for the LLM ----------------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _conforms(value: Any, schema: dict[str, Any]) -> bool:
    """A minimal JSON Schema checker for the subset PLAN_JSON_SCHEMA uses."""
    if "anyOf" in schema:
        return any(_conforms(value, option) for option in schema["anyOf"])
    kind = schema.get("type")
    checks: dict[str, Callable[[Any], bool]] = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind is not None and not checks[kind](value):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return False
    if isinstance(value, dict):
        props = schema.get("properties", {})
        if any(key not in value for key in schema.get("required", [])):
            return False
        if len(value) < schema.get("minProperties", 0):
            return False
        for key, item in value.items():
            if key in props:
                if not _conforms(item, props[key]):
                    return False
            elif schema.get("additionalProperties", True) is False:
                return False
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return False
        return all(_conforms(item, schema.get("items", {})) for item in value)
    return True


def test_json_schema_is_simple_and_matches_the_examples() -> None:
    json.dumps(PLAN_JSON_SCHEMA)
    keys = {key for node in _walk(PLAN_JSON_SCHEMA) if isinstance(node, dict) for key in node}
    assert "$ref" not in keys
    assert not keys & {"allOf", "if", "then", "oneOf", "definitions", "$defs"}
    step_variants = PLAN_JSON_SCHEMA["properties"]["steps"]["items"]["anyOf"]
    assert sorted(v["properties"]["action"]["enum"][0] for v in step_variants) == sorted(ACTIONS)
    for example in PLAN_EXAMPLES:
        assert _conforms(example["plan"], PLAN_JSON_SCHEMA), example["request"]
        # what the validator normalizes (defaults filled in) still conforms
        assert _conforms(Plan.from_dict(example["plan"]).to_dict(), PLAN_JSON_SCHEMA)
    # the checker can fail: wrong inputs for the action, unknown action
    broken = copy.deepcopy(PLAN_EXAMPLES[0]["plan"])
    broken["steps"][0]["inputs"] = {"template": "x"}
    assert not _conforms(broken, PLAN_JSON_SCHEMA)
    broken["steps"][0]["action"] = "teleport"
    assert not _conforms(broken, PLAN_JSON_SCHEMA)


# -- rendering ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("on", "on"),
        (True, "yes"),
        (3, "3"),
        (21.0, "21"),
        (21.5, "21.5"),
        (0.1 + 0.2, "0.3"),
        ({"state": "21.5", "attributes": {"unit_of_measurement": "°C"}}, "21.5 °C"),
        (
            {"state": "locked", "state_text": "已锁定"},
            "已锁定",
        ),  # the runner's words in the request's language
        (
            [{"name": "Bed Light", "state": "off", "state_text": "关闭"}, {"name": "Lamp", "state": "on"}],
            "Bed Light: 关闭, Lamp: on",
        ),
        (
            [
                {"entity_id": "light.a", "state": "on", "attributes": {"friendly_name": "Kitchen"}},
                {"name": "Hall", "state": "off"},
            ],
            "Kitchen: on, Hall: off",
        ),
        ({"brightness": 40, "on": True}, "brightness: 40, on: yes"),
        (["a", 2, None], "a, 2"),
    ],
)
def test_format_value(value: Any, text: str) -> None:
    assert format_value(value) == text
