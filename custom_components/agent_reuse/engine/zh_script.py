"""Simplified ↔ Traditional Chinese for reply texts, character by character.

Why: the cache serves one language *family* — a plan cached for "打开客厅的灯" (zh-CN) also serves
"打開客廳的燈" (zh-TW), because the steps are the same. Its reply text is not: a Traditional speaker should
read and hear 已打開客廳的燈, not 已打开客厅的灯. Replies are short sentences, so mapping each character to
its commonest counterpart (OpenCC's tables, Taiwan and Hong Kong forms applied after; built by
``dev/make_zh_script_table.py``) is enough; names the user said come through the slots unchanged.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .speech import speech_language

_TABLE = Path(__file__).with_name("zh_script.json")


@cache
def _tables() -> dict[str, dict[int, str]]:
    raw: dict[str, Any] = json.loads(_TABLE.read_text(encoding="utf-8"))
    maps = {name: {ord(k): v for k, v in raw[name].items()} for name in ("to_simplified", "to_traditional")}
    for region in ("taiwan", "hong_kong"):
        variants = {ord(k): v for k, v in raw[region].items()}
        # Simplified → Traditional, then the region's forms (裏 → 裡 in Taiwan, 臺 → 台 in Hong Kong).
        maps[region] = {
            key: variants.get(ord(value), value) for key, value in maps["to_traditional"].items()
        } | variants
    return maps


def script_of(language: str) -> str:
    """``"zh-Hans"`` or ``"zh-Hant"`` for Chinese language codes, ``""`` for anything else."""
    lang = speech_language(language)
    return lang if lang != "en" else ""


def to_script(text: str, language: str) -> str:
    """``text`` in the script of ``language`` (zh-TW / zh-HK forms where they differ); other languages: as is."""
    script = script_of(language)
    if not script:
        return text
    if script == "zh-Hans":
        return text.translate(_tables()["to_simplified"])
    region = language.strip().lower().replace("_", "-")
    if region.endswith(("-hk", "-mo")):
        return text.translate(_tables()["hong_kong"])
    if region.endswith("-tw"):
        return text.translate(_tables()["taiwan"])
    return text.translate(_tables()["to_traditional"])


def script_of_text(text: str) -> str:
    """``"zh-Hant"`` when more of the text's characters are Traditional-only than Simplified-only, else
    ``"zh-Hans"`` (most characters, 的 or 灯 alike, are written the same in both)."""
    tables = _tables()
    traditional = sum(tables["to_simplified"].get(ord(ch), ch) != ch for ch in text)
    simplified = sum(tables["to_traditional"].get(ord(ch), ch) != ch for ch in text)
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def needs_conversion(plan_language: str, request_language: str) -> bool:
    """Whether a plan made for ``plan_language`` speaks another Chinese script than the request."""
    plan_script, request_script = script_of(plan_language), script_of(request_language)
    return bool(plan_script and request_script and plan_script != request_script)


def with_replies_in(plan: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of a plan document whose ``respond`` templates are in the script of ``language``.

    Only the plan's own reply text changes: placeholders are ASCII, and the slot values bound into them
    later are what the user said.
    """
    steps = []
    for step in plan.get("steps", []):
        if (
            isinstance(step, dict)
            and step.get("action") == "respond"
            and isinstance(step.get("inputs"), dict)
        ):
            inputs = dict(step["inputs"])
            if isinstance(inputs.get("template"), str):
                inputs["template"] = to_script(inputs["template"], language)
            step = {**step, "inputs": inputs}
        steps.append(step)
    return {**plan, "steps": steps}
