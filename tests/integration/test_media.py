"""Media players in a real Home Assistant: pause, resume, skip and the volume, served by starter plans.

Before, "pause", "下一首" and "set the volume to 30%" had no plan: every one went to the planner (the offline
demo's small model plans nothing right). Assist's own handlers pick players by what they are doing — pause
what is playing, resume what is paused — and so do these plans, the satellite's room first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from custom_components.agent_reuse.runners import volume_fraction
from tests.planner_fixture import PlannerServer

from .conftest import ask, demo_home, last_trace, place_in, satellite_in, setup_agent, speech

KITCHEN_SPEAKER = "media_player.kitchen_speaker"  # plays the demo's music player "Kitchen", track 1
BEDROOM_SPEAKER = "media_player.bedroom_speaker"  # plays the demo's music player "Walkman", track 1
BEDROOM_TV = "media_player.bedroom_tv"  # plays the demo's YouTube player "Bedroom": it cannot skip
LIVING_ROOM_TV = "media_player.living_room"  # never exposed


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    """Two exposed speakers, one in the kitchen and one in the bedroom, and a TV in the bedroom, all playing.

    The demo's players have no unique id (so no area); Home Assistant's ``universal`` player, which passes
    everything to the demo's, has one.
    """
    speakers = [
        {"platform": "universal", "name": name, "unique_id": name, "children": [child], "device_class": kind}
        for name, child, kind in (
            ("Kitchen Speaker", "media_player.kitchen", "speaker"),
            ("Bedroom Speaker", "media_player.walkman", "speaker"),
            ("Bedroom TV", "media_player.bedroom", "tv"),
        )
    ]
    assert await async_setup_component(hass, "media_player", {"media_player": speakers})
    async with demo_home(hass, [Platform.LIGHT, Platform.MEDIA_PLAYER]) as furnished:
        place_in(furnished, KITCHEN_SPEAKER, "Kitchen")
        place_in(furnished, BEDROOM_SPEAKER, "Bedroom")
        place_in(furnished, BEDROOM_TV, "Bedroom")
        for entity_id in (KITCHEN_SPEAKER, BEDROOM_SPEAKER, BEDROOM_TV):
            async_expose_entity(furnished, "conversation", entity_id, True)
        yield furnished


def state_of(home: HomeAssistant, entity_id: str) -> str:
    state = home.states.get(entity_id)
    assert state is not None
    return state.state


async def test_pause_and_resume_what_plays_the_satellites_room_first(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    bedroom = satellite_in(home, "Bedroom")
    tv_before = home.states.get(LIVING_ROOM_TV)

    # (request, language, satellite, reply, then the bedroom's and the kitchen's speaker); without a
    # satellite (the text dialog) no room is known, so whatever plays (or is paused) in the home.
    for text, language, device, reply, states in (
        ("pause", "en", bedroom, "Paused.", ("paused", "playing")),
        ("暂停音乐", "zh-Hans", None, "已暂停。", ("paused", "paused")),
        ("resume", "en", bedroom, "Resumed.", ("playing", "paused")),
        ("继续播放", "zh-Hans", None, "已继续播放。", ("playing", "playing")),
    ):
        result = await ask(home, entry, text, language, device)
        assert speech(result) == reply
        assert (state_of(home, BEDROOM_SPEAKER), state_of(home, KITCHEN_SPEAKER)) == states

    # A room's device by its word: "speaker" after the room, untagged by the parser, is its kind.
    result = await ask(home, entry, "pause the kitchen speaker")
    assert last_trace(entry)["template_text"] == "pause the {area} {domain}"
    assert speech(result) == "Paused the kitchen speaker."
    assert (state_of(home, BEDROOM_SPEAKER), state_of(home, KITCHEN_SPEAKER)) == ("playing", "paused")

    assert home.states.get(LIVING_ROOM_TV) == tv_before  # not exposed: never touched
    assert planner.calls() == 0


async def test_skip_and_the_volume_act_on_what_plays(home: HomeAssistant, planner: PlannerServer) -> None:
    """The bedroom TV plays too but cannot skip: it is left out (Home Assistant refused the whole call)."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    bedroom = satellite_in(home, "Bedroom")

    result = await ask(home, entry, "next song", device_id=bedroom)
    assert speech(result) == "Playing the next one."
    assert home.states.get(BEDROOM_SPEAKER).attributes["media_track"] == 2
    assert home.states.get(KITCHEN_SPEAKER).attributes["media_track"] == 1
    result = await ask(home, entry, "切歌", "zh-Hans", bedroom)  # "切" was a device name
    assert speech(result) == "已切到下一首。"
    assert home.states.get(BEDROOM_SPEAKER).attributes["media_track"] == 3
    await ask(home, entry, "上一首", "zh-Hans", bedroom)
    assert home.states.get(BEDROOM_SPEAKER).attributes["media_track"] == 2

    # The volume is said as a percentage; Home Assistant's is 0–1.
    result = await ask(home, entry, "set the volume to 30%", device_id=bedroom)
    assert speech(result) == "Volume set to 30%."
    assert home.states.get(BEDROOM_SPEAKER).attributes["volume_level"] == pytest.approx(0.3)
    result = await ask(home, entry, "把音量调到百分之五十", "zh-Hans")  # no room: every player that plays
    assert speech(result) == "已把音量调到50%。"
    for speaker in (BEDROOM_SPEAKER, KITCHEN_SPEAKER):
        assert home.states.get(speaker).attributes["volume_level"] == pytest.approx(0.5)
    assert planner.calls() == 0


async def test_nothing_playing_is_said_not_done(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await home.services.async_call(
        "media_player",
        "media_pause",
        {"entity_id": [KITCHEN_SPEAKER, BEDROOM_SPEAKER, BEDROOM_TV]},
        blocking=True,
    )
    result = await ask(home, entry, "next song")
    assert result.response.response_type.value == "error"
    assert "no media player is playing" in speech(result)
    result = await ask(home, entry, "下一首", "zh-Hans")
    assert "没有正在播放的播放器" in speech(result)
    assert home.states.get(KITCHEN_SPEAKER).attributes["media_track"] == 1
    assert planner.calls() == 0


async def test_only_a_player_that_cannot_do_it_is_said_so(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    bedroom = satellite_in(home, "Bedroom")
    await home.services.async_call(
        "media_player", "media_pause", {"entity_id": [KITCHEN_SPEAKER, BEDROOM_SPEAKER]}, blocking=True
    )
    result = await ask(home, entry, "下一首", "zh-Hans", bedroom)  # only the TV plays
    assert "没有能这样做的播放器" in speech(result)


async def test_asking_which_one_does_not_count_against_the_plan(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "暂停音箱" with two speakers and no room asks which one. That is the request's doing, not the plan's:
    asked twice, it dropped the plan (two failures) that every "暂停{name}" needed."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    for _ in range(3):
        result = await ask(home, entry, "暂停音箱", "zh-Hans")
        assert "请说是哪一个" in speech(result)
    result = await ask(home, entry, "暂停音箱", "zh-Hans", satellite_in(home, "Kitchen"))
    assert (last_trace(entry)["outcome"], speech(result)) == ("hit", "已暂停音箱。")
    assert (state_of(home, KITCHEN_SPEAKER), state_of(home, BEDROOM_SPEAKER)) == ("paused", "playing")
    assert planner.calls() == 0


async def test_a_tv_is_a_tv(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "暂停电视" with no room asked which of the three players; the speakers are no TVs."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    result = await ask(home, entry, "暂停电视", "zh-Hans")
    assert speech(result) == "已暂停电视。"
    assert state_of(home, BEDROOM_TV) == "paused"
    assert (state_of(home, BEDROOM_SPEAKER), state_of(home, KITCHEN_SPEAKER)) == ("playing", "playing")


@pytest.mark.parametrize(
    ("said", "level"),
    [("30", 0.3), ("30%", 0.3), (75, 0.75), ("100", 1.0), ("0.4", 0.4), (0.4, 0.4), ("loud", "loud")],
)
def test_a_volume_said_as_a_percentage_is_home_assistants_fraction(said: object, level: object) -> None:
    assert volume_fraction(said) == level


async def test_a_rooms_player_by_its_word_or_a_player_by_its_name(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "暂停卧室电视", "厨房的音箱下一首" and "next song on the kitchen speaker" went to the planner: the
    parser left the player's word untagged (or read the whole name as a room), so no plan took the request."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    # The bedroom's TV, not the bedroom's speaker: the word says the kind.
    result = await ask(home, entry, "暂停卧室电视", "zh-Hans")
    assert last_trace(entry)["template_text"] == "暂停{area}{name}"
    assert speech(result) == "已暂停卧室的电视。"
    assert (state_of(home, BEDROOM_TV), state_of(home, BEDROOM_SPEAKER)) == ("paused", "playing")

    result = await ask(home, entry, "厨房的音箱下一首", "zh-Hans")
    assert speech(result) == "厨房的音箱已切到下一首。"
    assert home.states.get(KITCHEN_SPEAKER).attributes["media_track"] == 2
    assert home.states.get(BEDROOM_SPEAKER).attributes["media_track"] == 1

    # The whole name, which the parser read as a room the home does not have.
    result = await ask(home, entry, "next song on the bedroom speaker")
    assert last_trace(entry)["template_text"] == "next song on the {name}"
    assert speech(result) == "Playing the next one on the bedroom speaker."
    assert home.states.get(BEDROOM_SPEAKER).attributes["media_track"] == 2
    assert home.states.get(KITCHEN_SPEAKER).attributes["media_track"] == 2

    result = await ask(home, entry, "把厨房音箱的音量调到三十", "zh-Hans")
    assert speech(result) == "已把厨房的音箱音量调到30%。"
    assert home.states.get(KITCHEN_SPEAKER).attributes["volume_level"] == pytest.approx(0.3)
    assert home.states.get(BEDROOM_SPEAKER).attributes["volume_level"] != pytest.approx(0.3)
    assert planner.calls() == 0


async def test_a_player_there_that_cannot_or_does_not_play_is_said_so(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """Home Assistant names the first filter that left nothing — the room or the name — so "卧室电视下一首"
    (a TV that cannot skip) was answered "卧室没有叫“电视”的播放器" and "next song in the kitchen" (nothing
    playing there) "there is no media player in the kitchen"."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    result = await ask(home, entry, "卧室电视下一首", "zh-Hans")
    assert last_trace(entry)["template_text"] == "{area}{name}下一首"
    assert speech(result) == "抱歉，卧室没有能这样做的播放器。"
    assert (
        home.states.get(BEDROOM_SPEAKER).attributes["media_track"] == 1
    )  # the speaker beside it is not skipped

    await home.services.async_call(
        "media_player", "media_pause", {"entity_id": KITCHEN_SPEAKER}, blocking=True
    )
    result = await ask(home, entry, "next song in the kitchen")
    assert speech(result) == "Sorry, no media player in the kitchen is playing."
    assert home.states.get(KITCHEN_SPEAKER).attributes["media_track"] == 1
    assert planner.calls() == 0
