"""Execution equivalence on Home Assistant test sentences: does a reused plan make the service calls a
fresh plan would make?

Kept simple, and what it is exactly:

* **Reference plans.** A fresh plan for a request is the reference plan of its *true* intent: one Home
  Assistant service call (:data:`SERVICES`) whose data holds every slot of the request's annotation — the
  said slots as placeholders, the implied ones (``domain: light`` in "lights on") as literals the planner
  would have written. No LLM is involved; the planner is assumed to be right.
* **Reused plan.** The reference plan of the request the cache entry was created for (its intent, its
  implied literals, its parameters), bound with *this* request's slot values as the parser extracted them
  (what the product binds).
* **Execution.** Both plans are "executed" against the HA test fixtures of the request's language: a
  ``name`` resolves to the entity with that name, an ``area``/``floor`` (with the plan's ``domain`` /
  ``device_class``) to the matching entities in it; other data (brightness, colour, temperature, timer
  durations, …) is compared as normalised text. The result is a set of calls ``(service, entity ids,
  data)``. A reuse is *equivalent* when both sets are equal.

Reported per method and threshold: reuses, equivalent reuses, their rate, and ``plan_only_rate`` — the same
comparison with the request's TRUE slot values bound into the reused plan, which separates a wrong plan
from a value the parser cut wrongly. What it does not cover: real entity state, service side effects, HA's
own fuzzy name matching, plans with more than one step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.reuse_data import LabelledUtterance
from benchmarks.reuse_methods import PlanCacheMethod, StreamRequest, run_stream

SERVICES = {
    "HassTurnOn": "homeassistant.turn_on",
    "HassTurnOff": "homeassistant.turn_off",
    "HassLightSet": "light.turn_on",
    "HassGetState": "state.read",
    "HassSetPosition": "cover.set_cover_position",
    "HassClimateSetTemperature": "climate.set_temperature",
    "HassClimateGetTemperature": "climate.read_temperature",
    "HassSetVolume": "media_player.volume_set",
    "HassMediaPause": "media_player.media_pause",
    "HassMediaUnpause": "media_player.media_play",
    "HassMediaNext": "media_player.media_next_track",
    "HassMediaPrevious": "media_player.media_previous_track",
    "HassVacuumStart": "vacuum.start",
    "HassVacuumReturnToBase": "vacuum.return_to_base",
}
TARGET_SLOTS = ("name", "area", "floor")
FILTER_SLOTS = ("domain", "device_class")


@dataclass(frozen=True)
class Home:
    """Entities of one language's test fixtures: (entity id, name, area name, floor name)."""

    entities: tuple[tuple[str, str, str, str], ...]

    @classmethod
    def read(cls, path: Path) -> Home:
        import yaml  # type: ignore[import-untyped,unused-ignore]

        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        floors = {f.get("id"): str(f.get("name", "")) for f in data.get("floors") or []}
        areas = {
            a.get("id"): (str(a.get("name", "")), floors.get(a.get("floor"), ""))
            for a in data.get("areas") or []
        }
        entities = []
        for e in data.get("entities") or []:
            area, floor = areas.get(e.get("area"), ("", ""))
            entities.append((str(e.get("id", "")), str(e.get("name", "")), area, floor))
        return cls(tuple(entities))


def _norm(value: Any) -> str:
    text = str(value).strip().lower().replace("%", "")
    return re.sub(r"\s+", " ", text)


def plan_template(item: LabelledUtterance) -> tuple[str, frozenset[str], dict[str, str]]:
    """(service, said parameters, implied literals) of the reference plan for an annotated request."""
    service = SERVICES.get(item.intent, f"intent.{item.intent}")
    said = frozenset(s.type for s in item.utt.slots)
    implied = {t: _norm(v) for t, v in item.utt.unlocated_slots}
    return service, said, implied


def execute(
    service: str, params: frozenset[str], literals: Mapping[str, str], values: Mapping[str, str], home: Home
) -> frozenset[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]:
    """The calls a plan makes once bound with ``values`` (unbound parameters make it unexecutable: empty)."""
    if any(p not in values for p in params):
        return frozenset()
    slots = {**{k: _norm(v) for k, v in literals.items()}, **{p: _norm(values[p]) for p in params}}
    filters = {k: slots[k] for k in FILTER_SLOTS if k in slots}
    targets: set[str] = set()
    has_target = False
    for kind in TARGET_SLOTS:
        if kind not in slots:
            continue
        has_target = True
        for entity_id, name, area, floor in home.entities:
            field = {"name": name, "area": area, "floor": floor}[kind]
            if _norm(field) != slots[kind]:
                continue
            if "domain" in filters and not entity_id.startswith(filters["domain"] + "."):
                continue
            targets.add(entity_id)
    if has_target and not targets:  # an unknown name/area: keep what was asked for, so it still compares
        targets = {f"{k}:{slots[k]}" for k in TARGET_SLOTS if k in slots}
    if not has_target and filters:
        targets = {f"{k}:{v}" for k, v in filters.items()}
    data = tuple(sorted((k, v) for k, v in slots.items() if k not in TARGET_SLOTS + FILTER_SLOTS))
    return frozenset({(service, tuple(sorted(targets)), data)})


def equivalence_for(
    decisions: Sequence[Any],
    requests: Sequence[StreamRequest],
    items: Sequence[LabelledUtterance],
    homes: Mapping[str, Home],
) -> dict[str, Any]:
    reuses = equivalent = plan_only = 0
    for d, r, item in zip(decisions, requests, items, strict=True):
        if not d.reused or d.served_index is None:
            continue
        reuses += 1
        home = homes.get(r.language.lower(), Home(()))
        gold_values = {s.type: s.value for s in item.utt.slots}
        fresh = execute(*plan_template(item), gold_values, home)
        service, params, literals = plan_template(items[d.served_index])
        parsed_values = dict(r.extra.get("slot_values", {}))
        if execute(service, params, literals, parsed_values, home) == fresh:
            equivalent += 1
        if execute(service, params, literals, gold_values, home) == fresh:
            plan_only += 1
    return {
        "reuses": reuses,
        "equivalent": equivalent,
        "rate": round(equivalent / reuses, 4) if reuses else None,
        "plan_only_rate": round(plan_only / reuses, 4) if reuses else None,
    }


def execution_equivalence(run: Any) -> dict[str, Any]:
    """For the HA test set: equivalence of agentreuse's (and the gate-off variant's) reuses per threshold."""
    fixtures = Path(run.args.data).resolve().parent / "tests"
    homes = {}
    for lang in {r.language.lower() for r in run.requests}:
        path = fixtures / lang / "_fixtures.yaml"
        if path.is_file():
            homes[lang] = Home.read(path)
    out: dict[str, Any] = {
        "what": "reused plan (cached request's reference plan bound with this request's parsed slot values) vs "
        "fresh reference plan of the true intent with the true slot values, executed against the HA test "
        "fixtures; see benchmarks/reuse_exec.py",
        "fixtures_languages": sorted(homes),
    }
    gammas: dict[str, float] = {}
    for t in run.thresholds:
        from benchmarks.eval_reuse import threshold_key

        gammas[threshold_key(t)] = t
    for name in ("agentreuse", "agentreuse-nogate"):
        if name not in run.methods:
            continue
        method = PlanCacheMethod(name, gate=name == "agentreuse")
        per: dict[str, Any] = {}
        keys = dict(gammas)
        if run.auto and "auto" in run.figures.get(name, {}):
            keys["auto"] = run.figures[name]["auto"]["gamma"]
        for key, gamma in keys.items():
            per[key] = equivalence_for(
                run_stream(method, run.requests, gamma), run.requests, run.items, homes
            )
        out[name] = per
    return out
