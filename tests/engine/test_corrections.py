"""Which utterances are spoken corrections ("that's wrong", "不对") and which are commands."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.corrections import is_correction


@pytest.mark.parametrize(
    "text",
    [
        "That's wrong!",
        "that’s wrong",
        "no, that was wrong.",
        "Wrong device please",
        "not that one",
        "不对！",
        "不对，不对",
        "你搞错了吧",
        "搞錯了",
        "不是这个",
        " 错了 ",
    ],
)
def test_corrections(text: str) -> None:
    assert is_correction(text)


@pytest.mark.parametrize(
    "text",
    [
        "turn off the wrong light",
        "what is wrong with the heater",
        "把灯关掉，不对",
        "错误的灯关掉",
        "不是",
        "",
        "   ",
        "!!!",
        "wrong " * 20,
    ],
)
def test_commands_are_not_corrections(text: str) -> None:
    assert not is_correction(text)
