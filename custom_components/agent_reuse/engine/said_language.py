"""The language a request was said in, where its text says otherwise than the language it came with.

Why: an Assist pipeline has one language, and so does the text dialog that uses it, but a bilingual
household types and says both. The cache serves each language family its own plans, so Chinese text that
arrived as English searched only English plans: "开灯" in an English pipeline reused "open the {name}"
and tried to open a cover called 灯. The parser reads both languages; the text decides which one it is.
Chinese characters mean Chinese (Traditional when most of its script-specific characters are Traditional);
Latin letters without any Chinese character in a Chinese pipeline mean English. The reply then comes in
the language the user used. Everything else keeps the language it came with.
"""

from __future__ import annotations

from collections.abc import Iterable

from .speech import has_cjk, speech_language
from .zh_script import script_of, script_of_text


def said_language(text: str, language: str) -> str:
    """``language``, or the language ``text`` is evidently in when that is the other one of en / zh."""
    chinese_pipeline = speech_language(language) != "en"
    if has_cjk(text):
        return language if chinese_pipeline else script_of_text(text)
    if chinese_pipeline and any(ch.isascii() and ch.isalpha() for ch in text):
        return "en"
    return language


def name_in_language(name: str, aliases: Iterable[str], language: str) -> str:
    """The name of a room (or device) to use in a request of ``language``: for Chinese, a Chinese alias
    when the name itself is not Chinese (one in the request's script first, then the first in order).

    Why: a satellite's room is added to a request the user did not say it in ("现在多少度" in the bedroom),
    and the reply says it: "卧室现在是23 °C。", not "Bedroom现在是23 °C。". Home Assistant finds the area by
    its aliases just as by its name.
    """
    script = script_of(language)
    if not script or has_cjk(name):
        return name
    chinese = sorted(alias for alias in aliases if has_cjk(alias))
    same_script = [alias for alias in chinese if script_of_text(alias) == script]
    return (same_script or chinese or [name])[0]
