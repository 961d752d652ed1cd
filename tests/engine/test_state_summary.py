"""Questions about several devices are told apart from questions about one and from commands."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.ha_repairs import repair
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.state_summary import (
    asks_about_several,
    home_assistant_wording,
    is_summary_question,
)


@pytest.mark.parametrize(
    "text",
    [
        "which lights are on",
        "Which doors are unlocked?",
        "how many lights are on in the kitchen",
        "are any lights on",
        "is there any window open",
        "are all the lights off",
        "哪些灯开着",
        "哪个門鎖了？",
        "有几个窗帘是关着的？",
        "有幾盞燈開著",
        "厨房有没有开关开着？",
        "有灯开着吗",
        "所有的开关都开着吗？",
        "门是不是都锁着",
        "哪盏灯亮着",
        "开着的灯有哪些",
        "还有灯开着吗",
    ],
)
def test_questions_about_several_devices(text: str) -> None:
    assert asks_about_several(text)


@pytest.mark.parametrize(
    "text",
    [
        "is the porch light on",
        "卧室的灯开着吗",
        "turn on the lights",
        "把灯都关了",  # all of them, but a command
        "把所有灯都关了",  # the 有 of 所有 is no "is there any"
        "所有的灯都关了",
        "打开所有的灯",
        "what is the temperature",
        "哪些灯",  # no state asked about
        "",
    ],
)
def test_questions_about_one_device_and_commands_are_not(text: str) -> None:
    assert not asks_about_several(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("哪些灯开着", "zh"),
        ("which lights are on in the kitchen", "en"),
        ("how many lights are on", "en"),
        ("which lights are still on", "en"),  # unknown to the parser
        ("what lights are on", "en"),
        ("which lights did I leave on", "en"),
    ],
)
def test_the_parsers_command_becomes_a_state_question(
    joint_parser: JointParser, text: str, language: str
) -> None:
    """ "哪些灯开着" was HassTurnOn (0.89), "which lights are on in the kitchen" too: never a command to run."""
    parsed = repair(joint_parser.parse(text, language))
    assert parsed.intent == "HassGetState"
    assert is_summary_question(parsed)


def test_a_question_about_one_device_stays_with_the_cache(joint_parser: JointParser) -> None:
    assert not is_summary_question(repair(joint_parser.parse("is the porch light on", "en")))
    assert not is_summary_question(repair(joint_parser.parse("turn on the kitchen lights", "en")))


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("有几盏灯开着", "有几个灯开着"),
        ("哪几盏灯开着", "哪些灯开着"),
        ("哪盏灯亮着", "哪个灯开着"),
        ("有多少盏灯开着？", "有多少灯开着？"),
        ("哪些燈亮著", "哪些燈開著"),
        ("哪些灯没关", "哪些灯开着"),
        ("还有灯开着吗", "有灯开着吗"),
        ("开着的灯有哪些？", "哪些灯开着？"),
        ("which lights are still on", "which lights are on"),
        ("how many lights are turned on", "how many lights are on"),
        ("are any of the lights on", "are any lights on"),
        ("what lights are on", "which lights are on"),
        ("which lights did I leave on", "which lights are on"),
        ("what doors did we leave unlocked", "which doors are unlocked"),
        ("what is the temperature", "what is the temperature"),  # no plural asked about
        # Already Home Assistant's words.
        ("哪些灯开着", "哪些灯开着"),
        ("are all the lights off", "are all the lights off"),
    ],
)
def test_home_assistant_is_asked_in_its_own_words(said: str, asked: str) -> None:
    assert home_assistant_wording(said) == asked
