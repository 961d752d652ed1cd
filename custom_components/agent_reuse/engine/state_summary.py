"""Questions about several devices at once: "which lights are on", "how many doors are locked", "are all
the lights off", "哪些灯开着", "有几个窗帘关了", "厨房有没有灯开着".

Why: these need a count, a list of only the devices in the state asked for, or a yes with the exceptions
("No, Bed Light is not on", "不，卧室灯除外"). A plan can read states, but its reply can only say each
state it read, and nothing at all when none is in that state. And the parser read the Chinese ones as
commands ("哪些灯开着" as HassTurnOn, 0.89), whose plans a question must never run. Home Assistant's own
sentences cover exactly these questions, in English and Chinese, with the answers people expect; so the
host answers them (the integration asks Home Assistant's matcher, for a state question only) and a
wording it does not know goes on through the cache and the planner as before.

:func:`is_summary_question` tells these apart from questions about one device ("is the porch light on",
served by the cache). :func:`asks_about_several` is the test on the words alone, which the repairs use to
turn such a question read as a command into a state question.
"""

from __future__ import annotations

import re

from .nlu import ParsedRequest
from .repairs_words import GET_STATE

#: "what lights are …" / "what doors did I leave …": "which", asked with a plural.
_WHAT_PLURAL = r"what(?=\s+(?:\w+\s+){0,2}?\w+s\s+(?:are|did)\b)"
#: "which …", "how many …", "are any / is there any …", "are all / is every …" at the start.
_ENGLISH = re.compile(
    rf"^\s*(?:which\b|{_WHAT_PLURAL}|how\s+many\b|(?:is|are)\s+(?:there\s+)?any\b|(?:is|are)\s+(?:all|every)\b)",
    re.IGNORECASE,
)

#: 哪些 / 哪个 / 几个 / 多少 / 有没有 …: which, how many, whether any. (Simplified and Traditional.)
_CHINESE_MARKER = re.compile(r"哪些|哪一|哪几|哪幾|[哪几幾][个個盏盞台臺扇把部只隻]|多少|有没有|有沒有")

#: "所有的灯都开着吗", "门是不是都锁着": whether all are (都 with a question).
_CHINESE_ALL = re.compile(r"(?:所有|全部|都).*(?:吗|嗎|么|麼)\s*[?？]?\s*$|是不是都|是否都")

#: A state said in Chinese: what the question is about ("哪些灯开着": on).
_STATE_WORDS = (
    "开着|開著|关着|關著|亮着|亮著|锁着|鎖著|开了|開了|关了|關了|锁了|鎖了|锁上了|鎖上了|没锁|沒鎖|没关|沒關|"
    "打开着|打開著|关闭着|關閉著|开启着|開啟著|低电量|電量低|电量低"
)
_CHINESE_STATE = re.compile(_STATE_WORDS)

#: "有灯开着吗", "厨房有开关开着吗": whether any is (有, a few characters, a state). Not the 有 of 所有: "把所有灯都
#:关了" (turn every light off) is a command.
_CHINESE_ANY = re.compile(rf"(?<!所)有[^吗嗎]{{0,8}}?(?:{_STATE_WORDS})")


def asks_about_several(text: str) -> bool:
    """Whether ``text`` asks which, how many, whether any or whether all devices are in a state."""
    if _ENGLISH.match(text):
        return True
    if not _CHINESE_STATE.search(text):
        return False
    return bool(_CHINESE_MARKER.search(text) or _CHINESE_ALL.search(text) or _CHINESE_ANY.search(text))


#: Wordings of the same question that Home Assistant's sentences do not have, and the ones they do:
#: measure words (几盏 → 几个), "lit" for "on", "not off" for "on", "still" (还有), "what" for "which",
#: "did I leave on" for "are on". Grammar only: what is
#: asked is unchanged. Simplified and Traditional.
_HOME_ASSISTANT_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"哪几[个個盏盞台臺扇把部只隻]?"), "哪些"),
    (re.compile(r"哪[盏盞台臺扇把部只隻]"), "哪个"),
    (re.compile(r"([几幾])[盏盞台臺扇把部只隻]"), r"\1个"),
    (re.compile(r"多少[个個盏盞台臺扇把部只隻]"), "多少"),
    (re.compile(r"亮着|没关"), "开着"),
    (re.compile(r"亮著|沒關"), "開著"),
    (re.compile(r"^(\s*)[还還]有"), r"\1有"),
    (re.compile(r"^\s*(开着|開著|关着|關著|锁着|鎖著)的(.+?)有哪些\s*([?？]?)\s*$"), r"哪些\2\1\3"),
    # English: "still on", "turned on" / "switched off", "any of the lights".
    (re.compile(r"(?<![a-z])(?:still|turned|switched)\s+(on|off)(?![a-z])", re.IGNORECASE), r"\1"),
    (re.compile(r"(?<![a-z])(any|all)\s+of\s+(?:the|my|our)\s+", re.IGNORECASE), r"\1 "),
    # "what lights are on" → "which lights are on"; "which lights did I leave on" → "which lights are on".
    (re.compile(rf"^(\s*){_WHAT_PLURAL}", re.IGNORECASE), r"\1which"),
    (
        re.compile(
            r"(?<![a-z])did\s+(?:i|we|you|they|someone|somebody)\s+leave\s+(on|off|open|unlocked)(?![a-z])",
            re.IGNORECASE,
        ),
        r"are \1",
    ),
)


def home_assistant_wording(text: str) -> str:
    """``text`` in the words Home Assistant's own sentences use for the same question ("有几盏灯开着" →
    "有几个灯开着", "哪些灯亮着" → "哪些灯开着", "which lights are still on" → "which lights are on")."""
    for pattern, replacement in _HOME_ASSISTANT_WORDING:
        text = pattern.sub(replacement, text)
    return text


def is_summary_question(parsed: ParsedRequest) -> bool:
    """Whether the host should answer ``parsed``: a state question (after the repairs) about several
    devices. A question about one device, or anything else, is not."""
    return parsed.label_space == "ha" and parsed.intent == GET_STATE and asks_about_several(parsed.text)
