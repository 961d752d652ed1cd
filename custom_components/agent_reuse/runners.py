"""Home Assistant step runners: the engine's ``ha_service``, ``ha_state`` and ``mqtt_publish`` actions.

Why these runners are strict: a plan comes from an LLM (or from a cache file) and may name any entity or
service. Home Assistant users decide what a voice assistant may touch with the *Expose to Assist* switch,
so every entity a step would act on or read is resolved here and must be exposed to Assist; anything else
is refused with a :class:`StepError` that tells the user why. Names, areas and floors are resolved with
Assist's own matcher (:func:`homeassistant.helpers.intent.async_match_targets`), so "kitchen" and an area
alias like "厨房" mean the same thing here as in the built-in agent, including the satellite-area
preference for duplicate names. The service is then called with explicit entity ids only — never with an
area or device target that Home Assistant would expand to unexposed entities.

A few administrative services (restart, updates, shell commands, …) are refused outright: exposure says
nothing about them and no voice request should reach them through a cached plan.

Service calls carry the requesting user's :class:`~homeassistant.core.Context` (from
``ExecutionContext.extra``), so Home Assistant's permission checks and the logbook see who asked.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import voluptuous as vol
from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.cover import CoverDeviceClass, CoverEntityFeature
from homeassistant.components.fan import FanEntityFeature
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.components.media_player.const import MediaPlayerEntityFeature
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.components.switch import SwitchDeviceClass
from homeassistant.components.valve import ValveDeviceClass
from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Context, HomeAssistant, ServiceCall, State, SupportsResponse
from homeassistant.core import valid_entity_id as ha_valid_entity_id
from homeassistant.exceptions import HomeAssistantError, ServiceNotFound, Unauthorized
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import intent
from homeassistant.helpers.group import expand_entity_ids
from homeassistant.helpers.service import async_extract_referenced_entity_ids
from homeassistant.helpers.translation import async_get_translations

from .const import ASSISTANT, EXTRA_CONTEXT, EXTRA_DEVICE_ID, EXTRA_LANGUAGE
from .engine.colours import css_colour, white_kelvin
from .engine.device_words import domain_of_word, media_class_of_word
from .engine.errors import StepError
from .engine.executor import ExecutionContext, StepRunner
from .engine.gazetteer import other_number
from .engine.plan import BoundStep
from .engine.plan_schema import (
    ACTION_HA_SERVICE,
    ACTION_HA_STATE,
    ACTION_MQTT_PUBLISH,
    STATE_ATTRIBUTE_KEY,
    STATE_FILTER_KEY,
    TEMPERATURE_STEP_KEY,
)
from .engine.speech import (
    MESSAGES,
    SPEECH_LANGUAGES,
    DeviceKinds,
    InLanguages,
    Param,
    SpeechLanguage,
    Spoken,
    speech_language,
    spoken,
)

#: Domains a plan may never call services of.
BLOCKED_DOMAINS = frozenset(
    {
        "agent_reuse",  # a plan must not recurse into the agent or wipe its cache
        "assist_pipeline",
        "auth",
        "backup",
        "cloud",
        "conversation",
        "frontend",
        "hassio",
        "logger",
        "lovelace",
        "mqtt",  # publishing goes through the mqtt_publish action, which reports broker problems
        "pyscript",
        "python_script",
        "recorder",
        "shell_command",
        "system_log",
        "update",
    }
)
#: The only ``homeassistant.*`` services a plan may call (entity services; exposure still applies).
ALLOWED_HOMEASSISTANT_SERVICES = frozenset({"turn_on", "turn_off", "toggle", "update_entity"})
#: ``script.<name>`` runs a script directly; these are the script services that are not a script name.
_SCRIPT_ENTITY_SERVICES = frozenset({"turn_on", "turn_off", "toggle"})
#: What ``homeassistant.turn_on``/``turn_off`` mean for domains that have no such service — the same
#: mapping Assist's own HassTurnOn/HassTurnOff handler uses ("打开窗帘" opens the curtain, "lock" locks).
#: Home Assistant's generic service skips such entities with only a log warning, so "打开窗帘" through a
#: switching plan would report success and do nothing.
SWITCH_SERVICE_BY_DOMAIN: Mapping[str, Mapping[str, str]] = {
    "cover": {"turn_on": "open_cover", "turn_off": "close_cover"},
    "lock": {"turn_on": "lock", "turn_off": "unlock"},
    "valve": {"turn_on": "open_valve", "turn_off": "close_valve"},
}
_GENERIC_SWITCH_SERVICES = frozenset({"turn_on", "turn_off", "toggle"})
#: What an entity must support for an action found by words, as Assist's media handlers require it: the
#: player that plays but cannot skip is left out of "next song" (Home Assistant refuses the whole call).
REQUIRED_FEATURES: Mapping[tuple[str, str], int] = {
    ("media_player", "media_pause"): MediaPlayerEntityFeature.PAUSE,
    ("media_player", "media_play"): MediaPlayerEntityFeature.PLAY,
    ("media_player", "media_next_track"): MediaPlayerEntityFeature.NEXT_TRACK,
    ("media_player", "media_previous_track"): MediaPlayerEntityFeature.PREVIOUS_TRACK,
    ("media_player", "volume_set"): MediaPlayerEntityFeature.VOLUME_SET,
    ("cover", "set_cover_position"): CoverEntityFeature.SET_POSITION,
    ("fan", "set_percentage"): FanEntityFeature.SET_SPEED,
}


#: Attributes that are temperatures in Home Assistant's unit system (climate, water heaters).
_TEMPERATURE_ATTRIBUTES = frozenset(
    {"current_temperature", "temperature", "target_temp_high", "target_temp_low"}
)
_HUMIDITY_ATTRIBUTES = frozenset({"current_humidity", "humidity", "target_humidity"})

_ID_TARGET_KEYS = (ATTR_DEVICE_ID, ATTR_AREA_ID, ATTR_FLOOR_ID, ATTR_LABEL_ID)
#: Keys of a service's ``data`` that are really targets (moved into the target so they are checked).
_TARGET_KEYS_IN_DATA = ("entity_id", *_ID_TARGET_KEYS)


def _as_list(value: Any) -> list[str]:
    """A target value (string or list of strings) as a list of non-empty stripped strings."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [str(item).strip() for item in values if str(item).strip()]


#: Every device class of the domains Assist talks about, as Home Assistant spells them.
_DEVICE_CLASSES = frozenset(
    member.value
    for kind in (
        BinarySensorDeviceClass,
        CoverDeviceClass,
        SensorDeviceClass,
        SwitchDeviceClass,
        ValveDeviceClass,
    )
    for member in kind
)


def device_class_of_word(word: str) -> str:
    """The device class a spoken class word means ("blinds" → ``blind``, "Garage Door" → ``garage_door``).

    Why: Home Assistant matches device classes by their exact value, and the parser tags what was said:
    "open the kitchen blinds" or "are any windows open" matched nothing. A word that is no class, even
    without its plural "s", is kept as said (the match then fails with the usual message).
    """
    key = "_".join(word.casefold().split())
    for candidate in (key, key.removesuffix("s"), key.removesuffix("es")):
        if candidate in _DEVICE_CLASSES:
            return candidate
    return key


def volume_fraction(value: Any) -> Any:
    """A volume as Home Assistant's ``volume_level`` (0–1) where it was said as a percentage ("30", "30%",
    30): the parser's ``volume_level`` slot is the number said, as Assist's HassSetVolume takes it. Anything
    else is passed on unchanged, for Home Assistant to accept or refuse."""
    text = str(value).strip()
    percent = text.endswith(("%", "％"))
    try:
        number = float(text.rstrip("%％").strip())
    except ValueError:
        return value
    if percent or number > 1:
        return round(number / 100, 4)
    return number if isinstance(value, str) else value


def device_area(hass: HomeAssistant, device_id: str | None) -> ar.AreaEntry | None:
    """The area of the device a request came from (a voice satellite's room), if it has one."""
    if not device_id:
        return None
    device = dr.async_get(hass).async_get(device_id)
    if device is None or device.area_id is None:
        return None
    return ar.async_get(hass).async_get_area(device.area_id)


def state_as_dict(state: State) -> dict[str, Any]:
    """A state in the shape the engine renders (``format_value``): entity id, name, state, attributes."""
    return {
        "entity_id": state.entity_id,
        "name": state.name,
        "state": state.state,
        "attributes": dict(state.attributes),
    }


def _single_or_list(states: list[State]) -> dict[str, Any] | list[dict[str, Any]]:
    return _one_or_many([state_as_dict(state) for state in states])


def _one_or_many(items: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """A step's output: one state-shaped dict as itself, several as a list."""
    return items[0] if len(items) == 1 else items


class TargetResolver:
    """Resolves a step's target or selector to exposed entities, the way Assist does.

    Why a class: ``ha_service`` and ``ha_state`` share the rules, and tests can call it directly.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass

    def known_domain(self, word: str) -> str:
        """A Home Assistant domain for a ``domain`` value ("lights", "灯" → ``light``)."""
        normalized = word.strip().casefold()
        if (domain := domain_of_word(normalized)) is not None:
            return domain
        if self.hass.states.async_entity_ids(normalized) or self.hass.services.has_service(
            normalized, "turn_on"
        ):
            return normalized
        if normalized.endswith("s") and self.hass.states.async_entity_ids(normalized[:-1]):
            return normalized[:-1]
        raise StepError.of_request("unknown_device_word", word=word)

    def preferences(self, device_id: str | None) -> intent.MatchTargetsPreferences:
        """Prefer the area (and floor) of the satellite the request came from, like Assist."""
        area = device_area(self.hass, device_id)
        if area is None:
            return intent.MatchTargetsPreferences()
        return intent.MatchTargetsPreferences(area_id=area.id, floor_id=area.floor_id)

    def resolve(
        self,
        selector: Mapping[str, Any],
        *,
        default_domain: str | None = None,
        device_id: str | None = None,
        features: int = 0,
    ) -> list[State]:
        """Exposed entities ``selector`` refers to; raises StepError when it names nothing usable.

        ``selector`` may hold ``entity_id``, ``device_id``/``area_id``/``floor_id``/``label_id`` (Home
        Assistant ids) and ``name``/``area``/``floor``/``domain``/``device_class`` (words, matched like
        Assist does), and ``state``: only what words match in one of these states. ``default_domain``
        restricts word matching to the service's domain when the selector names no domain itself
        (``light.turn_on`` + area kitchen → the kitchen's lights only), and ``features`` to what supports
        the action (a TV that cannot skip is not asked to: Assist's handlers filter the same way).
        """
        found: dict[str, State] = {}
        for entity_id in _as_list(selector.get("entity_id")):
            for state in self._explicit_entity(entity_id):
                found[state.entity_id] = state
        if any(selector.get(key) for key in _ID_TARGET_KEYS):
            for state in self._by_ids(selector):
                found[state.entity_id] = state
        words: dict[str, list[str | None]] = {
            key: [*_as_list(selector.get(key))] or [None] for key in ("name", "area", "floor")
        }
        domain_words = _as_list(selector.get("domain"))
        domains = {self.known_domain(word) for word in domain_words}
        device_classes = {device_class_of_word(word) for word in _as_list(selector.get("device_class"))}
        in_states = {state.casefold() for state in _as_list(selector.get(STATE_FILTER_KEY))}
        if any(word is not None for values in words.values() for word in values) or domains or device_classes:
            if not domains and default_domain:
                domains = {default_domain}
            preferences = self.preferences(device_id)
            for name, area, floor in itertools.product(words["name"], words["area"], words["floor"]):
                constraints = intent.MatchTargetsConstraints(
                    name=name,
                    area_name=area,
                    floor_name=floor,
                    domains=domains or None,
                    device_classes=device_classes or None,
                    states=in_states or None,
                    features=features or None,
                    assistant=ASSISTANT,
                )
                result = intent.async_match_targets(self.hass, constraints, preferences)
                if result.is_match and in_states and name is None and area is None and floor is None:
                    # What is playing now is where the user is: the satellite's room first.
                    result = self._in_satellite_room(constraints, preferences) or result
                if not result.is_match and result.no_match_reason is intent.MatchFailedReason.NAME:
                    # The said device word, else the kind the service acts on ("dim the bed light" → light).
                    device_words = domain_words or sorted(domains)
                    result = (
                        self._match_name_variant(constraints, preferences, device_words)
                        or self._match_device_word(constraints, preferences)
                        or result
                    )
                if not result.is_match and area is not None and name is None:
                    device_words = domain_words or sorted(domains)
                    result = (
                        self._match_area_and_word_as_name(constraints, preferences, device_words) or result
                    )
                if not result.is_match and (reason := self._filter_that_left_none(constraints, preferences)):
                    result = dataclasses.replace(result, no_match_reason=reason)
                if not result.is_match:
                    said = self._no_match_message(result, constraints)
                    raise StepError(said.render("en"), spoken=said, about_request=True)
                for state in result.states:
                    found[state.entity_id] = state
        return list(found.values())

    def _filter_that_left_none(
        self, constraints: intent.MatchTargetsConstraints, preferences: intent.MatchTargetsPreferences
    ) -> intent.MatchFailedReason | None:
        """What to say when what was asked for exists but cannot do it (FEATURE) or is not in the state
        asked for (STATE: "next song in the kitchen" when nothing plays there), else None.

        Why: Home Assistant names the first filter that left nothing, which for these was the area or the
        name ("there is no media player in the kitchen"), a wrong thing to tell someone whose speaker is
        right there.
        """
        if constraints.features:
            able = dataclasses.replace(constraints, features=None)
            if intent.async_match_targets(self.hass, able, preferences).is_match:
                return intent.MatchFailedReason.FEATURE
        if constraints.states:
            anyhow = dataclasses.replace(constraints, states=None, features=None)
            if intent.async_match_targets(self.hass, anyhow, preferences).is_match:
                return intent.MatchFailedReason.STATE
        return None

    def _in_satellite_room(
        self, constraints: intent.MatchTargetsConstraints, preferences: intent.MatchTargetsPreferences
    ) -> intent.MatchTargetsResult | None:
        """What ``constraints`` match in the satellite's room, where it has any; None when the request came
        from no room or the room has none ("pause the music" said in the bedroom pauses the bedroom's
        player; "打开风扇" there switches the bedroom's fans).

        Only for a state filter and a lone device word: otherwise a selector without a place means the
        whole home ("turn off all the lights"), and a request that means the room has the room added as its
        area before the lookup (``context_area``).
        """
        here = ar.async_get(self.hass).async_get_area(preferences.area_id) if preferences.area_id else None
        if here is None:
            return None
        local = intent.async_match_targets(
            self.hass, dataclasses.replace(constraints, area_name=here.name), preferences
        )
        return local if local.is_match else None

    def _match_name_variant(
        self,
        constraints: intent.MatchTargetsConstraints,
        preferences: intent.MatchTargetsPreferences,
        domain_words: list[str],
    ) -> intent.MatchTargetsResult | None:
        """Retry a failed name in its other number ("ceiling light" ↔ "ceiling lights"), then with the
        device word that followed it: ("bed", "light") → "bed light".

        Why: the NLU tags "turn on the bed light" like Home Assistant's own test sentences tag "turn on the
        kitchen lights" — a name (or area) plus a ``domain`` word — but the entity is *called* "Bed Light"
        ("床头" + "灯" → "床头灯"). Assist sees the whole name in its slot lists; here the two spans are
        joined back, and the first candidate that names an entity wins. And English names said in the
        plural ("set the ceiling lights to red") are often tagged without their "s", which Home Assistant's
        exact name matching then misses.

        A name joined with its device word is the device's whole name, whatever its kind: "turn on the
        decorative lights" ("decorative" + the domain light) means the *switch* called "Decorative Lights"
        (a smart plug driving lights, the most common way to name one), which the domain word alone would
        exclude. So the joined names are tried once more without the domain that word said; a service that
        cannot act on what they name refuses it with its own clear message.
        """
        name = constraints.name
        if not name:
            return None
        candidates: list[str] = []
        if name[-1].isascii() and name[-1].isalpha():
            candidates.append(other_number(name))
        joined = _with_device_word(name, domain_words)
        for candidate in candidates + joined:
            result = intent.async_match_targets(
                self.hass, dataclasses.replace(constraints, name=candidate), preferences
            )
            if result.is_match or result.no_match_reason is not intent.MatchFailedReason.NAME:
                return result
        if constraints.domains:
            for candidate in joined:
                result = intent.async_match_targets(
                    self.hass, dataclasses.replace(constraints, name=candidate, domains=None), preferences
                )
                if result.is_match:
                    return result
        return None

    def _match_area_and_word_as_name(
        self,
        constraints: intent.MatchTargetsConstraints,
        preferences: intent.MatchTargetsPreferences,
        device_words: list[str],
    ) -> intent.MatchTargetsResult | None:
        """A room and a device word that match nothing as a room's devices, matched as one device's name:
        "turn off the living room fan" → the fan called "Living Room Fan", which is in no room (or another).

        Why: the demo's "Living Room Fan" has no area while the home has a Living Room, so the request read
        as the living room's fans answered "there is no fan in the living room". Assist tries its name
        reading too and switches the fan.
        """
        area = constraints.area_name
        if not area:
            return None
        for candidate in _with_device_word(area, device_words):
            by_name = dataclasses.replace(constraints, name=candidate, area_name=None)
            result = intent.async_match_targets(self.hass, by_name, preferences)
            if result.is_match:
                return result
            if result.no_match_reason is intent.MatchFailedReason.ASSISTANT:
                # It exists but is hidden from Assist: say so, not that the room has no such device.
                said = spoken("not_exposed", name=candidate)
                raise StepError(said.render("en"), spoken=said, about_request=True)
        return None

    def _match_device_word(
        self, constraints: intent.MatchTargetsConstraints, preferences: intent.MatchTargetsPreferences
    ) -> intent.MatchTargetsResult | None:
        """A "name" that is only a device word ("打开风扇", "turn on the fan"): those of that kind in the
        satellite's area when it has any (all of them, as Assist takes "关灯" said in a room, and as "turn off
        the light" said there is served); else the one exposed device of that kind, or a question back when
        there are several.

        Why: the parser tags a lone device word as a name, and no entity is called "风扇". Assist would
        switch every fan of the home; a singular "the fan" said where no room is known means one, so
        several are not all switched.
        """
        domain = domain_of_word(constraints.name or "")
        if domain is None or (constraints.domains and domain not in constraints.domains):
            return None
        by_kind = dataclasses.replace(constraints, name=None, domains={domain})
        if (media_class := media_class_of_word(constraints.name or "")) is not None:
            # "暂停电视" means the TVs, not every media player: where players have classes, the word's.
            # A TV that exists but cannot skip is still the one meant: the speaker beside it is not skipped.
            by_class = dataclasses.replace(by_kind, device_classes={media_class})
            exists = dataclasses.replace(by_class, features=None, states=None)
            if intent.async_match_targets(self.hass, exists, preferences).is_match:
                by_kind = by_class
        result = intent.async_match_targets(self.hass, by_kind, preferences)
        if not result.is_match:
            # The kind is there but cannot do it, or is not in the state asked for: say that, not "no
            # device called 电视".
            reason = self._filter_that_left_none(by_kind, preferences)
            return None if reason is None else dataclasses.replace(result, no_match_reason=reason)
        if constraints.area_name:
            return result  # "客厅的窗户": the room's windows, all of them, as Assist takes a room and a kind
        if len(result.states) > 1 and (local := self._in_satellite_room(by_kind, preferences)) is not None:
            return local
        if len(result.states) > 1:
            names = sorted(state.name for state in result.states)
            listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
            raise StepError.of_request("which_one", kind=DeviceKinds((domain,)), names=listed)
        return result

    def _explicit_entity(self, entity_id: str) -> list[State]:
        """An entity id a plan names literally: it must exist and be exposed (groups: every member)."""
        entity_id = entity_id.lower()
        if not ha_valid_entity_id(entity_id):
            raise StepError.said("not_entity_id", entity=entity_id)
        state = self.hass.states.get(entity_id)
        if state is None:
            raise StepError.said("no_entity", entity=entity_id)
        if not async_should_expose(self.hass, ASSISTANT, entity_id):
            raise StepError.said("not_exposed", name=state.name)
        if state.domain == "group":
            # An old-style group is expanded by the service call; its members must be exposed too.
            for member in expand_entity_ids(self.hass, [entity_id]):
                if not async_should_expose(self.hass, ASSISTANT, member):
                    member_state = self.hass.states.get(member)
                    name = member_state.name if member_state is not None else member
                    raise StepError.said("member_not_exposed", name=name, group=state.name)
        return [state]

    def _by_ids(self, selector: Mapping[str, Any]) -> list[State]:
        """Entities of Home Assistant device/area/floor/label ids; unexposed ones are left out."""
        data = {key: _as_list(selector.get(key)) for key in _ID_TARGET_KEYS if selector.get(key)}
        call = ServiceCall(self.hass, "agent_reuse", "resolve", data)
        selected = async_extract_referenced_entity_ids(self.hass, call)
        missing = (
            selected.missing_devices | selected.missing_areas | selected.missing_floors
        ) | selected.missing_labels
        if missing:
            raise StepError.said("no_such_id", id=sorted(missing)[0])
        states = [
            state
            for entity_id in sorted(selected.referenced | selected.indirectly_referenced)
            if (state := self.hass.states.get(entity_id)) is not None
            and async_should_expose(self.hass, ASSISTANT, entity_id)
        ]
        if not states:
            raise StepError.said("none_exposed")
        return states

    @staticmethod
    def _no_match_message(
        result: intent.MatchTargetsResult, constraints: intent.MatchTargetsConstraints
    ) -> Spoken:
        """What to tell the user about why nothing matched (in any of the speech languages)."""
        reason = result.no_match_reason
        kind = DeviceKinds(tuple(constraints.domains or ()))
        if reason is intent.MatchFailedReason.DEVICE_CLASS and constraints.device_classes:
            kind = DeviceKinds(tuple(constraints.device_classes))  # "no blind in the living room"
        where: Spoken | str = ""
        if constraints.area_name:
            where = spoken("where_area", area=constraints.area_name)
        elif constraints.floor_name:
            where = spoken("where_floor", floor=constraints.floor_name)
        if reason is intent.MatchFailedReason.INVALID_AREA:
            return spoken("no_area", area=result.no_match_name or constraints.area_name or "")
        if reason is intent.MatchFailedReason.INVALID_FLOOR:
            return spoken("no_floor", floor=result.no_match_name or constraints.floor_name or "")
        if reason is intent.MatchFailedReason.DUPLICATE_NAME:
            return spoken("duplicate_name", name=result.no_match_name or constraints.name or "")
        # Home Assistant checks exposure after the state: with nothing exposed playing, an unexposed player
        # that plays made it "not exposed", which tells of a device the user never meant.
        unexposed_only = reason is intent.MatchFailedReason.ASSISTANT and not constraints.name
        if constraints.states and (reason is intent.MatchFailedReason.STATE or unexposed_only):
            state = sorted(constraints.states)[0]  # the plans filter by one state ("playing")
            said: Spoken | str = spoken(f"state_{state}") if f"state_{state}" in MESSAGES else state
            return spoken("none_in_state", kind=kind, where=where, state=said)
        if reason is intent.MatchFailedReason.FEATURE:
            return spoken("none_supports", kind=kind, where=where)
        if reason is intent.MatchFailedReason.ASSISTANT:
            if constraints.name:
                return spoken("not_exposed", name=constraints.name)
            return spoken("matching_not_exposed", kind=kind, where=where)
        if constraints.name:
            return spoken("no_named", kind=kind, name=constraints.name, where=where)
        return spoken("no_kind", kind=kind, where=where)


def _with_device_word(head: str, words: list[str]) -> list[str]:
    """``head`` joined with each device word the way names are written: "bed light", "kitchen lights",
    "床头灯", "客厅的风扇"."""
    return [
        joint
        for word in words
        for joint in (f"{head} {word}", f"{head} {word}s", f"{head}{word}", f"{head}的{word}")
    ]


def _moved_targets(state: State, step: float) -> dict[str, float]:
    """A thermostat's ``climate.set_temperature`` data with its target (or both ends of its range) moved by
    ``step`` degrees and kept within its ``min_temp`` / ``max_temp``; StepError when it has no target."""
    attributes = state.attributes
    lowest, highest = attributes.get("min_temp"), attributes.get("max_temp")

    def moved(value: float) -> float:
        new = float(value) + step
        if isinstance(lowest, int | float):
            new = max(new, float(lowest))
        if isinstance(highest, int | float):
            new = min(new, float(highest))
        return new

    target, low, high = (
        attributes.get(key) for key in ("temperature", "target_temp_low", "target_temp_high")
    )
    if isinstance(target, int | float):
        return {"temperature": moved(target)}
    if isinstance(low, int | float) and isinstance(high, int | float):
        return {"target_temp_low": moved(low), "target_temp_high": moved(high)}
    raise StepError.of_request("no_target_temperature", names=state.name)


def _context(context: ExecutionContext) -> Context | None:
    value = context.extra.get(EXTRA_CONTEXT)
    return value if isinstance(value, Context) else None


def _device_id(context: ExecutionContext) -> str | None:
    value = context.extra.get(EXTRA_DEVICE_ID)
    return value if isinstance(value, str) else None


class HaServiceRunner:
    """``ha_service``: call a Home Assistant service on exposed entities only."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.resolver = TargetResolver(hass)

    def check_allowed(self, domain: str, service: str) -> None:
        """Refuse administrative services (see :data:`BLOCKED_DOMAINS`)."""
        if domain in BLOCKED_DOMAINS or (
            domain == "homeassistant" and service not in ALLOWED_HOMEASSISTANT_SERVICES
        ):
            raise StepError.said("action_not_allowed", action=f"{domain}.{service}")

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        """Resolve the targets, call the service, return the response or the targets' new states."""
        domain = str(inputs["domain"]).strip().lower()
        service = str(inputs["service"]).strip().lower()
        self.check_allowed(domain, service)
        target: dict[str, Any] = dict(inputs.get("target") or {})
        data: dict[str, Any] = dict(inputs.get("data") or {})
        for key in _TARGET_KEYS_IN_DATA:  # a target hidden in the data is still a target
            if key in data:
                target[key] = _as_list(target.get(key)) + _as_list(data.pop(key))
        colour = data.get("color_name")
        if isinstance(colour, str) and (css := css_colour(colour)) is not None:
            data["color_name"] = css  # "蓝" as said, "blue" for Home Assistant
        kelvin = data.get("color_temp_kelvin")
        if isinstance(kelvin, str) and (said := white_kelvin(kelvin)) is not None:
            data["color_temp_kelvin"] = said  # "warm white" / 暖白 as said, 2700 for Home Assistant
        if domain == "media_player" and "volume_level" in data:
            data["volume_level"] = volume_fraction(data["volume_level"])
        if domain == "script" and service not in _SCRIPT_ENTITY_SERVICES:
            # script.<name> runs that script: it is the script entity that must be exposed.
            target["entity_id"] = [*_as_list(target.get("entity_id")), f"script.{service}"]
            service = "turn_on"
        if not self.hass.services.has_service(domain, service):
            raise StepError.said("no_action", action=f"{domain}.{service}")
        states: list[State] = []
        call_target: dict[str, Any] | None = None
        if any(target.values()):
            default_domain = None if domain == "homeassistant" else domain
            if not self.hass.states.async_entity_ids(domain):
                default_domain = None  # e.g. notify.send_message: not an entity domain of its own
            states = self.resolver.resolve(
                target,
                default_domain=default_domain,
                device_id=_device_id(context),
                features=REQUIRED_FEATURES.get((domain, service), 0),
            )
            if not states:
                raise StepError.said("no_exposed_match")
            if default_domain is not None:
                self._check_kind(domain, service, states)
            call_target = {"entity_id": [state.entity_id for state in states]}
        if domain == "homeassistant" and service in _GENERIC_SWITCH_SERVICES and states:
            return self._now(await self._switch_each_domain(service, data, states, context))
        if domain == "climate" and service == "set_temperature" and TEMPERATURE_STEP_KEY in data:
            await self._step_temperatures(data, states, context)
            return self._now(states)
        response = await self._call(domain, service, data, call_target, context)
        if response:
            return response
        if not states:
            return None
        return self._now(states)

    def _now(self, states: list[State]) -> dict[str, Any] | list[dict[str, Any]]:
        """What the acted-on entities are now (the step's output), one or a list."""
        return _single_or_list([self.hass.states.get(state.entity_id) or state for state in states])

    @staticmethod
    def _check_kind(domain: str, service: str, states: list[State]) -> None:
        """Refuse a domain's action on entities of another domain ("cover.open_cover" on the kitchen lights).

        Why: Home Assistant skips such entities with only a log warning, so "open the kitchen lights" served
        by a cover plan, or a planner's plan that names the wrong domain, reported success and did nothing.
        Old-style groups are let through: Home Assistant expands them to their members.
        """
        foreign = [state for state in states if state.domain not in (domain, "group")]
        if foreign:
            names = ", ".join(sorted(state.name for state in foreign))
            raise StepError.said("wrong_kind", action=f"{domain}.{service}", names=names)

    async def _switch_each_domain(
        self, service: str, data: dict[str, Any], states: list[State], context: ExecutionContext
    ) -> list[State]:
        """``homeassistant.turn_on``/``turn_off``/``toggle`` as one call per domain, with each domain's own
        service (:data:`SWITCH_SERVICE_BY_DOMAIN`); returns the entities acted on.

        Entities whose domain cannot be switched (a sensor in "turn off everything in the kitchen") are
        left out, as Home Assistant does; if that leaves nothing, the step fails instead of reporting a
        success that did nothing. Data (a brightness) goes only to the domains' own ``turn_on``.
        """
        calls: dict[tuple[str, str], list[State]] = {}
        skipped: list[State] = []
        for state in self._members(states):
            own = SWITCH_SERVICE_BY_DOMAIN.get(state.domain, {}).get(service, service)
            if state.domain == "homeassistant" or not self.hass.services.has_service(state.domain, own):
                skipped.append(state)
            else:
                calls.setdefault((state.domain, own), []).append(state)
        if not calls:
            raise StepError.of_request("cannot_switch", names=", ".join(state.name for state in skipped))
        acted: list[State] = []
        for (domain, own), group in calls.items():
            target = {"entity_id": [state.entity_id for state in group]}
            await self._call(domain, own, data if own == service else {}, target, context)
            acted.extend(group)
        return acted

    async def _step_temperatures(
        self, data: dict[str, Any], states: list[State], context: ExecutionContext
    ) -> None:
        """Move each thermostat's target by ``data[TEMPERATURE_STEP_KEY]`` degrees from where it is now: its
        target temperature, or both ends of its range (heat/cool), kept within its own limits.

        Why here: "turn up the heat" means one degree more than now, and a plan can only pass values on, not
        read a state and add to it. A thermostat with no target to move (off, or a fan-only mode) is said by
        name instead of Home Assistant's rejection of a call that sets nothing.
        """
        raw = data.pop(TEMPERATURE_STEP_KEY)
        try:
            step = float(str(raw).strip())
        except ValueError:
            raise StepError.said(
                "action_rejected_data", action="climate.set_temperature", detail=f"temperature_step {raw!r}"
            ) from None
        if not states:
            raise StepError.said("no_exposed_match")
        # Every new target first: one thermostat that cannot move must not leave the others moved.
        moves = [(state, _moved_targets(state, step)) for state in states]
        for state, values in moves:
            await self._call(
                "climate", "set_temperature", {**data, **values}, {"entity_id": [state.entity_id]}, context
            )

    def _members(self, states: list[State]) -> list[State]:
        """``states`` with old-style groups replaced by their members (checked for exposure already)."""
        expanded: dict[str, State] = {}
        for state in states:
            if state.domain != "group":
                expanded[state.entity_id] = state
                continue
            for member in expand_entity_ids(self.hass, [state.entity_id]):
                if (member_state := self.hass.states.get(member)) is not None:
                    expanded[member] = member_state
        return list(expanded.values())

    async def _call(
        self,
        domain: str,
        service: str,
        data: dict[str, Any],
        target: dict[str, Any] | None,
        context: ExecutionContext,
    ) -> Any:
        """Call the service (blocking); its response where it gives one, else None. Errors → StepError."""
        support = self.hass.services.supports_response(domain, service)
        want_response = support in (SupportsResponse.ONLY, SupportsResponse.OPTIONAL)
        try:
            response = await self.hass.services.async_call(
                domain,
                service,
                data,
                blocking=True,
                context=_context(context),
                target=target,
                return_response=want_response,
            )
        except ServiceNotFound:
            raise StepError.said("no_action", action=f"{domain}.{service}") from None
        except Unauthorized:
            raise StepError.said("action_unauthorized", action=f"{domain}.{service}") from None
        except vol.Invalid as err:
            raise StepError.said(
                "action_rejected_data", action=f"{domain}.{service}", detail=str(err)
            ) from None
        except HomeAssistantError as err:
            detail = await self._in_languages(err)
            raise StepError.said("action_failed", action=f"{domain}.{service}", detail=detail) from None
        return response if want_response else None

    async def _in_languages(self, err: HomeAssistantError) -> Param:
        """Home Assistant's message for an error in every speech language it has one in, else as raised.

        Why: the error is said to the user, and Home Assistant translates its own ("设置温度操作时使用了目标
        温度参数，但实体不支持。" for a thermostat in heat/cool mode given one temperature): a Chinese request
        should not hear an English clause.
        """
        domain, key = err.translation_domain, err.translation_key
        if not domain or not key:
            return str(err)
        placeholders = dict(err.translation_placeholders or {})
        texts: dict[SpeechLanguage, str] = {}
        for language in SPEECH_LANGUAGES:
            strings = await async_get_translations(self.hass, language, "exceptions", {domain})
            message = strings.get(f"component.{domain}.exceptions.{key}.message")
            if message:
                try:
                    texts[language] = message.format(**placeholders)
                except (KeyError, IndexError, ValueError):
                    continue
        texts.setdefault("en", str(err))
        return InLanguages(MappingProxyType(texts))


class HaStateRunner:
    """``ha_state``: read the states (or one attribute) of exposed entities."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.resolver = TargetResolver(hass)

    async def run(
        self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext
    ) -> dict[str, Any] | list[dict[str, Any]]:
        """One state dict, or a list of them when the selector matches several entities."""
        states = self.resolver.resolve(inputs, device_id=_device_id(context))
        if not states:
            raise StepError.said("no_exposed_match")
        states = sorted(states, key=lambda state: state.entity_id)
        attribute = inputs.get(STATE_ATTRIBUTE_KEY)
        if attribute:
            return self._readings(states, str(attribute))
        language = speech_language(str(context.extra.get(EXTRA_LANGUAGE) or "en"))
        said = await self._state_words(states, language)
        items = [
            {**state_as_dict(state), "state_text": text}
            if (text := said.get(state.entity_id))
            else state_as_dict(state)
            for state in states
        ]
        return _one_or_many(items)

    async def _state_words(self, states: list[State], language: str) -> dict[str, str]:
        """Each state as Home Assistant's frontend words it in ``language`` ("locked" → "已锁定"), where it
        has words for it (numbers and free text have none). English is lower-cased for the middle of a
        sentence ("The front door is locked.")."""
        domains = {state.domain for state in states}
        words = await async_get_translations(self.hass, language, "entity_component", domains)
        said: dict[str, str] = {}
        for state in states:
            keys = (state.attributes.get("device_class"), "_")  # the device class's words first
            text = next(
                (
                    found
                    for key in keys
                    if key
                    and (
                        found := words.get(
                            f"component.{state.domain}.entity_component.{key}.state.{state.state}"
                        )
                    )
                ),
                None,
            )
            if text:
                said[state.entity_id] = text.lower() if language == "en" else text
            elif state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
                # Not in the entity translations: a device not heard from yet, or offline.
                said[state.entity_id] = spoken(f"state_{state.state}").render(language)
        return said

    def _readings(self, states: list[State], attribute: str) -> dict[str, Any] | list[dict[str, Any]]:
        """Each entity's ``attribute`` in the shape of a state (value as ``state``, with its unit), so a
        reply says it like a state ("22.5 °C"); entities without it are left out, none at all is an error."""
        readings = [
            {
                "entity_id": state.entity_id,
                "name": state.name,
                "state": state.attributes[attribute],
                "attributes": {"unit_of_measurement": unit} if (unit := self._unit(state, attribute)) else {},
            }
            for state in states
            if state.attributes.get(attribute) is not None
        ]
        if not readings:
            names = ", ".join(state.name for state in states)
            raise StepError.of_request("no_attribute", name=names, attribute=attribute)
        return _one_or_many(readings)

    def _unit(self, state: State, attribute: str) -> str | None:
        """The unit of an attribute: the entity's own ``<attribute>_unit`` (weather entities), else Home
        Assistant's temperature unit for temperatures, "%" for humidities."""
        own = state.attributes.get(f"{attribute}_unit")
        if isinstance(own, str) and own:
            return own
        if attribute in _TEMPERATURE_ATTRIBUTES:
            return self.hass.config.units.temperature_unit
        if attribute in _HUMIDITY_ATTRIBUTES:
            return "%"
        return None


class MqttPublishRunner:
    """``mqtt_publish``: publish through Home Assistant's MQTT integration (its broker connection)."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass

    async def run(
        self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext
    ) -> dict[str, Any]:
        """Publish and wait for the broker to take the message; returns topic and payload."""
        if "mqtt" not in self.hass.config.components:
            raise StepError.of_request("mqtt_not_set_up")
        # Imported here: the MQTT integration (and paho) need not be installed for everything else.
        from homeassistant.components import mqtt

        topic = str(inputs["topic"])
        raw = inputs["payload"]
        payload = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        try:
            connected = mqtt.is_connected(self.hass)
        except KeyError:  # the MQTT config entry is not loaded
            raise StepError.of_request("mqtt_not_set_up") from None
        if not connected:
            raise StepError.of_request("mqtt_disconnected")
        try:
            await mqtt.async_publish(
                self.hass, topic, payload, int(inputs.get("qos", 0)), bool(inputs.get("retain", False))
            )
        except HomeAssistantError as err:
            raise StepError.of_request("mqtt_publish_failed", topic=topic, detail=str(err)) from None
        return {"topic": topic, "payload": payload}


def ha_runners(hass: HomeAssistant) -> dict[str, StepRunner]:
    """The runners the integration adds to the engine's built-in ``respond`` and ``delay``."""
    return {
        ACTION_HA_SERVICE: HaServiceRunner(hass),
        ACTION_HA_STATE: HaStateRunner(hass),
        ACTION_MQTT_PUBLISH: MqttPublishRunner(hass),
    }


def referenced_entity_ok(hass: HomeAssistant, reference: str) -> bool:
    """Whether a literal entity id or name in a cached plan still points at an exposed entity.

    Used by cache invalidation (see ``invalidation.py``); unknown and unexposed both count as gone. A name
    nothing is called that is a device word ("vacuum", "扫地机器人") points at the exposed devices of its kind,
    as :class:`TargetResolver` resolves it: the starter plan of "开始扫地" names the vacuum so, and was
    dropped at the first exposure change.
    """
    if ha_valid_entity_id(reference):
        return hass.states.get(reference) is not None and async_should_expose(hass, ASSISTANT, reference)
    result = intent.async_match_targets(
        hass,
        intent.MatchTargetsConstraints(name=reference, assistant=ASSISTANT, allow_duplicate_names=True),
    )
    if result.is_match:
        return True
    kind = domain_of_word(reference)
    return kind is not None and any(state.domain == kind for state in iter_exposed_states(hass))


def iter_exposed_states(hass: HomeAssistant) -> Iterable[State]:
    """All states of entities exposed to Assist."""
    return (
        state for state in hass.states.async_all() if async_should_expose(hass, ASSISTANT, state.entity_id)
    )
