"""What the LLM planner is told it may use: exposed entities, their areas and services, the areas.

Why only exposed entities: the planner's plan will be executed, and the runners refuse everything that is
not exposed to Assist anyway; listing more would only produce plans that fail. Why the services of each
entity's domain: small local models invent services ("light.switch_on") unless they see the real list.
The list is built on each miss (a miss costs an LLM call, so a registry walk is noise) and never carries
slot values — the engine sends the planner only the slot-stripped request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from homeassistant.core import HomeAssistant, State, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .engine.pipeline import PlannerContext
from .engine.planner import ExposedEntity
from .runners import BLOCKED_DOMAINS, iter_exposed_states

#: More entities than this make the prompt slow and expensive for little gain; the rest are left out.
MAX_ENTITIES = 300


def _area_name(
    state: State,
    entities: er.EntityRegistry,
    devices: dr.DeviceRegistry,
    areas: ar.AreaRegistry,
) -> str | None:
    """The entity's area, else its device's area (the same fallback Assist uses)."""
    entry = entities.async_get(state.entity_id)
    area_id = entry.area_id if entry is not None else None
    if area_id is None and entry is not None and entry.device_id is not None:
        device = devices.async_get(entry.device_id)
        area_id = device.area_id if device is not None else None
    area = areas.async_get_area(area_id) if area_id is not None else None
    return area.name if area is not None else None


@callback
def async_planner_context(hass: HomeAssistant, mqtt_topics: Sequence[str] = ()) -> PlannerContext:
    """The planner context right now (entities sorted by id so the prompt is stable)."""
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    areas = ar.async_get(hass)
    services_by_domain: dict[str, tuple[str, ...]] = {}
    exposed: list[ExposedEntity] = []
    for state in sorted(iter_exposed_states(hass), key=lambda s: s.entity_id)[:MAX_ENTITIES]:
        domain = state.domain
        if domain not in services_by_domain:
            services = (
                ()
                if domain in BLOCKED_DOMAINS
                else tuple(sorted(hass.services.async_services_for_domain(domain)))
            )
            services_by_domain[domain] = services
        exposed.append(
            ExposedEntity(
                entity_id=state.entity_id,
                name=state.name,
                domain=domain,
                area=_area_name(state, entities, devices, areas),
                services=services_by_domain[domain],
            )
        )
    area_names = sorted(area.name for area in areas.async_list_areas())
    return PlannerContext(entities=exposed, areas=area_names, mqtt_topics=tuple(mqtt_topics))


def planner_context_provider(
    hass: HomeAssistant, mqtt_topics: Sequence[str] = ()
) -> Callable[[], PlannerContext]:
    """A zero-argument provider for :class:`~.engine.pipeline.ReusePipeline`."""
    return lambda: async_planner_context(hass, mqtt_topics)
