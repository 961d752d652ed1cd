"""Spoken corrections: "that's wrong" / "不对" right after a reused plan acted.

Why: the error-budget mode learns from reuses found wrong, and the person who notices first is the one who
just spoke. A voice user cannot look up a trace id for ``agent_reuse.report_wrong_reuse``; they say "that's
wrong". Only short, whole utterances count (the list below, after dropping punctuation, case and polite
filler), so a command that merely contains "wrong" or "不对" is never taken for a correction.
"""

from __future__ import annotations

import re
import unicodedata

_EN = {
    "wrong",
    "that's wrong",
    "that is wrong",
    "that was wrong",
    "no that's wrong",
    "no that is wrong",
    "no that was wrong",
    "that's not right",
    "that is not right",
    "that was not right",
    "that wasn't right",
    "that's not what i meant",
    "that is not what i meant",
    "that's not what i asked",
    "not that one",
    "wrong one",
    "wrong device",
    "you got it wrong",
    "you did it wrong",
    "you did the wrong thing",
}
_ZH = {
    "不对",
    "错了",
    "不对不对",
    "搞错了",
    "弄错了",
    "你搞错了",
    "你弄错了",
    "你错了",
    "这不对",
    "这样不对",
    "不是这个",
    "不是这样",
    "不是这个意思",
    "做错了",
    "开错了",
    "关错了",
    "錯了",
    "不對",
    "搞錯了",
    "弄錯了",
}
_FILLER = re.compile(r"^(?:no|nope|hey|oh|um|uh|sorry)\s+|\s+(?:please|again)$")
_ZH_FILLER = re.compile(r"^(?:不是|哎|哎呀|唉)(?=.)|[吧啊呀]$")


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    text = "".join(" " if unicodedata.category(ch).startswith("P") and ch != "'" else ch for ch in text)
    return " ".join(text.split())


def is_correction(text: str) -> bool:
    """Whether the whole utterance says the previous action was wrong (English or Chinese)."""
    if not isinstance(text, str) or len(text) > 60:
        return False
    normalized = _normalize(text)
    if not normalized:
        return False
    if normalized in _EN or _FILLER.sub("", normalized) in _EN:
        return True
    compact = normalized.replace(" ", "")
    return compact in _ZH or _ZH_FILLER.sub("", compact) in _ZH
