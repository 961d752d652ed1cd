"""Repairs of confusions the parser makes in Home Assistant's label space (:func:`repair`).

The repairs live by what they settle:

* :mod:`.repairs_switching` — which thing a command switches, and which way (bare Chinese switching commands,
  curtain verbs, device words cut short, "turn off the ac");
* :mod:`.repairs_levels` — brightness, temperature, volume and colour: set to a value, or stepped (planned);
* :mod:`.repairs_intents` — what the words rule in or out: questions, media and vacuum directions, negations,
  mute, weather and broadcasts without their words, list items.

Nothing else is changed; other label spaces are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from .nlu import ParsedRequest
from .repairs_intents import (
    repair_delayed_command,
    repair_for_a_while,
    repair_how_long,
    repair_list_item,
    repair_list_verb,
    repair_media_command,
    repair_media_step,
    repair_mute,
    repair_negation,
    repair_question,
    repair_setting_question,
    repair_temperature_question,
    repair_time_left,
    repair_timer_cancel,
    repair_unsaid_intent,
    repair_vacuum_activity,
    repair_vacuum_errand,
    repair_vacuum_word,
    repair_weather_name,
    repair_weather_question,
)
from .repairs_levels import (
    repair_brightness,
    repair_chinese_colour,
    repair_cover_position,
    repair_duration,
    repair_fan_speed,
    repair_half_brightness,
    repair_level_of_another_kind,
    repair_mute_command,
    repair_player_turned_up_or_down,
    repair_relative_change,
    repair_relative_level,
    repair_relative_step,
    repair_room_thermostat,
    repair_temperature_step,
    repair_thermostat_number,
    repair_white_temperature,
)
from .repairs_switching import (
    repair_curtain_verb,
    repair_device_question,
    repair_device_word_named_after_area,
    repair_home_as_area,
    repair_plural_device_word,
    repair_switch_command,
    repair_truncated_device_word,
    repair_two_kinds,
    repair_untagged_device_word,
)


def repair(parsed: ParsedRequest) -> ParsedRequest:
    """Every repair (see the module doc), in order: switching commands and questions first."""
    for one in _REPAIRS:
        parsed = one(parsed)
    return parsed


#: The order matters: a switching command or a question is settled before the intent-specific repairs look.
_REPAIRS: tuple[Callable[[ParsedRequest], ParsedRequest], ...] = (
    repair_for_a_while,
    repair_delayed_command,
    repair_truncated_device_word,
    # Before the device words after a room: "打开卧室空调" (read as HassLightSet) must be a command first.
    repair_switch_command,
    repair_untagged_device_word,
    repair_device_word_named_after_area,
    repair_plural_device_word,
    repair_home_as_area,
    repair_two_kinds,
    repair_curtain_verb,
    repair_question,
    repair_device_question,
    repair_how_long,
    repair_time_left,
    repair_timer_cancel,
    repair_brightness,
    repair_cover_position,
    repair_half_brightness,
    repair_duration,
    repair_media_step,
    repair_media_command,
    repair_vacuum_activity,
    repair_vacuum_errand,
    repair_vacuum_word,
    repair_relative_change,
    repair_relative_level,
    repair_level_of_another_kind,
    repair_white_temperature,  # before the colours: 暖白色 is no colour 白
    repair_chinese_colour,
    repair_mute,
    repair_negation,
    repair_setting_question,
    repair_unsaid_intent,
    repair_weather_question,
    repair_temperature_question,
    repair_weather_name,
    repair_thermostat_number,
    repair_room_thermostat,
    # Whatever the parser said ("turn up the heat": switching on; "把卧室的温度调高一点": a light's level).
    repair_temperature_step,
    repair_list_verb,
    repair_list_item,
    # Last: only what every repair above left unknown is a step up or down, a mute or a fan's speed.
    repair_relative_step,
    repair_player_turned_up_or_down,
    repair_mute_command,
    repair_fan_speed,
)
