"""Courtesy words leave the template; the words a plan depends on stay."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.courtesy import plain_text, without_courtesy
from custom_components.agent_reuse.engine.template import Template


@pytest.mark.parametrize(
    ("template", "plain"),
    [
        ("could you turn off the {name}", "turn off the {name}"),
        ("Could you please turn off the {name}?", "turn off the {name}"),
        ("please turn on the {area} {domain}", "turn on the {area} {domain}"),
        ("can you turn on the {area} {domain} please", "turn on the {area} {domain}"),
        ("would you lock the {name}, please.", "lock the {name}"),
        ("turn off the {name} {domain} for me", "turn off the {name} {domain}"),
        ("turn on the {name}, thanks!", "turn on the {name}"),
        ("I'd like you to turn on the {name}", "turn on the {name}"),
        ("is the {name} on?", "is the {name} on"),
        ("请帮我打开{area}的灯", "打开{area}的灯"),
        ("請幫我打開{area}的燈", "打開{area}的燈"),
        ("麻烦把{area}的灯关掉", "把{area}的灯关掉"),
        ("打开{area}的灯好吗？", "打开{area}的灯"),
        ("帮我关一下{area}的灯", "关{area}的灯"),
        ("把{area}的灯打开一下吧", "把{area}的灯打开"),
        ("你能打开{area}的灯吗", "打开{area}的灯"),
        ("可以帮我把{area}的灯打开吗", "把{area}的灯打开"),
        ("请问{area}的灯开着吗", "{area}的灯开着吗"),
    ],
)
def test_courtesy_is_dropped(template: str, plain: str) -> None:
    assert plain_text(template) == plain


@pytest.mark.parametrize(
    "template",
    [
        # The question particle alone asks for a state.
        "{name}开了吗",
        "{area}的灯开着吗",
        # Words in the middle of a request are its own.
        "turn on the {name} please and the {name_2}",
        "set the {name} to {brightness} percent",
        # 吧 of a bar is a word, not a particle.
        "附近的酒吧",
        # Nothing but courtesy, or courtesy and a placeholder: nothing to drop it for.
        "please",
        "{name} please",
        "谢谢",
        # "pleased" is not "please".
        "pleased to meet you",
    ],
)
def test_words_that_are_not_courtesy_stay(template: str) -> None:
    assert plain_text(template) == template


def test_without_courtesy_keeps_the_signature() -> None:
    template = Template("could you turn on the {area} {domain}", frozenset({"area", "domain"}))
    plain = without_courtesy(template)
    assert plain == Template("turn on the {area} {domain}", frozenset({"area", "domain"}))
    unchanged = Template("turn on the {area} {domain}", frozenset({"area", "domain"}))
    assert without_courtesy(unchanged) is unchanged
