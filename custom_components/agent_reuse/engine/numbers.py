"""Spoken numbers as digits: "百分之五十" → "50%", "二十六度" → "26度", "fifty percent" → "50 percent".

Why: speech-to-text writes numbers either way ("set the light to fifty percent", "把灯调到百分之五十"), the
parser learned them from Home Assistant's test sentences, which use digits, and a plan passes the slot value
on as service data (``brightness_pct: "五十"`` is refused by Home Assistant). Before this, "百分之五十" was not
even recognised as a brightness, and "fifty percent" came out as the slot "fi".

Only numbers that are certainly quantities are rewritten: followed by a unit (percent, degrees, minutes,
seconds, hours; 度, %, 分钟, 秒, 小时), after 百分之, or closing a "set … to <number>" request. Names that
contain a number word ("三楼", "one light", "Living Room Two") are left as said: the home's names must still
match.
"""

from __future__ import annotations

import re
from typing import Final

# -- Chinese ------------------------------------------------------------------------------------------------

_ZH_DIGITS: Final = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_ZH_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
_ZH_NUM: Final = "[零〇一二两兩三四五六七八九十百千]+(?:[点點][零〇一二三四五六七八九]+)?"
_ZH_AFTER: Final = "度|%|％|分钟|分鐘|秒钟|秒鐘|秒|个小时|個小時|小时|小時"
_ZH_SET_TO: Final = (
    "调到|调至|调成|调为|設為|设为|设成|设置为|设置成|設置為|調到|調至|調成|調為|設成|到|为|為"
)
_ZH_PATTERN: Final = re.compile(
    rf"百分之(?P<pct>{_ZH_NUM})"
    rf"|(?P<unit>{_ZH_NUM})(?={_ZH_AFTER})"
    rf"|(?P<lead>{_ZH_SET_TO})(?P<end>{_ZH_NUM})(?=[。！？!?，,\s]*$)"
)


def chinese_number(numeral: str) -> str | None:
    """The digits of a Chinese numeral ("二十六" → "26", "一百" → "100", "三点五" → "3.5"); None if it is
    not a well-formed number."""
    whole, _, fraction = numeral.replace("點", "点").partition("点")
    value = _chinese_integer(whole)
    if value is None:
        return None
    if fraction:
        digits = "".join(str(_ZH_DIGITS[ch]) for ch in fraction if ch in _ZH_DIGITS)
        if len(digits) != len(fraction):
            return None
        return f"{value}.{digits}"
    return str(value)


def _chinese_integer(numeral: str) -> int | None:
    if not numeral:
        return None
    if all(ch in _ZH_DIGITS for ch in numeral):
        if len(numeral) == 1:
            return _ZH_DIGITS[numeral]
        # Read digit by digit ("二零二六") only without units; a lone 两/兩 is a number, "两两" is not.
        if "两" in numeral or "兩" in numeral:
            return None
        return int("".join(str(_ZH_DIGITS[ch]) for ch in numeral))
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in numeral:
        if ch in _ZH_DIGITS:
            if digit is not None and _ZH_DIGITS[ch] != 0:
                return None  # two digits in a row inside a unit numeral ("二三十")
            digit = _ZH_DIGITS[ch] if _ZH_DIGITS[ch] != 0 else None
        else:
            unit = _ZH_UNITS[ch]
            if unit >= last_unit:
                return None  # "十百", "百百"
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
    if digit is not None:
        total += digit
    return total


# -- English ------------------------------------------------------------------------------------------------

_EN_ONES: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_EN_FIRST: Final = "|".join(sorted([*_EN_ONES, *_EN_TENS, "a"], key=len, reverse=True))
_EN_WORD: Final = "|".join(sorted([*_EN_ONES, *_EN_TENS, "hundred", "and"], key=len, reverse=True))
_EN_DIGIT: Final = "|".join(word for word, value in _EN_ONES.items() if value < 10)
# A number starts with a number word (or "a" of "a hundred"), never with "and" or "hundred".
_EN_NUM: Final = rf"(?:{_EN_FIRST})(?:[\s-]+(?:{_EN_WORD}))*(?:\s+point(?:\s+(?:{_EN_DIGIT}))+)?"
_EN_AFTER: Final = r"\s*(?:%|percent\b|per\s+cent\b|degrees?\b|°|minutes?\b|seconds?\b|hours?\b)"
_EN_PATTERN: Final = re.compile(
    rf"\b(?P<unit>{_EN_NUM})(?={_EN_AFTER})|(?<=\bto\s)(?P<end>{_EN_NUM})(?=[\s.!?]*$)", re.IGNORECASE
)


def english_number(words: str) -> str | None:
    """The digits of English number words ("twenty two" → "22", "one hundred" → "100", "twenty point five"
    → "20.5"); None if they are not one well-formed number."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t]
    whole, fraction = tokens, []
    if "point" in tokens:
        at = tokens.index("point")
        whole, fraction = tokens[:at], tokens[at + 1 :]
    value = _english_integer(whole)
    if value is None:
        return None
    if fraction:
        if not all(t in _EN_ONES and _EN_ONES[t] < 10 for t in fraction):
            return None
        return f"{value}." + "".join(str(_EN_ONES[t]) for t in fraction)
    return str(value)


def _english_integer(tokens: list[str]) -> int | None:
    if not tokens or tokens[0] == "and" or tokens[-1] in ("and", "a"):
        return None
    total = 0
    current: int | None = None
    for i, token in enumerate(tokens):
        if token == "a":
            if i + 1 >= len(tokens) or tokens[i + 1] != "hundred" or current is not None:
                return None
            current = 1
        elif token == "and":
            if total == 0 or current is not None:
                return None
        elif token == "hundred":
            if current is None or current >= 10:
                return None
            total += current * 100
            current = None
        elif token in _EN_TENS:
            if current is not None:
                return None
            current = _EN_TENS[token]
        elif token in _EN_ONES:
            if current is not None and (current % 10 != 0 or current < 20 or _EN_ONES[token] >= 10):
                return None  # "five six", "twenty eleven"
            current = _EN_ONES[token] + (current or 0)
        else:
            return None
    return total + (current or 0)


# -- both -------------------------------------------------------------------------------------------------


def spoken_numbers_to_digits(text: str) -> str:
    """``text`` with the quantities it says in words written as digits (see the module docstring)."""
    if not text:
        return text

    def zh(match: re.Match[str]) -> str:
        numeral = match.group("pct") or match.group("unit") or match.group("end")
        value = chinese_number(numeral)
        if value is None:
            return match.group(0)
        if match.group("pct"):
            return f"{value}%"
        return (match.group("lead") or "") + value

    def en(match: re.Match[str]) -> str:
        words = match.group("unit") or match.group("end")
        value = english_number(words)
        return match.group(0) if value is None else value

    return _EN_PATTERN.sub(en, _ZH_PATTERN.sub(zh, text))
