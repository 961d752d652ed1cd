"""The ``ha-local`` baseline: Home Assistant's own strict local intent matcher, with no cache.

What runs: ``hassil.recognize.recognize_best`` over ``home_assistant_intents.get_intents(language)`` — the
versions Home Assistant 2025.4.4 pins (hassil 2.2.3, home-assistant-intents 2025.3.28) — called the way
HA's default conversation agent calls it for its strict match (``best_metadata_key="hass_custom_sentence"``,
``best_slot_name="name"``, unmatched entities not allowed). Its slot lists hold every area and device the
evaluated file's utterances name (plus the Home Assistant test fixtures' areas, floors and entities when
the file is the HA test set), each device with a ``domain`` context as HA gives it.

A request counts as served locally and correctly when the matched HA intent is one that serves the
request's label (:data:`LABEL_TO_HA`); a match to any other intent is a wrong local action. The mapping
of other data sets' labels to HA intents is written down here and in ``benchmarks/results/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks.corpus import Utterance
from benchmarks.reuse_core import Decision
from benchmarks.reuse_methods import StreamRequest

#: For each data format: true label (intent) → the HA intents that serve it. Labels not listed have no HA
#: intent (in HA 2025.4.4's intents: no coffee machine, playlist, booking, etc.).
LABEL_TO_HA: dict[str, dict[str, frozenset[str]]] = {
    "slurp": {
        "iot_hue_lightoff": frozenset({"HassTurnOff"}),
        "iot_hue_lighton": frozenset({"HassTurnOn"}),
        "iot_hue_lightdim": frozenset({"HassLightSet"}),
        "iot_hue_lightup": frozenset({"HassLightSet"}),
        "iot_hue_lightchange": frozenset({"HassLightSet"}),
        "iot_wemo_on": frozenset({"HassTurnOn"}),
        "iot_wemo_off": frozenset({"HassTurnOff"}),
        "iot_cleaning": frozenset({"HassVacuumStart"}),
        "weather_query": frozenset({"HassGetWeather"}),
        "datetime_query": frozenset({"HassGetCurrentTime", "HassGetCurrentDate"}),
        "audio_volume_up": frozenset({"HassSetVolume"}),
        "audio_volume_down": frozenset({"HassSetVolume"}),
        "lists_createoradd": frozenset({"HassListAddItem", "HassShoppingListAddItem"}),
    },
    "snips": {
        "GetWeather": frozenset({"HassGetWeather"}),
    },
    "smp2019": {
        "weather/QUERY": frozenset({"HassGetWeather"}),
    },
    "smp2020": {
        "weather/QUERY": frozenset({"HassGetWeather"}),
        "home/TURN_ON_LIGHT": frozenset({"HassTurnOn"}),
        "home/TURN_OFF_LIGHT": frozenset({"HassTurnOff"}),
        "home/CLEAN": frozenset({"HassVacuumStart"}),
        "airControl_smartHome/SET": frozenset({"HassClimateSetTemperature"}),
    },
}

#: Slot types that name an area / a device, per format (their values fill HA's "area" / "name" lists).
AREA_SLOTS = {
    "ha-tests": {"area"},
    "slurp": {"house_place"},
    "smp2020": {"位置"},
    "smp2019": set(),
    "snips": set(),
}
NAME_SLOTS = {
    "ha-tests": {"name"},
    "slurp": {"device_type"},
    "smp2020": {"灯种"},
    "smp2019": set(),
    "snips": set(),
}

_DOMAIN_WORDS = (
    ("light", ("light", "lamp", "bulb", "灯")),
    ("vacuum", ("vacuum", "robot", "扫地")),
    ("fan", ("fan", "风扇")),
    ("climate", ("thermostat", "heater", "heating", "air con", "空调")),
    ("media_player", ("tv", "speaker", "radio", "电视")),
    ("cover", ("blind", "curtain", "shade", "garage door", "窗帘")),
    ("lock", ("lock", "门锁")),
)

HA_LANGUAGES = {"en": "en", "zh": "zh-cn", "zh-cn": "zh-cn", "zh-hk": "zh-hk", "zh-tw": "zh-tw"}


def ha_intents_for(fmt: str, label: str) -> frozenset[str]:
    """The HA intents that serve ``label`` of a ``fmt`` file (HA test sentences: the label itself)."""
    if fmt == "ha-tests":
        return frozenset({label.split("|", 1)[0]})
    return LABEL_TO_HA.get(fmt, {}).get(label.split("|", 1)[0], frozenset())


def guess_domain(name: str) -> str:
    low = name.lower()
    for domain, words in _DOMAIN_WORDS:
        if any(w in low for w in words):
            return domain
    return "switch"


@dataclass
class HomeEntities:
    """Areas, floors and named devices (with their HA domain) per HA language."""

    areas: dict[str, set[str]]
    floors: dict[str, set[str]]
    names: dict[str, dict[str, str]]  # language → name → domain


def _read_fixtures(path: Path) -> tuple[set[str], set[str], dict[str, str]]:
    import yaml  # type: ignore[import-untyped,unused-ignore]

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    areas = {str(a["name"]) for a in data.get("areas") or [] if a.get("name")}
    for a in data.get("areas") or []:
        areas.update(str(x) for x in a.get("aliases") or [])
    floors = {str(f["name"]) for f in data.get("floors") or [] if f.get("name")}
    names: dict[str, str] = {}
    for e in data.get("entities") or []:
        if e.get("name") and e.get("id"):
            names[str(e["name"])] = str(e["id"]).split(".", 1)[0]
    return areas, floors, names


def home_from_utterances(
    utterances: Sequence[Utterance], fmt: str, fixtures_root: Path | None = None
) -> HomeEntities:
    """Every area and device the utterances name (and, for HA tests, the fixtures of each language)."""
    areas: dict[str, set[str]] = {}
    floors: dict[str, set[str]] = {}
    names: dict[str, dict[str, str]] = {}
    area_types, name_types = AREA_SLOTS.get(fmt, set()), NAME_SLOTS.get(fmt, set())
    for u in utterances:
        lang = ha_language(u.language)
        said = {s.type: s.value for s in u.slots}
        implied = dict(u.unlocated_slots)
        for t in area_types:
            if t in said:
                areas.setdefault(lang, set()).add(said[t].strip())
        if "floor" in said and fmt == "ha-tests":
            floors.setdefault(lang, set()).add(said["floor"].strip())
        for t in name_types:
            if t in said:
                value = said[t].strip()
                domain = implied.get("domain") or said.get("domain") or guess_domain(value)
                names.setdefault(lang, {}).setdefault(value, domain)
    if fixtures_root is not None:
        for lang in {ha_language(u.language) for u in utterances}:
            path = fixtures_root / lang / "_fixtures.yaml"
            if path.is_file():
                fa, ff, fn = _read_fixtures(path)
                areas.setdefault(lang, set()).update(fa)
                floors.setdefault(lang, set()).update(ff)
                for name, domain in fn.items():
                    names.setdefault(lang, {})[name] = domain
    return HomeEntities(areas, floors, names)


def ha_language(language: str) -> str:
    low = language.lower()
    return HA_LANGUAGES.get(low, HA_LANGUAGES.get(low.split("-")[0], "en"))


@cache
def _intents(language: str) -> Any:
    from hassil.intents import Intents
    from home_assistant_intents import get_intents

    data = get_intents(language)
    if data is None:
        raise ValueError(f"home-assistant-intents has no sentences for {language!r}")
    return Intents.from_dict(data)


class HaLocalMatcher:
    """HA's strict matcher with slot lists for one file's home."""

    def __init__(self, home: HomeEntities) -> None:
        from hassil.intents import TextSlotList

        self._slot_lists: dict[str, dict[str, Any]] = {}
        for lang in set(home.areas) | set(home.names) | set(home.floors) | {"en"}:
            self._slot_lists[lang] = {
                "area": TextSlotList.from_tuples(
                    [(a, a) for a in sorted(home.areas.get(lang, ()))], allow_template=False
                ),
                "floor": TextSlotList.from_tuples(
                    [(f, f) for f in sorted(home.floors.get(lang, ()))], allow_template=False
                ),
                "name": TextSlotList.from_tuples(
                    [(n, n, {"domain": d}) for n, d in sorted(home.names.get(lang, {}).items())],
                    allow_template=False,
                ),
            }

    def match(self, text: str, language: str) -> str | None:
        """The HA intent Home Assistant's strict matcher recognises, or None."""
        from hassil.recognize import recognize_best

        lang = ha_language(language)
        try:
            intents = _intents(lang)
        except ValueError:
            return None
        slot_lists = self._slot_lists.get(lang) or self._slot_lists["en"]
        result = recognize_best(
            _clean(text),
            intents,
            slot_lists=slot_lists,
            language=lang,
            best_metadata_key="hass_custom_sentence",
            best_slot_name="name",
        )
        return None if result is None else str(result.intent.name)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class HaLocalMethod:
    """Runs the matcher on every request; ``positive`` = some HA intent serves the label."""

    name = "ha-local"
    uses_threshold = False

    def __init__(self, matcher: HaLocalMatcher, fmt: str) -> None:
        self.matcher = matcher
        self.fmt = fmt
        self._memo: dict[tuple[str, str], str | None] = {}

    def reset(self, threshold: float) -> None:
        pass

    def positive(self, request: StreamRequest) -> bool:
        return bool(ha_intents_for(self.fmt, request.label))

    def step(self, request: StreamRequest) -> Decision:
        key = (request.text, request.language)
        if key not in self._memo:
            self._memo[key] = self.matcher.match(request.text, request.language)
        matched = self._memo[key]
        if matched is None:
            return Decision(False)
        return Decision(True, matched in ha_intents_for(self.fmt, request.label), None, matched)

    def stored(self) -> list[int]:
        return []


def positives_for(fmt: str, labels: Iterable[str]) -> list[bool]:
    return [bool(ha_intents_for(fmt, label)) for label in labels]
