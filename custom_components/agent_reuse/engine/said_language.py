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

from .speech import has_cjk, speech_language
from .zh_script import script_of_text


def said_language(text: str, language: str) -> str:
    """``language``, or the language ``text`` is evidently in when that is the other one of en / zh."""
    chinese_pipeline = speech_language(language) != "en"
    if has_cjk(text):
        return language if chinese_pipeline else script_of_text(text)
    if chinese_pipeline and any(ch.isascii() and ch.isalpha() for ch in text):
        return "en"
    return language
