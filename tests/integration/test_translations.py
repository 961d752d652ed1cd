"""Static checks of the integration's metadata: what hassfest would catch for a core integration.

Custom integrations only ship ``translations/*.json``; ``strings.json`` (with ``[%key:…%]`` references) is
the source. These tests keep them in step, and make sure every key the code uses has a text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from homeassistant.core import HomeAssistant
from homeassistant.helpers.icon import async_get_icons

from custom_components.agent_reuse.const import DOMAIN

ROOT = Path(__file__).parents[2]
COMPONENT = ROOT / "custom_components" / DOMAIN
_REFERENCE = re.compile(r"\[%key:component::agent_reuse::(.+)%\]")


def _resolve(value: Any, root: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, root) for key, item in value.items()}
    if isinstance(value, str) and (match := _REFERENCE.fullmatch(value)):
        target: Any = root
        for part in match.group(1).split("::"):
            target = target[part]
        return target
    return value


def _keys(value: Any, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return set()
    found = set()
    for key, item in value.items():
        found.add(prefix + key)
        found |= _keys(item, f"{prefix}{key}.")
    return found


def _placeholders(value: Any) -> dict[str, set[str]]:
    if isinstance(value, dict):
        merged: dict[str, set[str]] = {}
        for key, item in value.items():
            for path, names in _placeholders(item).items():
                merged[f"{key}.{path}" if path else key] = names
        return merged
    return {"": set(re.findall(r"\{(\w+)\}", value))} if isinstance(value, str) else {}


def test_english_translation_is_strings_json_resolved() -> None:
    strings = json.loads((COMPONENT / "strings.json").read_text())
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())
    assert english == _resolve(strings, strings)


def test_chinese_translation_has_the_same_keys_and_placeholders() -> None:
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())
    chinese = json.loads((COMPONENT / "translations" / "zh-Hans.json").read_text())
    assert _keys(chinese) == _keys(english)
    assert _placeholders(chinese) == _placeholders(english)


def test_every_key_the_code_uses_has_a_text() -> None:
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())
    code = "\n".join(path.read_text() for path in COMPONENT.glob("*.py"))
    known = set(english["issues"]) | set(english["exceptions"]) | set(english["entity"]["sensor"])
    used = set(re.findall(r'translation_key="(\w+)"', code))
    assert used, "the pattern no longer finds the keys"
    assert used <= known, used - known
    for error in set(re.findall(r'"(cannot_connect|invalid_auth|invalid_url|already_configured)"', code)):
        assert error in english["config"]["error"]
        assert error in english["options"]["error"]


def test_services_yaml_matches_the_strings() -> None:
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text())
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())
    assert set(services) == set(english["services"])
    for name, service in services.items():
        assert set(service["fields"]) == set(english["services"][name]["fields"])


def test_manifest_and_hacs() -> None:
    manifest = json.loads((COMPONENT / "manifest.json").read_text())
    assert manifest["domain"] == DOMAIN
    assert manifest["config_flow"] is True
    assert manifest["version"]
    engine_pins = [
        line.strip()
        for line in (ROOT / "requirements" / "engine.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert manifest["requirements"] == engine_pins
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert hacs["name"] == manifest["name"]


async def test_every_service_and_sensor_has_an_icon(hass: HomeAssistant) -> None:
    """Read through Home Assistant's own icon loader (what the frontend is sent), not the file directly."""
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text())
    english = json.loads((COMPONENT / "translations" / "en.json").read_text())

    icons = (await async_get_icons(hass, "services", [DOMAIN]))[DOMAIN]
    entity_icons = (await async_get_icons(hass, "entity", [DOMAIN]))[DOMAIN]

    assert set(icons) == set(services)
    assert all(icon["service"].startswith("mdi:") for icon in icons.values())
    assert set(entity_icons["sensor"]) == set(english["entity"]["sensor"])
    assert all(icon["default"].startswith("mdi:") for icon in entity_icons["sensor"].values())
