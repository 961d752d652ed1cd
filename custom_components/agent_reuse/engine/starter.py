"""Starter plans: hand-written plans for the everyday Home Assistant commands, cached before the first request.

Why: an empty cache reuses nothing, so the first command of every kind waits for the LLM — seconds with a
cloud model, a minute or a refusal with a small local one (the offline demo's 135M model plans nothing
correctly). The commonest requests have one obvious plan: switch the named device, the device kind in an
area, set a brightness, a colour or a temperature, lock or unlock, open or close a cover, say a state,
switch lights after some minutes (confirmed at once; the executor runs the wait after the reply), pause or
skip what plays, add to the shopping list or a named to-do list, start a vacuum or send it home, activate
a scene or run a script by its name. Those plans are written here once, validated like a planner's, and
seeded into the cache, so "turn on the bed light" / "打开卧室的灯" / "打開臥室的燈" work offline from the
first request and the LLM is asked only for what is really new.

Rules that keep them safe:

* A starter entry is added only where the cache has no entry for the same intent, language, template and
  parameters: a plan the user's planner made is never replaced.
* They name no entity. Every target comes from the request's slots (or is a device word such as
  扫地机器人 for "开始扫地", which the runner resolves to the only device of that kind, the satellite room's,
  or asks which) and is resolved and checked for exposure at run time, like any plan; they are stored and
  searched like planner plans (same γ, same slot-signature gate) and can be cleared like them.
* Only signatures whose slots say what to act on. A Chinese "打开{area}的灯" has no ``domain`` slot (the
  model does not tag 灯), so its plan targets lights explicitly; other devices phrased the same way
  ("打开{area}的风扇", cosine 0.52 with the shipped embedder) stay below the default γ = 0.75 — a user who
  lowers γ below ~0.65 should turn the starter plans off.
* No plan where the embedder cannot keep device kinds apart. Cover positions have plans because the
  repairs keep the other kinds away from them: the parser reads "把客厅的灯开到百分之五十" as a position
  too, and its template is 0.80 from "把{area}的窗帘开到{position}%" (the fan's 0.76), and in English "set
  the ceiling fan to 50%" is a position as well. A position said of a light is made a brightness, and one
  said of another kind of device (a fan) an unknown intent, before the lookup (``ha_repairs.py``); and
  these plans call ``cover.set_cover_position``, which resolves covers only.
* The whole home only when it is said: "turn off all the lights" has a plan for every light, and "turn off
  the lights" (0.92 from it) never reuses it from a satellite with a room, because there the satellite's
  area is added to the request (``context_area.py``) and the signature differs; it is served by "turn off
  the {area} {domain}s". Without a room (the text dialog) it is the whole home, as the planner would make
  it. The Chinese "打开所有的灯" has one too; a lone device word ("打开风扇") is a name, and the runner takes
  the only exposed device of that kind, the satellite room's, or asks which.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .cache import PlanCache
from .pipeline import Embedder
from .plan import Plan
from .plan_schema import (
    ACTION_DELAY,
    ACTION_HA_SERVICE,
    ACTION_HA_STATE,
    ACTION_RESPOND,
    TEMPERATURE_STEP_KEY,
)
from .template import PLACEHOLDER
from .zh_script import to_script


@dataclass(frozen=True)
class StarterPlan:
    """A plan for one (intent, language, slot-stripped template), as ``strip_slots`` renders requests."""

    intent: str
    language: str
    template: str
    plan: Mapping[str, Any]
    #: Slots its requests carry without saying them (the satellite's room, ``context_area``): parameters
    #: of the plan that are not in the template text.
    unsaid: frozenset[str] = frozenset()

    @property
    def parameters(self) -> frozenset[str]:
        """The slot types its plan takes: the template's placeholders and the unsaid slots. Known without
        validating the plan, so a setup that finds every starter cached validates none of them."""
        return frozenset(PLACEHOLDER.findall(self.template)) | self.unsaid


def _then_say(intent: str, language: str, template: str, first: Mapping[str, Any], reply: str) -> StarterPlan:
    """A plan of one step (``s1``) and a reply that depends on it."""
    respond = {
        "id": "s2",
        "description": "confirm" if first["action"] == ACTION_HA_SERVICE else "answer",
        "action": ACTION_RESPOND,
        "inputs": {"template": reply},
        "depends_on": ["s1"],
    }
    return StarterPlan(intent, language, template, {"steps": [{"id": "s1", **first}, respond]})


def _service(
    intent: str,
    language: str,
    template: str,
    action: str,
    target: Mapping[str, str | list[str]],
    reply: str,
    data: Mapping[str, str] | None = None,
) -> StarterPlan:
    """A plan that calls ``action`` ("cover.open_cover") on the request's target and confirms."""
    domain, service = action.split(".")
    inputs: dict[str, Any] = {"domain": domain, "service": service, "target": dict(target)}
    if data:
        inputs["data"] = dict(data)
    step = {"description": action, "action": ACTION_HA_SERVICE, "inputs": inputs}
    return _then_say(intent, language, template, step, reply)


#: The action of each switching intent (homeassistant.turn_* switches any domain).
_SWITCH_ACTION = {"HassTurnOn": "homeassistant.turn_on", "HassTurnOff": "homeassistant.turn_off"}


def _switch(
    intent: str, language: str, template: str, target: Mapping[str, str | list[str]], reply: str
) -> StarterPlan:
    return _service(intent, language, template, _SWITCH_ACTION[intent], target, reply)


#: A light's white by its colour temperature, as said ("warm white", 暖白): the runner makes it kelvin.
_WHITE = {"color_temp_kelvin": "{slot.color_temp}"}

#: A cover's position as said (a percentage; halfway and 一半 are 50, by ``ha_repairs``).
_POSITION = {"position": "{slot.position}"}


def _position(language: str, template: str, target: Mapping[str, str | list[str]], reply: str) -> StarterPlan:
    """A cover set to a position (as Assist's HassSetPosition does for covers): only covers are resolved."""
    return _service(
        "HassSetPosition", language, template, "cover.set_cover_position", target, reply, _POSITION
    )


def _switch_later(
    intent: str, language: str, template: str, target: Mapping[str, str | list[str]], reply: str
) -> StarterPlan:
    """Switch after ``{slot.minutes}`` minutes: say so now, wait, then switch (the executor runs the wait
    and the switch after the reply)."""
    action = _SWITCH_ACTION[intent]
    domain, service = action.split(".")
    steps = [
        {"id": "s1", "description": "confirm", "action": ACTION_RESPOND, "inputs": {"template": reply}},
        {"id": "s2", "description": "wait", "action": ACTION_DELAY, "inputs": {"minutes": "{slot.minutes}"}},
        {
            "id": "s3",
            "description": action,
            "action": ACTION_HA_SERVICE,
            "inputs": {"domain": domain, "service": service, "target": dict(target)},
            "depends_on": ["s2"],
        },
    ]
    return StarterPlan(intent, language, template, {"steps": steps})


def _set_brightness(language: str, template: str, target: Mapping[str, str], reply: str) -> StarterPlan:
    data = {"brightness_pct": "{slot.brightness}"}
    return _service("HassLightSet", language, template, "light.turn_on", target, reply, data)


def _set_temperature(
    language: str, template: str, reply: str, target: Mapping[str, str] | None = None
) -> StarterPlan:
    """Set the thermostats of the request's area (or ``target``) to ``{slot.temperature}``."""
    target = target or {"area": "{slot.area}", "domain": "climate"}
    data = {"temperature": "{slot.temperature}"}
    return _service(
        "HassClimateSetTemperature", language, template, "climate.set_temperature", target, reply, data
    )


def _read_state(
    language: str,
    template: str,
    selector: Mapping[str, str],
    reply: str,
    asked: str = "",
    intent: str = "HassGetState",
) -> StarterPlan:
    """A state question: read the selected entities and say their state (with its unit).

    ``asked`` names slots the question has but the reading does not need ("is the {name} {state}": the
    state said is answered by the state read); they go into the step's description so the plan takes
    exactly the slots of its template.
    """
    step = {"description": f"read the state{asked}", "action": ACTION_HA_STATE, "inputs": dict(selector)}
    return _then_say(intent, language, template, step, reply)


def _weather(language: str, template: str, reply: str) -> StarterPlan:
    """The weather now: the condition and the temperature of the home's weather entity, read at once.

    Home Assistant's own HassGetWeather answers from a weather entity in the same way; a home with several
    exposed weather entities hears each one's.
    """
    steps = [
        {
            "id": "s1",
            "description": "read the weather",
            "action": ACTION_HA_STATE,
            "inputs": {"domain": "weather"},
        },
        {
            "id": "s2",
            "description": "read the temperature",
            "action": ACTION_HA_STATE,
            "inputs": {"domain": "weather", "attribute": "temperature"},
        },
        {
            "id": "s3",
            "description": "answer",
            "action": ACTION_RESPOND,
            "inputs": {"template": reply},
            "depends_on": ["s1", "s2"],
        },
    ]
    return StarterPlan("HassGetWeather", language, template, {"steps": steps})


_NAME = {"name": "{slot.name}"}
_NAME_KIND = {"name": "{slot.name}", "domain": "{slot.domain}"}
_AREA_KIND = {"area": "{slot.area}", "domain": "{slot.domain}"}
_AREA_LIGHTS = {"area": "{slot.area}", "domain": "light"}
_AREA_NAME = {"area": "{slot.area}", "name": "{slot.name}"}
_TWO_AREAS: list[str] = ["{slot.area}", "{slot.area_2}"]
_TWO_AREAS_KIND: dict[str, str | list[str]] = {"area": _TWO_AREAS, "domain": "{slot.domain}"}
_TWO_AREAS_LIGHTS: dict[str, str | list[str]] = {"area": _TWO_AREAS, "domain": "light"}
_TWO_NAMES: dict[str, str | list[str]] = {"name": ["{slot.name}", "{slot.name_2}"]}
_NAME_LIGHT = {"name": "{slot.name}", "domain": "light"}
_ALL_LIGHTS = {"domain": "light"}
_ALL_KIND = {"domain": "{slot.domain}"}
_AREA_COVERS = {"area": "{slot.area}", "domain": "cover"}
#: What "所有的窗帘" (all the curtains) means: covers of these classes, in the whole home.
_ALL_CURTAINS: dict[str, str | list[str]] = {"domain": "cover", "device_class": ["curtain", "blind", "shade"]}
_ALL_WINDOWS = {"domain": "cover", "device_class": "window"}
_COVER_CLASS = {"device_class": "{slot.device_class}", "domain": "cover"}
_AREA_COVER_CLASS = {"area": "{slot.area}", "device_class": "{slot.device_class}", "domain": "cover"}
#: The thermostats of an area, read for their measured temperature (as Assist's HassClimateGetTemperature).
_AREA_CLIMATE_TEMPERATURE = {"area": "{slot.area}", "domain": "climate", "attribute": "current_temperature"}
#: A thermostat by name, read the same way.
_NAMED_CLIMATE_TEMPERATURE = {"name": "{slot.name}", "domain": "climate", "attribute": "current_temperature"}
_NAMED_CLIMATE = {"name": "{slot.name}", "domain": "climate"}
#: Every thermostat of the home, read the same way (each one named when there are several).
_CLIMATE_TEMPERATURES = {"domain": "climate", "attribute": "current_temperature"}

#: Media players by what they are doing, as Assist's media handlers pick them: "pause" pauses what is playing,
#: "resume" what is paused (the satellite's room first, else the home's: the runner's state filter).
_PLAYING = {"domain": "media_player", "state": "playing"}
_PAUSED = {"domain": "media_player", "state": "paused"}
_NAMED_PLAYER = {"name": "{slot.name}", "domain": "media_player"}
_AREA_PLAYING = {"area": "{slot.area}", "domain": "media_player", "state": "playing"}
_AREA_PAUSED = {"area": "{slot.area}", "domain": "media_player", "state": "paused"}
#: A room's players of the kind said ("客厅的电视": the ``name`` is the player word, which the runner resolves
#: to that kind in that room).
_AREA_NAMED_PLAYER = {"area": "{slot.area}", "name": "{slot.name}", "domain": "media_player"}
_SET_VOLUME = {"volume_level": "{slot.volume_level}"}  # a percentage: the runner makes it 0–1

#: (intent, the ways of saying it, media_player action, target, reply): one plan per way of saying it, since
#: these short requests are far apart to the embedder ("skip" is 0.54 from "next song").
type _MediaLine = tuple[str, tuple[str, ...], str, Mapping[str, str], str]

_MEDIA_ENGLISH: tuple[_MediaLine, ...] = (
    ("HassMediaPause", ("pause", "pause the music"), "media_pause", _PLAYING, "Paused."),
    ("HassMediaPause", ("pause the {name}",), "media_pause", _NAMED_PLAYER, "Paused the {slot.name}."),
    (
        "HassMediaPause",
        ("pause the {area} {domain}",),
        "media_pause",
        _AREA_KIND,
        "Paused the {slot.area} {slot.domain}.",
    ),
    (
        "HassMediaPause",
        ("pause the music in the {area}",),
        "media_pause",
        _AREA_PLAYING,
        "Paused the music in the {slot.area}.",
    ),
    (
        "HassMediaUnpause",
        ("resume", "resume the music", "continue playing", "unpause"),
        "media_play",
        _PAUSED,
        "Resumed.",
    ),
    ("HassMediaUnpause", ("resume the {name}",), "media_play", _NAMED_PLAYER, "Resumed the {slot.name}."),
    (
        "HassMediaUnpause",
        ("resume the {area} {domain}",),
        "media_play",
        _AREA_KIND,
        "Resumed the {slot.area} {slot.domain}.",
    ),
    (
        "HassMediaUnpause",
        ("resume the music in the {area}",),
        "media_play",
        _AREA_PAUSED,
        "Resumed the music in the {slot.area}.",
    ),
    (
        "HassMediaNext",
        ("next song", "next track", "skip this song", "skip"),
        "media_next_track",
        _PLAYING,
        "Playing the next one.",
    ),
    (
        "HassMediaNext",
        ("next song on the {name}", "next track on the {name}", "skip this song on the {name}"),
        "media_next_track",
        _NAMED_PLAYER,
        "Playing the next one on the {slot.name}.",
    ),
    (
        "HassMediaNext",
        ("next song on the {area} {domain}", "skip this song on the {area} {domain}"),
        "media_next_track",
        _AREA_KIND,
        "Playing the next one on the {slot.area} {slot.domain}.",
    ),
    (
        "HassMediaNext",
        ("next song in the {area}",),
        "media_next_track",
        _AREA_PLAYING,
        "Playing the next one in the {slot.area}.",
    ),
    (
        "HassMediaPrevious",
        ("previous song", "previous track"),
        "media_previous_track",
        _PLAYING,
        "Playing the previous one.",
    ),
    (
        "HassMediaPrevious",
        ("previous song on the {name}", "previous track on the {name}"),
        "media_previous_track",
        _NAMED_PLAYER,
        "Playing the previous one on the {slot.name}.",
    ),
    (
        "HassMediaPrevious",
        ("previous song on the {area} {domain}", "previous track on the {area} {domain}"),
        "media_previous_track",
        _AREA_KIND,
        "Playing the previous one on the {slot.area} {slot.domain}.",
    ),
    (
        "HassMediaPrevious",
        ("previous song in the {area}",),
        "media_previous_track",
        _AREA_PLAYING,
        "Playing the previous one in the {slot.area}.",
    ),
    (
        "HassSetVolume",
        ("set the volume to {volume_level}%", "set the volume to {volume_level}"),
        "volume_set",
        _PLAYING,
        "Volume set to {slot.volume_level}%.",
    ),
    (
        "HassSetVolume",
        ("set the {name} volume to {volume_level}%",),
        "volume_set",
        _NAMED_PLAYER,
        "Set the {slot.name} volume to {slot.volume_level}%.",
    ),
    (
        "HassSetVolume",
        ("set the {area} {domain} volume to {volume_level}%",),
        "volume_set",
        _AREA_KIND,
        "Set the {slot.area} {slot.domain} volume to {slot.volume_level}%.",
    ),
)
_MEDIA_CHINESE: tuple[_MediaLine, ...] = (
    ("HassMediaPause", ("暂停", "暂停音乐", "停止播放"), "media_pause", _PLAYING, "已暂停。"),
    ("HassMediaPause", ("暂停{name}",), "media_pause", _NAMED_PLAYER, "已暂停{slot.name}。"),
    ("HassMediaUnpause", ("继续播放", "继续"), "media_play", _PAUSED, "已继续播放。"),
    ("HassMediaUnpause", ("继续播放{name}",), "media_play", _NAMED_PLAYER, "已继续播放{slot.name}。"),
    ("HassMediaNext", ("下一首", "换一首", "切歌"), "media_next_track", _PLAYING, "已切到下一首。"),
    ("HassMediaPrevious", ("上一首",), "media_previous_track", _PLAYING, "已切到上一首。"),
    (
        "HassSetVolume",
        ("把音量调到{volume_level}", "音量调到{volume_level}%"),
        "volume_set",
        _PLAYING,
        "已把音量调到{slot.volume_level}%。",
    ),
    # A room's player by its word ("暂停客厅电视": ``repair_untagged_device_word`` makes 电视 the name).
    (
        "HassMediaPause",
        ("暂停{area}的{name}", "暂停{area}{name}", "{area}{name}暂停"),
        "media_pause",
        _AREA_NAMED_PLAYER,
        "已暂停{slot.area}的{slot.name}。",
    ),
    ("HassMediaPause", ("暂停{area}的音乐",), "media_pause", _AREA_PLAYING, "已暂停{slot.area}的音乐。"),
    (
        "HassMediaUnpause",
        ("继续播放{area}的{name}", "继续播放{area}{name}"),
        "media_play",
        _AREA_NAMED_PLAYER,
        "已继续播放{slot.area}的{slot.name}。",
    ),
    (
        "HassMediaNext",
        ("{area}{name}下一首", "{area}的{name}下一首", "{area}{name}切歌"),
        "media_next_track",
        _AREA_NAMED_PLAYER,
        "{slot.area}的{slot.name}已切到下一首。",
    ),
    (
        "HassMediaNext",
        ("{name}下一首", "{name}切歌"),
        "media_next_track",
        _NAMED_PLAYER,
        "{slot.name}已切到下一首。",
    ),
    ("HassMediaNext", ("{area}下一首",), "media_next_track", _AREA_PLAYING, "{slot.area}已切到下一首。"),
    (
        "HassMediaPrevious",
        ("{area}{name}上一首", "{area}的{name}上一首"),
        "media_previous_track",
        _AREA_NAMED_PLAYER,
        "{slot.area}的{slot.name}已切到上一首。",
    ),
    (
        "HassMediaPrevious",
        ("{name}上一首",),
        "media_previous_track",
        _NAMED_PLAYER,
        "{slot.name}已切到上一首。",
    ),
    (
        "HassMediaPrevious",
        ("{area}上一首",),
        "media_previous_track",
        _AREA_PLAYING,
        "{slot.area}已切到上一首。",
    ),
    (
        "HassSetVolume",
        ("把{area}{name}的音量调到{volume_level}", "{area}{name}音量调到{volume_level}"),
        "volume_set",
        _AREA_NAMED_PLAYER,
        "已把{slot.area}的{slot.name}音量调到{slot.volume_level}%。",
    ),
    (
        "HassSetVolume",
        ("把{name}的音量调到{volume_level}", "{name}音量调到{volume_level}"),
        "volume_set",
        _NAMED_PLAYER,
        "已把{slot.name}的音量调到{slot.volume_level}%。",
    ),
)


def _media_plans(language: str, lines: Sequence[_MediaLine]) -> tuple[StarterPlan, ...]:
    """The media plans of ``lines``: the player's own action on the target; a volume said as a percentage
    (the runner makes it Home Assistant's 0–1)."""
    return tuple(
        _service(
            intent,
            language,
            template,
            f"media_player.{action}",
            target,
            reply,
            _SET_VOLUME if action == "volume_set" else None,
        )
        for intent, templates, action, target, reply in lines
        for template in templates
    )


#: The shopping list (Home Assistant's ``shopping_list`` integration, as its HassShoppingListAddItem does):
#: no entity to resolve, the item as said.
_ADD_TO_SHOPPING_LIST = {"name": "{slot.item}"}
#: A named to-do list ("the chores list"), as HassListAddItem finds it.
_NAMED_TODO_LIST = {"name": "{slot.name}", "domain": "todo"}
_AREA_VACUUMS = {"area": "{slot.area}", "domain": "vacuum"}
#: The vacuum by its word, for cleaning said without a device ("start vacuuming", "开始扫地").
_THE_VACUUM = {"en": {"name": "vacuum"}, "zh": {"name": "扫地机器人"}}
_VACUUM_ACTION = {"HassVacuumStart": "vacuum.start", "HassVacuumReturnToBase": "vacuum.return_to_base"}


def _shopping_list(language: str, template: str, reply: str) -> StarterPlan:
    return _service(
        "HassShoppingListAddItem",
        language,
        template,
        "shopping_list.add_item",
        {},
        reply,
        _ADD_TO_SHOPPING_LIST,
    )


def _vacuum(intent: str, language: str, template: str, target: Mapping[str, str], reply: str) -> StarterPlan:
    return _service(intent, language, template, _VACUUM_ACTION[intent], target, reply)


_ENGLISH: tuple[StarterPlan, ...] = (
    # English: switching by name, by name + device word ("the bed light"), by area + device word.
    _switch("HassTurnOn", "en", "turn on the {name}", _NAME, "Turned on the {slot.name}."),
    _switch("HassTurnOff", "en", "turn off the {name}", _NAME, "Turned off the {slot.name}."),
    # By name + device word, said in the singular or the plural ("the decorative lights": the parser tags
    # "light" and leaves the "s").
    *(
        _switch(
            intent,
            "en",
            f"turn {way} the {{name}} {{domain}}{plural}",
            _NAME_KIND,
            f"Turned {way} the {{slot.name}} {{slot.domain}}{plural}.",
        )
        for intent, way in (("HassTurnOn", "on"), ("HassTurnOff", "off"))
        for plural in ("", "s")
    ),
    _switch(
        "HassTurnOn",
        "en",
        "turn on the {area} {domain}s",
        _AREA_KIND,
        "Turned on the {slot.domain}s in the {slot.area}.",
    ),
    _switch(
        "HassTurnOff",
        "en",
        "turn off the {area} {domain}s",
        _AREA_KIND,
        "Turned off the {slot.domain}s in the {slot.area}.",
    ),
    # Said short ("kitchen lights off"; from a satellite "lights off" is its room's: 0.78 from this).
    _switch(
        "HassTurnOn",
        "en",
        "{area} {domain}s on",
        _AREA_KIND,
        "Turned on the {slot.domain}s in the {slot.area}.",
    ),
    _switch(
        "HassTurnOff",
        "en",
        "{area} {domain}s off",
        _AREA_KIND,
        "Turned off the {slot.domain}s in the {slot.area}.",
    ),
    # The whole home, said so ("turn off all the lights").
    _switch("HassTurnOn", "en", "turn on all the {domain}s", _ALL_KIND, "Turned on all the {slot.domain}s."),
    _switch(
        "HassTurnOff", "en", "turn off all the {domain}s", _ALL_KIND, "Turned off all the {slot.domain}s."
    ),
    # Two rooms at once (the second area is numbered: ``template.number_repeated_slots``).
    _switch(
        "HassTurnOn",
        "en",
        "turn on the {area} and {area_2} {domain}s",
        _TWO_AREAS_KIND,
        "Turned on the {slot.domain}s in the {slot.area} and the {slot.area_2}.",
    ),
    _switch(
        "HassTurnOff",
        "en",
        "turn off the {area} and {area_2} {domain}s",
        _TWO_AREAS_KIND,
        "Turned off the {slot.domain}s in the {slot.area} and the {slot.area_2}.",
    ),
    # Later ("turn off the kitchen lights in 5 minutes"): confirmed at once, switched after the wait.
    _switch_later(
        "HassTurnOn",
        "en",
        "turn on the {area} {domain}s in {minutes} minutes",
        _AREA_KIND,
        "Okay, the {slot.domain}s in the {slot.area} go on in {slot.minutes} minutes.",
    ),
    _switch_later(
        "HassTurnOff",
        "en",
        "turn off the {area} {domain}s in {minutes} minutes",
        _AREA_KIND,
        "Okay, the {slot.domain}s in the {slot.area} go off in {slot.minutes} minutes.",
    ),
    _switch_later(
        "HassTurnOn",
        "en",
        "turn on the {name} in {minutes} minutes",
        _NAME,
        "Okay, I'll turn on the {slot.name} in {slot.minutes} minutes.",
    ),
    _switch_later(
        "HassTurnOff",
        "en",
        "turn off the {name} in {minutes} minutes",
        _NAME,
        "Okay, I'll turn off the {slot.name} in {slot.minutes} minutes.",
    ),
    # Two devices by name ("the kitchen light and the bed light": gazetteer.py splits them).
    _switch(
        "HassTurnOn",
        "en",
        "turn on the {name} and the {name_2}",
        _TWO_NAMES,
        "Turned on the {slot.name} and the {slot.name_2}.",
    ),
    _switch(
        "HassTurnOff",
        "en",
        "turn off the {name} and the {name_2}",
        _TWO_NAMES,
        "Turned off the {slot.name} and the {slot.name_2}.",
    ),
    _set_brightness(
        "en", "set the {name} to {brightness}%", _NAME, "Set the {slot.name} to {slot.brightness}%."
    ),
    # "set the bed light to 30%": the NLU tags "bed" and leaves "light" in the template.
    _set_brightness(
        "en",
        "set the {name} light to {brightness}%",
        _NAME_LIGHT,
        "Set the {slot.name} light to {slot.brightness}%.",
    ),
    _service(
        "HassLightSet",
        "en",
        "set the {name} to {color}",
        "light.turn_on",
        _NAME,
        "Set the {slot.name} to {slot.color}.",
        {"color_name": "{slot.color}"},
    ),
    _service(
        "HassLightSet",
        "en",
        "set the {name} light to {color}",
        "light.turn_on",
        _NAME_LIGHT,
        "Set the {slot.name} light to {slot.color}.",
        {"color_name": "{slot.color}"},
    ),
    _service(
        "HassLightSet",
        "en",
        "set the {area} lights to {color}",
        "light.turn_on",
        _AREA_LIGHTS,
        "Set the {slot.area} lights to {slot.color}.",
        {"color_name": "{slot.color}"},
    ),
    # A white of a colour temperature ("warm white", ``repairs_levels.repair_white_temperature``): the
    # runner hands Home Assistant its kelvin.
    *(
        _service("HassLightSet", "en", template, "light.turn_on", target, reply, _WHITE)
        for template, target, reply in (
            ("set the {name} to {color_temp}", _NAME, "Set the {slot.name} to {slot.color_temp}."),
            (
                "set the {name} light to {color_temp}",
                _NAME_LIGHT,
                "Set the {slot.name} light to {slot.color_temp}.",
            ),
            (
                "set the {area} lights to {color_temp}",
                _AREA_LIGHTS,
                "Set the {slot.area} lights to {slot.color_temp}.",
            ),
            (
                "set the {area} light to {color_temp}",
                _AREA_LIGHTS,
                "Set the {slot.area} light to {slot.color_temp}.",
            ),
        )
    ),
    # Locks and covers: Assist files them under HassTurnOn/HassTurnOff; the plans name the domain's own
    # action, so a lock is never "opened" by locking it and "open the X" only ever moves a cover.
    _service("HassTurnOn", "en", "lock the {name}", "lock.lock", _NAME, "Locked the {slot.name}."),
    _service("HassTurnOff", "en", "unlock the {name}", "lock.unlock", _NAME, "Unlocked the {slot.name}."),
    _service("HassTurnOn", "en", "open the {name}", "cover.open_cover", _NAME, "Opened the {slot.name}."),
    _service("HassTurnOff", "en", "close the {name}", "cover.close_cover", _NAME, "Closed the {slot.name}."),
    # "shut the window" was 0.78 from "turn off the {name}" ("Turned off the window."); "shut off the garden
    # pump" is 0.96 from it, so the switching action (a cover closes, a switch goes off) and the state it
    # is in now: "The garage door is now closed.", "The garden pump is now off."
    _switch("HassTurnOff", "en", "shut the {name}", _NAME, "The {slot.name} is now {steps.s1.output}."),
    _service(
        "HassTurnOn",
        "en",
        "open the {device_class} door",
        "cover.open_cover",
        _COVER_CLASS,
        "Opened the {slot.device_class} door.",
    ),
    _service(
        "HassTurnOff",
        "en",
        "close the {device_class} door",
        "cover.close_cover",
        _COVER_CLASS,
        "Closed the {slot.device_class} door.",
    ),
    # A room's devices by their word with open / close ("close the kitchen window"): the switching action,
    # which opens and closes covers (SWITCH_SERVICE_BY_DOMAIN in the runner) and switches what is said
    # so by many ("open the kitchen lights", as 打开 is said in Chinese) — what "turn on the {area} {domain}s"
    # did for them at 0.84, now with a reply in their words.
    *(
        _switch(intent, "en", template, _AREA_KIND, reply)
        for verb, intent, done in (
            ("open", "HassTurnOn", "Opened"),
            ("close", "HassTurnOff", "Closed"),
            ("shut", "HassTurnOff", "Closed"),
        )
        for template, reply in (
            (f"{verb} the {{area}} {{domain}}", f"{done} the {{slot.area}} {{slot.domain}}."),
            (f"{verb} the {{area}} {{domain}}s", f"{done} the {{slot.area}} {{slot.domain}}s."),
        )
    ),
    # Covers by their device class ("open the bedroom blinds", "close the curtains"): the cover's action.
    *(
        _service(intent, "en", template, action, target, reply)
        for verb, intent, action, done in (
            ("open", "HassTurnOn", "cover.open_cover", "Opened"),
            ("close", "HassTurnOff", "cover.close_cover", "Closed"),
        )
        for template, target, reply in (
            (
                f"{verb} the {{area}} {{device_class}}s",
                _AREA_COVER_CLASS,
                f"{done} the {{slot.area}} {{slot.device_class}}s.",
            ),
            (f"{verb} the {{device_class}}s", _COVER_CLASS, f"{done} the {{slot.device_class}}s."),
        )
    ),
    # Questions: the state is read and said with its unit ("The outside temperature is 15.6 °C.").
    _read_state("en", "what is the {name}", _NAME, "The {slot.name} is {steps.s1.output}."),
    _read_state(
        "en",
        "what's the temperature in the {area}",
        _AREA_CLIMATE_TEMPERATURE,
        "It is {steps.s1.output} in the {slot.area}.",
        intent="HassClimateGetTemperature",
    ),
    # No room said, none known (the text dialog): every thermostat's reading, each named when several.
    *(
        _read_state(
            "en",
            template,
            _CLIMATE_TEMPERATURES,
            "The thermostats read {steps.s1.output}.",
            intent="HassClimateGetTemperature",
        )
        for template in ("what's the temperature", "what is the temperature")
    ),
    _read_state(
        "en",
        "what is the temperature of the {name}",
        _NAMED_CLIMATE_TEMPERATURE,
        "The {slot.name} reads {steps.s1.output}.",
        intent="HassClimateGetTemperature",
    ),
    # "is the garage door open": the parser leaves "open" in the template; the state read answers it.
    _read_state("en", "is the {name} open", _NAME, "The {slot.name} is {steps.s1.output}."),
    _read_state("en", "is the {name} closed", _NAME, "The {slot.name} is {steps.s1.output}."),
    _read_state(
        "en",
        "is the {name} {state}",
        _NAME,
        "The {slot.name} is {steps.s1.output}.",
        " (asked: {slot.state})",
    ),
    _read_state(
        "en",
        "is the {area} {domain} {state}",
        _AREA_KIND,
        "The {slot.domain} in the {slot.area}: {steps.s1.output}.",
        " (asked: {slot.state})",
    ),
    # Covers by their class ("are the blinds closed"; said to a satellite, its room's).
    _read_state(
        "en",
        "are the {device_class}s {state}",
        _COVER_CLASS,
        "The {slot.device_class}s: {steps.s1.output}.",
        " (asked: {slot.state})",
    ),
    _read_state(
        "en",
        "are the {area} {device_class}s {state}",
        _AREA_COVER_CLASS,
        "The {slot.device_class}s in the {slot.area}: {steps.s1.output}.",
        " (asked: {slot.state})",
    ),
    # The parser tags "off"/"on" as a state for lights but not for fans: "is the fan off" said to a
    # satellite (its room unsaid) is 0.83 from these, 0.68 from the one above.
    *(
        _read_state("en", template, _AREA_KIND, "The {slot.domain} in the {slot.area}: {steps.s1.output}.")
        for template in ("is the {area} {domain} on", "is the {area} {domain} off")
    ),
    _read_state(
        "en",
        "is the {name} {domain} {state}",
        _NAME_KIND,
        "The {slot.name} {slot.domain} is {steps.s1.output}.",
        " (asked: {slot.state})",
    ),
    _set_brightness(
        "en",
        "set the {area} lights to {brightness}%",
        _AREA_LIGHTS,
        "Set the {slot.area} lights to {slot.brightness}%.",
    ),
    _set_temperature(
        "en",
        "set the {area} temperature to {temperature} degrees",
        "Set the {slot.area} temperature to {slot.temperature} degrees.",
    ),
    _set_temperature(
        "en",
        "set the {name} to {temperature} degrees",
        "Set the {slot.name} to {slot.temperature} degrees.",
        _NAMED_CLIMATE,
    ),
    # A room's thermostat by its word (``repairs_levels.repair_room_thermostat``), or as the gazetteer splits
    # "bedroom thermostat" into the room and the device word.
    *(
        _set_temperature("en", template, reply)
        for template, reply in (
            (
                "set the {area} thermostat to {temperature} degrees",
                "Set the {slot.area} thermostat to {slot.temperature} degrees.",
            ),
            (
                "set the {area} heat to {temperature} degrees",
                "Set the {slot.area} heat to {slot.temperature} degrees.",
            ),
            ("set the {area} ac to {temperature}", "Set the {slot.area} ac to {slot.temperature} degrees."),
        )
    ),
    _set_temperature(
        "en",
        "set the {area} {domain} to {temperature} degrees",
        "Set the {slot.area} {slot.domain} to {slot.temperature} degrees.",
        _AREA_KIND,
    ),
    # Media: pause, resume, skip, and the volume (Home Assistant 2025.4 has no intent to start music).
    *_media_plans("en", _MEDIA_ENGLISH),
    # Cover positions, by name, by a room and its cover word or class, or by class.
    *(
        _position("en", template, _NAME, "Set the {slot.name} to {slot.position}%.")
        for template in (
            "set the {name} to {position}%",
            "open the {name} to {position}%",
            "close the {name} to {position}%",
            "open the {name} {position}",
        )
    ),
    *(
        _position("en", template, _AREA_KIND, "Set the {slot.area} {slot.domain} to {slot.position}%.")
        for template in (
            "set the {area} {domain} to {position}%",
            "open the {area} {domain} to {position}%",
            "open the {area} {domain} {position}",
        )
    ),
    *(
        _position(
            "en", template, _AREA_COVER_CLASS, "Set the {slot.area} {slot.device_class}s to {slot.position}%."
        )
        for template in (
            "set the {area} {device_class}s to {position}%",
            "close the {area} {device_class}s to {position}%",
            "open the {area} {device_class}s {position}",
        )
    ),
    *(
        _position("en", template, _COVER_CLASS, "Set the {slot.device_class}s to {slot.position}%.")
        for template in ("set the {device_class}s to {position}%", "open the {device_class}s {position}")
    ),
    # Scenes and scripts started by their name (``gazetteer._activation``; any exposed device is switched on).
    *(
        _switch("HassTurnOn", "en", template, _NAME, "Activated {slot.name}.")
        for template in (
            "activate {name}",
            "activate the {name}",
            "run {name}",
            "run the {name}",
            # The kind said but not tagged ("run the movie night scene": 0.74 from the tagged form).
            "activate the {name} scene",
            "run the {name} scene",
            "run the {name} script",
        )
    ),
    *(
        _switch("HassTurnOn", "en", template, _NAME_KIND, "Activated the {slot.name} {slot.domain}.")
        for template in ("activate the {name} {domain}", "run the {name} {domain}")
    ),
    # Lists: the shopping list, and a to-do list by its name (``repairs_intents`` tags the item said).
    *(
        _shopping_list("en", template, "Added {slot.item} to your shopping list.")
        for template in (
            "add {item} to my shopping list",
            "add {item} to the shopping list",
            "put {item} on my shopping list",
            "put {item} on the list",
            "add {item} to the list",
        )
    ),
    *(
        _service(
            "HassListAddItem",
            "en",
            template,
            "todo.add_item",
            _NAMED_TODO_LIST,
            "Added {slot.item} to the {slot.name} list.",
            {"item": "{slot.item}"},
        )
        for template in (
            "add {item} to my {name} list",
            "add {item} to the {name} list",
            "put {item} on the {name} list",
            "put {item} on my {name} list",
        )
    ),
    # Vacuums: by name, or a room cleaned ("sweeping" said in Chinese and "send … home" are repaired).
    *(
        _vacuum("HassVacuumStart", "en", template, _NAME, "Started the {slot.name}.")
        for template in ("start {name}", "start the {name}")
    ),
    # Cleaning said without a device ("start vacuuming"): the vacuum by its word, which the runner resolves
    # to the home's one vacuum, the satellite room's, or asks which.
    *(
        _vacuum("HassVacuumStart", "en", template, _THE_VACUUM["en"], "Started the vacuum.")
        for template in ("start vacuuming", "start cleaning")
    ),
    *(
        _vacuum("HassVacuumStart", "en", template, _AREA_VACUUMS, "Cleaning the {slot.area}.")
        for template in ("clean the {area}", "vacuum the {area}")
    ),
    *(
        _vacuum("HassVacuumReturnToBase", "en", template, _NAME, "Sent the {slot.name} back to its base.")
        for template in ("return {name} to base", "return the {name} to base", "send the {name} home")
    ),
    # The weather now: condition and temperature.
    *(
        _weather("en", template, "The weather now: {steps.s1.output}, {steps.s2.output}.")
        for template in ("what's the weather", "what is the weather like", "how's the weather")
    ),
)

#: Short Chinese questions of the temperature now, as their requests render (no slot said).
_TEMPERATURE_NOW = ("现在几度", "几度了", "屋里几度", "室温是多少")

_SIMPLIFIED: tuple[StarterPlan, ...] = (
    _switch("HassTurnOn", "zh", "打开{name}", _NAME, "已打开{slot.name}。"),
    _switch("HassTurnOff", "zh", "关闭{name}", _NAME, "已关闭{slot.name}。"),
    # 关上 / 把…关上 / 把…关了 stay below γ from 关闭{name} (0.73–0.74), unlike 打开's forms.
    _switch("HassTurnOff", "zh", "关上{name}", _NAME, "已关闭{slot.name}。"),
    _switch("HassTurnOff", "zh", "把{name}关上", _NAME, "已关闭{slot.name}。"),
    _switch("HassTurnOff", "zh", "把{name}关了", _NAME, "已关闭{slot.name}。"),
    _switch("HassTurnOn", "zh", "打开{area}的灯", _AREA_LIGHTS, "已打开{slot.area}的灯。"),
    # 0.71 from "把{area}的窗帘关了", 0.65 from the fan's: below γ.
    _switch("HassTurnOff", "zh", "把{area}的灯关了", _AREA_LIGHTS, "已关闭{slot.area}的灯。"),
    _switch("HassTurnOff", "zh", "关闭{area}的灯", _AREA_LIGHTS, "已关闭{slot.area}的灯。"),
    _service(
        "HassLightSet",
        "zh",
        "把{name}调成{color}色",
        "light.turn_on",
        _NAME,
        "已把{slot.name}调成{slot.color}色。",
        {"color_name": "{slot.color}"},
    ),
    _service(
        "HassLightSet",
        "zh",
        "把{area}的灯调成{color}色",
        "light.turn_on",
        _AREA_LIGHTS,
        "已把{slot.area}的灯调成{slot.color}色。",
        {"color_name": "{slot.color}"},
    ),
    *(
        _service("HassLightSet", "zh", template, "light.turn_on", target, reply, _WHITE)
        for template, target, reply in (
            ("把{name}调成{color_temp}", _NAME, "已把{slot.name}调成{slot.color_temp}。"),
            ("把{name}调成{color_temp}色", _NAME, "已把{slot.name}调成{slot.color_temp}色。"),
            ("把{area}的灯调成{color_temp}", _AREA_LIGHTS, "已把{slot.area}的灯调成{slot.color_temp}。"),
            ("把{area}的灯调成{color_temp}色", _AREA_LIGHTS, "已把{slot.area}的灯调成{slot.color_temp}色。"),
        )
    ),
    _switch(
        "HassTurnOn",
        "zh",
        "打开{area}和{area_2}的灯",
        _TWO_AREAS_LIGHTS,
        "已打开{slot.area}和{slot.area_2}的灯。",
    ),
    _switch(
        "HassTurnOff",
        "zh",
        "关闭{area}和{area_2}的灯",
        _TWO_AREAS_LIGHTS,
        "已关闭{slot.area}和{slot.area_2}的灯。",
    ),
    _switch_later(
        "HassTurnOn",
        "zh",
        "{minutes}分钟后打开{area}的灯",
        _AREA_LIGHTS,
        "好的，{slot.minutes}分钟后打开{slot.area}的灯。",
    ),
    _switch_later(
        "HassTurnOff",
        "zh",
        "{minutes}分钟后关闭{area}的灯",
        _AREA_LIGHTS,
        "好的，{slot.minutes}分钟后关闭{slot.area}的灯。",
    ),
    # "五分钟后关灯": 灯 is the name the runner resolves (the satellite room's light, or the only one).
    _switch_later(
        "HassTurnOff", "zh", "{minutes}分钟后关{name}", _NAME, "好的，{slot.minutes}分钟后关{slot.name}。"
    ),
    _switch_later(
        "HassTurnOn", "zh", "{minutes}分钟后开{name}", _NAME, "好的，{slot.minutes}分钟后开{slot.name}。"
    ),
    _switch("HassTurnOn", "zh", "打开{name}和{name_2}", _TWO_NAMES, "已打开{slot.name}和{slot.name_2}。"),
    _switch("HassTurnOff", "zh", "关闭{name}和{name_2}", _TWO_NAMES, "已关闭{slot.name}和{slot.name_2}。"),
    _set_brightness(
        "zh", "把{name}亮度调到{brightness}", _NAME, "已把{slot.name}的亮度调到{slot.brightness}%。"
    ),
    # Said without 亮度: the parser's position, made a brightness by ha_repairs.py.
    _set_brightness(
        "zh", "把{area}的灯调到{brightness}%", _AREA_LIGHTS, "已把{slot.area}的灯调到{slot.brightness}%。"
    ),
    _set_brightness("zh", "把{name}调到{brightness}%", _NAME, "已把{slot.name}调到{slot.brightness}%。"),
    _switch("HassTurnOn", "zh", "打开所有的灯", _ALL_LIGHTS, "已打开所有的灯。"),
    _switch("HassTurnOff", "zh", "关闭所有的灯", _ALL_LIGHTS, "已关闭所有的灯。"),
    # The home's curtains (0.64-0.76 from the lights' plans, which must not serve them): only covers whose
    # class says so, never the garage door ("打开所有的窗帘" with every cover would open it).
    # And the home's windows (class window), which the cache never serves with the curtains' plans.
    *(
        _service(intent, "zh", f"{verb}所有的{thing}", action, target, f"已{verb}所有的{thing}。")
        for thing, target in (("窗帘", _ALL_CURTAINS), ("窗户", _ALL_WINDOWS))
        for intent, verb, action in (
            ("HassTurnOn", "打开", "cover.open_cover"),
            ("HassTurnOff", "关闭", "cover.close_cover"),
            ("HassTurnOff", "关上", "cover.close_cover"),
        )
    ),
    # The home said as a room (ha_repairs drops the area 家里): 0.66 from the curtains', 0.60 from the fans'.
    # Not "把家里的灯都打开": 0.749 from the curtains' wording.
    _switch("HassTurnOff", "zh", "家里的灯都关了", _ALL_LIGHTS, "已关闭家里所有的灯。"),
    _set_temperature(
        "zh", "把{area}温度调到{temperature}度", "已把{slot.area}的温度调到{slot.temperature}度。"
    ),
    _set_temperature(
        "zh", "把{name}调到{temperature}度", "已把{slot.name}调到{slot.temperature}度。", _NAMED_CLIMATE
    ),
    *(
        _set_temperature("zh", template, "已把{slot.area}的空调调到{slot.temperature}度。")
        for template in ("把{area}的空调调到{temperature}度", "把{area}空调调到{temperature}度")
    ),
    _service("HassTurnOn", "zh", "锁上{name}", "lock.lock", _NAME, "已锁上{slot.name}。"),
    _service("HassTurnOff", "zh", "解锁{name}", "lock.unlock", _NAME, "已解锁{slot.name}。"),
    _service(
        "HassTurnOn", "zh", "打开{area}的窗帘", "cover.open_cover", _AREA_COVERS, "已打开{slot.area}的窗帘。"
    ),
    _service(
        "HassTurnOff",
        "zh",
        "关闭{area}的窗帘",
        "cover.close_cover",
        _AREA_COVERS,
        "已关闭{slot.area}的窗帘。",
    ),
    _service(
        "HassTurnOff",
        "zh",
        "关上{area}的窗帘",
        "cover.close_cover",
        _AREA_COVERS,
        "已关上{slot.area}的窗帘。",
    ),
    # Windows are covers like curtains (0.94 apart), but the reply says what was asked for.
    _service(
        "HassTurnOn", "zh", "打开{area}的窗户", "cover.open_cover", _AREA_COVERS, "已打开{slot.area}的窗户。"
    ),
    _service(
        "HassTurnOff",
        "zh",
        "关闭{area}的窗户",
        "cover.close_cover",
        _AREA_COVERS,
        "已关闭{slot.area}的窗户。",
    ),
    _service(
        "HassTurnOff",
        "zh",
        "关上{area}的窗户",
        "cover.close_cover",
        _AREA_COVERS,
        "已关上{slot.area}的窗户。",
    ),
    # A room's device of another kind by its word ("打开卧室的空调", "关掉客厅的电视": ``ha_repairs`` makes the
    # word the name) or by its own name there ("打开客厅的加湿器"); the runner finds it in that room.
    *(
        _switch("HassTurnOn", "zh", template, _AREA_NAME, "已打开{slot.area}的{slot.name}。")
        for template in ("打开{area}的{name}", "把{area}的{name}打开", "开启{area}的{name}")
    ),
    *(
        _switch("HassTurnOff", "zh", template, _AREA_NAME, "已关闭{slot.area}的{slot.name}。")
        for template in (
            "关闭{area}的{name}",
            "关掉{area}的{name}",
            "把{area}的{name}关了",
            "把{area}的{name}关掉",
        )
    ),
    # Cover positions: a room's curtains or windows (every cover there, as 打开{area}的窗帘), or one by name.
    *(
        _position("zh", template, _AREA_COVERS, f"已把{{slot.area}}的{thing}调到{{slot.position}}%。")
        for thing in ("窗帘", "窗户")
        for template in (
            f"把{{area}}的{thing}开到{{position}}",
            f"把{{area}}的{thing}开到{{position}}%",
            f"把{{area}}{thing}调到{{position}}%",
            f"{{area}}{thing}开到{{position}}%",
        )
    ),
    *(
        _position("zh", template, _NAME, "已把{slot.name}调到{slot.position}%。")
        for template in ("把{name}开到{position}%", "把{name}调到{position}%", "把{name}开到{position}")
    ),
    _read_state("zh", "{name}是多少", _NAME, "{slot.name}是{steps.s1.output}。"),
    # Yes/no questions: the state is said in Home Assistant's own words for it ("前门：已锁定。").
    _read_state("zh", "{name}锁了吗", _NAME, "{slot.name}：{steps.s1.output}。"),
    _read_state("zh", "{name}开了吗", _NAME, "{slot.name}：{steps.s1.output}。"),
    _read_state("zh", "{name}关了吗", _NAME, "{slot.name}：{steps.s1.output}。"),
    # "卧室的空调开了吗": a device word in a room (``repair_device_question``).
    _read_state("zh", "{area}的{name}开了吗", _AREA_NAME, "{slot.area}的{slot.name}：{steps.s1.output}。"),
    _read_state("zh", "{area}的{name}关了吗", _AREA_NAME, "{slot.area}的{slot.name}：{steps.s1.output}。"),
    _read_state("zh", "{area}的灯开着吗", _AREA_LIGHTS, "{slot.area}的灯：{steps.s1.output}。"),
    _read_state(
        "zh",
        "{area}的温度是多少",
        _AREA_CLIMATE_TEMPERATURE,
        "{slot.area}的温度是{steps.s1.output}。",
        intent="HassClimateGetTemperature",
    ),
    # Short questions said to a satellite ("现在多少度", "温度多少"): its room is the unsaid {area}
    # (``context_area``), and the request's template ("现在多少度") is 0.84–0.86 from the first three. The
    # same asked in other words ("现在几度", "室温是多少": ``repair_temperature_question``) is no 0.75 from
    # them: those plans are written as such a request renders (the unsaid area is in the signature only).
    *(
        dataclasses.replace(
            _read_state(
                "zh",
                template,
                _AREA_CLIMATE_TEMPERATURE,
                "{slot.area}现在是{steps.s1.output}。",
                intent="HassClimateGetTemperature",
            ),
            unsaid=unsaid,
        )
        for template, unsaid in (
            *((said, frozenset[str]()) for said in ("{area}现在多少度", "{area}多少度", "{area}温度多少")),
            *((words, frozenset({"area"})) for words in _TEMPERATURE_NOW),
        )
    ),
    # No room said or known: every thermostat.
    *(
        _read_state(
            "zh",
            template,
            _CLIMATE_TEMPERATURES,
            "现在是{steps.s1.output}。",
            intent="HassClimateGetTemperature",
        )
        for template in ("现在多少度", *_TEMPERATURE_NOW)
    ),
    _read_state(
        "zh",
        "{name}现在多少度",
        _NAMED_CLIMATE_TEMPERATURE,
        "{slot.name}现在是{steps.s1.output}。",
        intent="HassClimateGetTemperature",
    ),
    # Media (停止播放, 切歌 and 暂停电视 are read as such by ``repairs_intents``).
    *_media_plans("zh", _MEDIA_CHINESE),
    # Scenes and scripts started by their name ("启动回家模式", "执行晚安").
    *(
        _switch("HassTurnOn", "zh", template, _NAME, "已启动{slot.name}。")
        for template in ("启动{name}", "执行{name}", "激活{name}")
    ),
    # The shopping list (Home Assistant's Chinese sentences have no intent for it: ``repair_list_verb``).
    *(
        _shopping_list("zh", template, "已把{slot.item}加到购物清单。")
        for template in (
            "把{item}加到购物清单",
            "把{item}加入购物清单",
            "把{item}加到购物清单里",
            "购物清单里加上{item}",
            "往购物清单里加{item}",
        )
    ),
    *(
        _vacuum("HassVacuumStart", "zh", template, _NAME, "{slot.name}开始打扫了。")
        for template in ("{name}开始打扫", "{name}开始清洁", "{name}开始清扫", "让{name}开始清洁")
    ),
    # Sweeping said without a device ("开始扫地": ``repair_vacuum_activity`` drops the activity as a name).
    *(
        _vacuum("HassVacuumStart", "zh", template, _THE_VACUUM["zh"], "开始扫地了。")
        for template in ("开始扫地", "去扫地", "开始打扫", "扫一下地", "打扫卫生", "开始拖地", "开始吸尘")
    ),
    *(
        _vacuum("HassVacuumStart", "zh", template, _AREA_VACUUMS, "开始打扫{slot.area}。")
        for template in ("打扫{area}", "打扫一下{area}", "扫一下{area}")
    ),
    *(
        _vacuum("HassVacuumReturnToBase", "zh", template, _NAME, "{slot.name}正在返回充电。")
        for template in ("{name}返回充电", "{name}返回基站", "{name}回去充电")
    ),
    # The weather now (``repairs_intents.repair_weather_question`` reads the short forms as HassGetWeather).
    *(
        _weather("zh", template, "现在的天气：{steps.s1.output}，{steps.s2.output}。")
        for template in ("今天天气怎么样", "天气怎么样", "天气如何")
    ),
)


#: A light one step brighter or dimmer: 20 % of its full brightness, as Home Assistant's ``brightness_step_pct``
#: (a light that is off comes on at 20 % when brightened and stays off when dimmed).
_STEP_BRIGHTNESS = {"StepLightBrighter": "20", "StepLightDimmer": "-20"}
#: A player one step louder or quieter: the player's own volume step.
_STEP_VOLUME = {"StepVolumeUp": "media_player.volume_up", "StepVolumeDown": "media_player.volume_down"}
_NAMED_LIGHT = {"name": "{slot.name}", "domain": "light"}
_AREA_PLAYERS = {"area": "{slot.area}", "domain": "media_player"}
_HERE = frozenset({"area"})

#: (intent, the ways of saying it, target, reply, unsaid slots) for the steps up and down
#: (``repairs_levels.repair_relative_step``). A light step without a room or a name is the satellite's room
#: (its unsaid area); said in the text dialog it is planned. A volume step without a player is what plays.
type _StepLine = tuple[str, tuple[str, ...], Mapping[str, str], str, frozenset[str]]

_STEPS_ENGLISH: tuple[_StepLine, ...] = (
    (
        "StepLightDimmer",
        ("dim the {area} {domain}",),
        _AREA_KIND,
        "Dimmed the {slot.area} {slot.domain}.",
        frozenset(),
    ),
    (
        "StepLightDimmer",
        ("dim the {area} {domain}s", "turn down the {area} {domain}s"),
        _AREA_KIND,
        "Dimmed the {slot.area} {slot.domain}s.",
        frozenset(),
    ),
    (
        "StepLightBrighter",
        ("brighten the {area} {domain}",),
        _AREA_KIND,
        "Brightened the {slot.area} {slot.domain}.",
        frozenset(),
    ),
    (
        "StepLightBrighter",
        ("brighten the {area} {domain}s", "make the {area} {domain}s brighter"),
        _AREA_KIND,
        "Brightened the {slot.area} {slot.domain}s.",
        frozenset(),
    ),
    (
        "StepLightDimmer",
        ("dim the {area}", "dim the lights in the {area}"),
        _AREA_LIGHTS,
        "Dimmed the lights in the {slot.area}.",
        frozenset(),
    ),
    (
        "StepLightBrighter",
        ("brighten the {area}", "brighten the lights in the {area}"),
        _AREA_LIGHTS,
        "Brightened the lights in the {slot.area}.",
        frozenset(),
    ),
    (
        "StepLightDimmer",
        ("dim the {name}", "make the {name} darker"),
        _NAMED_LIGHT,
        "Dimmed the {slot.name}.",
        frozenset(),
    ),
    (
        "StepLightBrighter",
        ("brighten the {name}", "make the {name} brighter"),
        _NAMED_LIGHT,
        "Brightened the {slot.name}.",
        frozenset(),
    ),
    ("StepLightDimmer", ("dim the lights", "make it darker"), _AREA_LIGHTS, "Dimmed the lights.", _HERE),
    (
        "StepLightBrighter",
        ("brighten the lights", "make it brighter"),
        _AREA_LIGHTS,
        "Brightened the lights.",
        _HERE,
    ),
    (
        "StepVolumeUp",
        ("turn up the volume", "turn the volume up", "louder", "turn up the music", "turn the music up"),
        _PLAYING,
        "Turned it up.",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        (
            "turn down the volume",
            "turn the volume down",
            "quieter",
            "turn down the music",
            "turn the music down",
        ),
        _PLAYING,
        "Turned it down.",
        frozenset(),
    ),
    (
        "StepVolumeUp",
        (
            "turn up the volume on the {name}",
            "turn the {name} volume up",
            "turn up the {name}",
            "turn the {name} up",
        ),
        _NAMED_PLAYER,
        "Turned up the {slot.name}.",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        (
            "turn down the volume on the {name}",
            "turn the {name} volume down",
            "turn down the {name}",
            "turn the {name} down",
        ),
        _NAMED_PLAYER,
        "Turned down the {slot.name}.",
        frozenset(),
    ),
    (
        "StepVolumeUp",
        (
            "turn up the volume on the {area} {domain}",
            "turn up the {area} {domain}",
            "turn the {area} {domain} up",
        ),
        _AREA_KIND,
        "Turned up the {slot.area} {slot.domain}.",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        (
            "turn down the volume on the {area} {domain}",
            "turn down the {area} {domain}",
            "turn the {area} {domain} down",
        ),
        _AREA_KIND,
        "Turned down the {slot.area} {slot.domain}.",
        frozenset(),
    ),
    (
        "StepVolumeUp",
        ("turn up the volume in the {area}",),
        _AREA_PLAYERS,
        "Turned up the {slot.area}.",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        ("turn down the volume in the {area}",),
        _AREA_PLAYERS,
        "Turned down the {slot.area}.",
        frozenset(),
    ),
)
_STEPS_CHINESE: tuple[_StepLine, ...] = (
    (
        "StepLightDimmer",
        ("把{area}的灯调暗一点", "{area}的灯调暗一点", "把{area}的灯调暗"),
        _AREA_LIGHTS,
        "已把{slot.area}的灯调暗。",
        frozenset(),
    ),
    (
        "StepLightBrighter",
        ("把{area}的灯调亮一点", "{area}的灯调亮一点", "把{area}的灯调亮"),
        _AREA_LIGHTS,
        "已把{slot.area}的灯调亮。",
        frozenset(),
    ),
    (
        "StepLightDimmer",
        ("把{name}调暗一点", "{name}调暗一点", "把{name}关小一点"),
        _NAMED_LIGHT,
        "已把{slot.name}调暗。",
        frozenset(),
    ),
    (
        "StepLightBrighter",
        ("把{name}调亮一点", "{name}调亮一点", "把{name}开大一点"),
        _NAMED_LIGHT,
        "已把{slot.name}调亮。",
        frozenset(),
    ),
    ("StepLightDimmer", ("调暗一点", "把灯调暗一点", "灯调暗一点"), _AREA_LIGHTS, "已把灯调暗。", _HERE),
    ("StepLightBrighter", ("调亮一点", "把灯调亮一点", "灯调亮一点"), _AREA_LIGHTS, "已把灯调亮。", _HERE),
    (
        "StepVolumeUp",
        ("大声一点", "音量调大一点", "把音量调大一点", "声音大一点", "把音乐开大一点"),
        _PLAYING,
        "已调大音量。",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        ("小声一点", "音量调小一点", "把音量调小一点", "声音小一点", "把音乐关小一点"),
        _PLAYING,
        "已调小音量。",
        frozenset(),
    ),
    (
        "StepVolumeUp",
        (
            "把{name}的声音调大一点",
            "把{name}的音量调大一点",
            "{name}大声一点",
            "把{name}开大一点",
            "把{name}调大一点",
        ),
        _NAMED_PLAYER,
        "已调大{slot.name}的音量。",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        (
            "把{name}的声音调小一点",
            "把{name}的音量调小一点",
            "{name}小声一点",
            "把{name}关小一点",
            "把{name}关小",
        ),
        _NAMED_PLAYER,
        "已调小{slot.name}的音量。",
        frozenset(),
    ),
    (
        "StepVolumeUp",
        ("把{area}{name}的声音调大一点", "把{area}{name}的音量调大一点", "把{area}{name}开大一点"),
        _AREA_NAMED_PLAYER,
        "已调大{slot.area}{slot.name}的音量。",
        frozenset(),
    ),
    (
        "StepVolumeDown",
        ("把{area}{name}的声音调小一点", "把{area}{name}的音量调小一点", "把{area}{name}关小一点"),
        _AREA_NAMED_PLAYER,
        "已调小{slot.area}{slot.name}的音量。",
        frozenset(),
    ),
)


#: A thermostat's target one degree up or down (``repairs_levels.repair_temperature_step``): every exposed
#: thermostat of the room said, or of the home when no room is said (most homes have one; "turn up the heat"
#: in a home with two raises both). The runner moves each target from where it is (``TEMPERATURE_STEP_KEY``).
_STEP_TEMPERATURE = {"StepTemperatureUp": "1", "StepTemperatureDown": "-1"}
_HOME_CLIMATE = {"domain": "climate"}
_AREA_CLIMATE = {"area": "{slot.area}", "domain": "climate"}

_TEMPERATURE_STEPS_ENGLISH: tuple[_StepLine, ...] = (
    (
        "StepTemperatureUp",
        (
            "turn up the heat",
            "turn the heat up",
            "turn up the thermostat",
            "raise the temperature",
            "make it warmer",
        ),
        _HOME_CLIMATE,
        "Raised the temperature by one degree.",
        frozenset(),
    ),
    (
        "StepTemperatureDown",
        (
            "turn down the heat",
            "turn the heat down",
            "turn down the thermostat",
            "lower the temperature",
            "make it cooler",
        ),
        _HOME_CLIMATE,
        "Lowered the temperature by one degree.",
        frozenset(),
    ),
    (
        "StepTemperatureUp",
        ("turn up the heat in the {area}", "raise the temperature in the {area}", "make the {area} warmer"),
        _AREA_CLIMATE,
        "Raised the {slot.area} temperature by one degree.",
        frozenset(),
    ),
    (
        "StepTemperatureDown",
        ("turn down the heat in the {area}", "lower the temperature in the {area}", "make the {area} cooler"),
        _AREA_CLIMATE,
        "Lowered the {slot.area} temperature by one degree.",
        frozenset(),
    ),
)
_TEMPERATURE_STEPS_CHINESE: tuple[_StepLine, ...] = (
    (
        "StepTemperatureUp",
        ("把温度调高一点", "温度调高一点", "调高温度", "把暖气调高一点"),
        _HOME_CLIMATE,
        "已把温度调高一度。",
        frozenset(),
    ),
    (
        "StepTemperatureDown",
        ("把温度调低一点", "温度调低一点", "调低温度", "把暖气调低一点"),
        _HOME_CLIMATE,
        "已把温度调低一度。",
        frozenset(),
    ),
    (
        "StepTemperatureUp",
        ("把{area}的温度调高一点", "{area}温度调高一点"),
        _AREA_CLIMATE,
        "已把{slot.area}的温度调高一度。",
        frozenset(),
    ),
    (
        "StepTemperatureDown",
        ("把{area}的温度调低一点", "{area}温度调低一点"),
        _AREA_CLIMATE,
        "已把{slot.area}的温度调低一度。",
        frozenset(),
    ),
)


#: (intent, the ways of saying it, target, reply) for mute and unmute (``repairs_levels.repair_mute_command``):
#: ``media_player.volume_mute``. Without a player, what plays is muted, and any player unmuted.
type _MuteLine = tuple[str, tuple[str, ...], Mapping[str, str], str]
_ANY_PLAYER = {"domain": "media_player"}

_MUTE_ENGLISH: tuple[_MuteLine, ...] = (
    ("MuteMedia", ("mute", "mute the music"), _PLAYING, "Muted."),
    ("UnmuteMedia", ("unmute",), _ANY_PLAYER, "Unmuted."),
    ("MuteMedia", ("mute the {name}",), _NAMED_PLAYER, "Muted the {slot.name}."),
    ("UnmuteMedia", ("unmute the {name}",), _NAMED_PLAYER, "Unmuted the {slot.name}."),
    ("MuteMedia", ("mute the {area} {domain}",), _AREA_KIND, "Muted the {slot.area} {slot.domain}."),
    ("UnmuteMedia", ("unmute the {area} {domain}",), _AREA_KIND, "Unmuted the {slot.area} {slot.domain}."),
)
_MUTE_CHINESE: tuple[_MuteLine, ...] = (
    ("MuteMedia", ("静音",), _PLAYING, "已静音。"),
    ("UnmuteMedia", ("取消静音", "解除静音"), _ANY_PLAYER, "已取消静音。"),
    ("MuteMedia", ("{name}静音", "把{name}静音"), _NAMED_PLAYER, "已把{slot.name}静音。"),
    ("UnmuteMedia", ("{name}取消静音", "把{name}取消静音"), _NAMED_PLAYER, "已取消{slot.name}的静音。"),
    (
        "MuteMedia",
        ("{area}{name}静音", "把{area}的{name}静音"),
        _AREA_NAMED_PLAYER,
        "已把{slot.area}的{slot.name}静音。",
    ),
    (
        "UnmuteMedia",
        ("{area}{name}取消静音",),
        _AREA_NAMED_PLAYER,
        "已取消{slot.area}的{slot.name}的静音。",
    ),
)


#: A fan's speed in percent (``repairs_levels.repair_fan_speed``), as ``fan.set_percentage``: (the ways of
#: saying it, target, reply). A lone "the fan" / 风扇 is the device word, which the runner resolves to the only
#: fan, the satellite room's, or asks which.
type _FanLine = tuple[tuple[str, ...], Mapping[str, str], str]
_NAMED_FAN = {"name": "{slot.name}", "domain": "fan"}
_AREA_FANS = {"area": "{slot.area}", "domain": "fan"}
_FAN_SPEED = {"percentage": "{slot.percentage}"}

_FAN_ENGLISH: tuple[_FanLine, ...] = (
    (
        ("set the {name} to {percentage}%", "set the {name} speed to {percentage}%"),
        _NAMED_FAN,
        "Set the {slot.name} to {slot.percentage}%.",
    ),
    (
        ("set the {area} {domain} to {percentage}%", "set the {area} {domain} speed to {percentage}%"),
        _AREA_KIND,
        "Set the {slot.area} {slot.domain} to {slot.percentage}%.",
    ),
    (
        # The parser often leaves "fan" after a room untagged: the room's fans, said by the word.
        ("set the {area} fan to {percentage}%", "set the {area} fan speed to {percentage}%"),
        _AREA_FANS,
        "Set the {slot.area} fan to {slot.percentage}%.",
    ),
    (
        ("set the fan speed to {percentage}%", "set the fan to {percentage}%"),
        {"name": "fan", "domain": "fan"},
        "Set the fan to {slot.percentage}%.",
    ),
)
_FAN_CHINESE: tuple[_FanLine, ...] = (
    (
        ("把{name}调到{percentage}%", "把{name}开到{percentage}%"),
        _NAMED_FAN,
        "已把{slot.name}调到{slot.percentage}%。",
    ),
    (
        ("把{area}的风扇调到{percentage}%", "把{area}的风扇开到{percentage}%"),
        _AREA_FANS,
        "已把{slot.area}的风扇调到{slot.percentage}%。",
    ),
)


def _fan_plans(language: str, lines: Sequence[_FanLine]) -> tuple[StarterPlan, ...]:
    """The fan speed plans of ``lines``."""
    return tuple(
        _service("SetFanSpeed", language, template, "fan.set_percentage", target, reply, _FAN_SPEED)
        for templates, target, reply in lines
        for template in templates
    )


def _mute_plans(language: str, lines: Sequence[_MuteLine]) -> tuple[StarterPlan, ...]:
    """The mute plans of ``lines``."""
    return tuple(
        _service(
            intent,
            language,
            template,
            "media_player.volume_mute",
            target,
            reply,
            {"is_volume_muted": "true" if intent == "MuteMedia" else "false"},
        )
        for intent, templates, target, reply in lines
        for template in templates
    )


def _step_plans(language: str, lines: Sequence[_StepLine]) -> tuple[StarterPlan, ...]:
    """The step plans of ``lines``: ``light.turn_on`` with a brightness step, a thermostat's target a degree
    up or down, or the player's volume step."""
    plans = []
    for intent, templates, target, reply, unsaid in lines:
        for template in templates:
            if intent in _STEP_BRIGHTNESS:
                data = {"brightness_step_pct": _STEP_BRIGHTNESS[intent]}
                plan = _service(intent, language, template, "light.turn_on", target, reply, data)
            elif intent in _STEP_TEMPERATURE:
                data = {TEMPERATURE_STEP_KEY: _STEP_TEMPERATURE[intent]}
                plan = _service(intent, language, template, "climate.set_temperature", target, reply, data)
            else:
                plan = _service(intent, language, template, _STEP_VOLUME[intent], target, reply)
            plans.append(dataclasses.replace(plan, unsaid=unsaid))
    return tuple(plans)


#: The plans of the engine's own intents (steps up and down, mute, a fan's speed).
_OWN_ENGLISH: tuple[StarterPlan, ...] = (
    *_step_plans("en", _STEPS_ENGLISH),
    *_step_plans("en", _TEMPERATURE_STEPS_ENGLISH),
    *_mute_plans("en", _MUTE_ENGLISH),
    *_fan_plans("en", _FAN_ENGLISH),
)
_OWN_SIMPLIFIED: tuple[StarterPlan, ...] = (
    *_step_plans("zh", _STEPS_CHINESE),
    *_step_plans("zh", _TEMPERATURE_STEPS_CHINESE),
    *_mute_plans("zh", _MUTE_CHINESE),
    *_fan_plans("zh", _FAN_CHINESE),
)


def _in_traditional(starter: StarterPlan) -> StarterPlan:
    """The same plan in Traditional characters (Taiwan forms: 著, not 着), template and replies alike."""
    plan = json.loads(to_script(json.dumps(starter.plan, ensure_ascii=False), "zh-TW"))
    return StarterPlan(starter.intent, "zh-Hant", to_script(starter.template, "zh-TW"), plan, starter.unsaid)


# Traditional Chinese (zh-TW, zh-HK): the same plans, so the reply comes in the script that was used.
# The embedder keeps the scripts apart (把{area}的燈打開: 0.92 to 打開{area}的燈, 0.76 to 打开{area}的灯),
# and 關掉{area}的燈 reaches 關閉{area}的燈 (0.94) where the Simplified plans alone stay below γ.
STARTER_PLANS: tuple[StarterPlan, ...] = (
    *_ENGLISH,
    *_OWN_ENGLISH,
    *_SIMPLIFIED,
    *_OWN_SIMPLIFIED,
    *(_in_traditional(starter) for starter in (*_SIMPLIFIED, *_OWN_SIMPLIFIED)),
)


def seed_cache(cache: PlanCache, embedder: Embedder, plans: Sequence[StarterPlan] = STARTER_PLANS) -> int:
    """Add the starter plans the cache does not have yet (same intent, language, template and parameters);
    return how many.

    Only while the cache has room: a starter plan never pushes a plan out (the cache evicts the least
    recently used, which may be one your planner made). A cache smaller than the starter set gets the
    first ones, English before Chinese.

    Blocking (one embedding per added plan, ~1 ms each): call it from an executor thread. Runs at every
    setup, so it asks the cache's template index instead of copying every cached plan.
    """
    added = 0
    for starter in plans:
        if len(cache) >= cache.max_entries:
            break
        if cache.has_template(starter.intent, starter.language, starter.template, starter.parameters):
            continue
        plan = Plan.from_dict(starter.plan)
        cache.add(
            intent=starter.intent,
            template_text=starter.template,
            embedding=embedder.embed(starter.template),
            plan=plan.to_dict(),
            parameters=plan.parameters,
            entities=plan.referenced_entities(),
            language=starter.language,
        )
        added += 1
    return added
