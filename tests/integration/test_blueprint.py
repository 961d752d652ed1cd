"""The shipped automation blueprint, installed into a real Home Assistant and triggered by a button."""

from __future__ import annotations

import shutil
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from tests.planner_fixture import PlannerServer

from .conftest import KITCHEN_LIGHT, plan_json, respond_step, service_step

BLUEPRINT = (
    Path(__file__).parents[2] / "blueprints" / "automation" / "agent_reuse" / "send_text_on_button.yaml"
)


async def test_button_blueprint_sends_the_request(
    agent: MockConfigEntry,
    home: HomeAssistant,
    planner: PlannerServer,
    config_dir: Path,
    hass_ws_client: WebSocketGenerator,
) -> None:
    target = config_dir / "blueprints" / "automation" / "agent_reuse" / BLUEPRINT.name
    target.parent.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target)
    assert await async_setup_component(home, "persistent_notification", {})
    assert await async_setup_component(
        home, "input_button", {"input_button": {"kitchen": {"name": "Kitchen"}}}
    )
    assert await async_setup_component(
        home,
        "automation",
        {
            "automation": {
                "alias": "Kitchen button",
                "use_blueprint": {
                    "path": f"agent_reuse/{BLUEPRINT.name}",
                    "input": {
                        "button": "input_button.kitchen",
                        "text": "turn on the kitchen light",
                        "language": "en",
                        "notify": True,
                    },
                },
            }
        },
    )
    await home.async_block_till_done()
    assert home.states.get("automation.kitchen_button").state == "on"
    planner.queue(
        plan_json(service_step({"area": "{slot.area}"}), respond_step("The {slot.area} light is on."))
    )

    await home.services.async_call(
        "input_button", "press", {"entity_id": "input_button.kitchen"}, blocking=True
    )
    await home.async_block_till_done()

    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert planner.calls() == 1
    client = await hass_ws_client(home)
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    notifications = (await client.receive_json())["result"]
    assert "The kitchen light is on." in [item["message"] for item in notifications]
