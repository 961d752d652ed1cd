"""Device words in any case and either Chinese script mean the same Home Assistant domain."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.device_words import domain_of_word


@pytest.mark.parametrize(
    ("word", "domain"),
    [
        ("Lights", "light"),
        ("  fan ", "fan"),
        ("灯", "light"),
        ("燈", "light"),  # Traditional, read through zh_script
        ("空調", "climate"),
        ("冷氣", "climate"),  # Taiwan's word for it, in Traditional script
        ("電視", "media_player"),
        ("掃地機器人", "vacuum"),
        ("kitchen", None),
        ("", None),
    ],
)
def test_domain_of_a_device_word(word: str, domain: str | None) -> None:
    assert domain_of_word(word) == domain
