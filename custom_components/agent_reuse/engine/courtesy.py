"""Courtesy words taken out of a slot-stripped template before it is compared or cached.

Why: "could you turn off the porch light" and "turn off the porch light" need the same plan, but the shipped
embedder puts "could you turn off the {name}" only 0.70 from "turn off the {name}", below the reuse
threshold. Every polite request (the way many people talk to a voice satellite, and "请帮我…" / "麻烦…" in
Chinese) therefore went to the planner: seconds and tokens for a plan the cache already had, and offline a
spoken "could not plan". Words of courtesy carry no parameter and no action, so they are dropped from the
template; the request's own words and slots are untouched (the parse, the reply and the bound values still
come from what was said).

Only whole leading and trailing phrases are dropped, never words in the middle of a request, and never the
Chinese question particle 吗 alone ("{name}开了吗" asks for a state; "好吗" / "可以吗" only ask politely).
"""

from __future__ import annotations

import dataclasses
import re

from .template import Template, template_words

#: Leading courtesy, English ("could you please", "please", "I'd like you to") and Chinese (请, 麻烦你, 帮我,
#: 能不能, 可以, in Simplified and Traditional script). Applied repeatedly: "请你帮我" = 请你 + 帮我.
_LEADING = re.compile(
    r"^(?:"
    r"(?:please|kindly)\b"
    r"|(?:could|can|would|will)\s+you\b"
    r"|i\s*(?:'d|would)\s+like\s+you\s+to\b"
    r"|i\s+(?:want|need)\s+you\s+to\b"
    r"|请问|請問|请你|請你|请|請|麻烦你|麻煩你|麻烦|麻煩|劳驾|勞駕|帮个忙|幫個忙"
    r"|你能不能|能不能|你可不可以|可不可以|你可以|你能|能否|可以|帮忙|幫忙|帮我|幫我|替我"
    r")[\s,，]*",
    re.IGNORECASE,
)

#: Trailing courtesy: ", please", "for me", "thanks"; 好吗, 可以吗, 行吗, 谢谢, 一下 and the softening particles
#: (吧, 呗, 啦, 呀, 啊, 哦, 嘛). Applied repeatedly, with the punctuation around them.
_TRAILING = re.compile(
    r"[\s,，]*(?:"
    r"please|for\s+me|thanks|thank\s+you"
    r"|好吗|好嗎|好不好|可以吗|可以嗎|行吗|行嗎|行不行|谢谢你?|謝謝你?|一下"
    r"|(?<![酒网網贴貼])吧|呗|唄|啦|呀|啊|哦|喔|嘛"
    r")$",
    re.IGNORECASE,
)

#: "你能打开灯吗" / "可以关掉{name}吗": after a leading "can you", the final 吗 asks that, not for a state.
_CAN_YOU = re.compile(r"^(?:你能不能|能不能|你可不可以|可不可以|你可以|你能|能否|可以)")
_QUESTION = re.compile(r"[吗嗎]$")

#: Sentence punctuation at the end carries nothing a plan depends on ("is the {name} on?").
_END_PUNCTUATION = re.compile(r"[\s?.!？。！,，~～]+$")

#: "关一下{area}的灯", "打开一下…": 一下 right after the request's first verb softens it.
_VERB_THEN_A_BIT = re.compile(r"^(开|關|关|调|調|打开|打開|关掉|關掉|关闭|關閉|拉开|拉開|拉上)一下")


def plain_text(text: str) -> str:
    """``text`` without leading and trailing courtesy; ``text`` itself when nothing else would be left."""
    plain = _END_PUNCTUATION.sub("", text.strip())
    if _CAN_YOU.match(plain) and _QUESTION.search(plain):
        plain = _QUESTION.sub("", plain)
    while True:
        before = plain
        plain = _END_PUNCTUATION.sub("", plain)
        plain = _LEADING.sub("", plain, count=1)
        plain = _TRAILING.sub("", plain, count=1)
        plain = _VERB_THEN_A_BIT.sub(r"\1", plain, count=1)
        if plain == before:
            break
    if not _has_words(plain):
        return text.strip()
    return plain


def without_courtesy(template: Template) -> Template:
    """``template`` with its courtesy dropped (the signature is unchanged: courtesy is never a slot)."""
    plain = plain_text(template.text)
    return template if plain == template.text else dataclasses.replace(template, text=plain)


def _has_words(text: str) -> bool:
    """Something besides placeholders and punctuation: a template that is only "{name}" says no action."""
    return any(ch.isalnum() for ch in template_words(text))
