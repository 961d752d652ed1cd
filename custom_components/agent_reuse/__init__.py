"""AgentReuse: a conversation agent that reuses cached LLM plans for smart-home requests.

Each config entry is one planner (an OpenAI-compatible endpoint + model) with its own plan cache. Setup
wires the engine (``engine/``, which knows nothing about Home Assistant) to Home Assistant:

* the shared local models (loaded once per instance, in the executor — see ``loader.py``);
* the entry's plan cache, persisted under ``.storage/agent_reuse/<entry_id>.json`` (``cache_store.py``),
  so a reload or restart keeps every cached plan;
* the reuse policy: a fixed threshold γ, or the error-bounded mode (thresholds learned under the user's
  false-reuse budget δ), with its evidence persisted beside the plans;
* the planner client on Home Assistant's shared aiohttp session;
* the executor with the Home Assistant runners (``runners.py``: exposed entities only);
* cache invalidation on entity-registry and exposure changes (``invalidation.py``);
* the MQTT request topic when MQTT is set up (``mqtt_bridge.py``).

Why setup does not fail when the planner is down: cached plans are served without it, which is the point
of the product. An unreachable planner becomes a repair issue instead of ``ConfigEntryNotReady``; only a
request that misses the cache needs it, and that request gets a spoken error.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from . import const  # DEFER_AFTER_S read at setup, so tests can shorten it
from .cache_store import (
    CacheStore,
    async_load_cache,
    async_load_learner,
    cache_path,
    drop_unfit_plans,
    policy_path,
)
from .const import (
    CONF_API_KEY,
    CONF_AUDIT_RATE,
    CONF_CACHE_SIZE,
    CONF_FALSE_REUSE_BUDGET,
    CONF_MODEL,
    CONF_PLANNER_TIMEOUT,
    CONF_PLANNER_URL,
    CONF_REUSE_MODE,
    CONF_STARTER_PLANS,
    CONF_THRESHOLD,
    DEFAULT_AUDIT_RATE,
    DEFAULT_CACHE_SIZE,
    DEFAULT_FALSE_REUSE_BUDGET,
    DEFAULT_PLANNER_TIMEOUT,
    DEFAULT_REUSE_MODE,
    DEFAULT_STARTER_PLANS,
    DEFAULT_THRESHOLD,
    DOMAIN,
    EXTRA_DEVICE_ID,
    ISSUE_CACHE_MOVED_ASIDE,
    ISSUE_PLANNER_UNREACHABLE,
    LOGGER,
    PLANNER_MAX_TOKENS,
    REUSE_MODE_BOUNDED,
    STEP_TIMEOUT_S,
)
from .data import AgentReuseConfigEntry, AgentReuseData
from .engine.errors import ModelFileError, PlannerError, is_auth_error
from .engine.executor import Executor
from .engine.pipeline import HostIntents, ReusePipeline
from .engine.plan import Plan
from .engine.plan_fit import intent_fit_problem
from .engine.plan_schema import PLAN_EXAMPLES, PLAN_JSON_SCHEMA
from .engine.planner import PlannerClient
from .engine.reuse_policy import ReusePolicy
from .engine.starter import seed_cache
from .home_names import HomeNames
from .host_answers import HOST_INTENTS, async_serve_on_host, host_claims
from .invalidation import CacheInvalidator
from .later_store import LaterStore, async_remove_later_store
from .loader import async_get_models, release_models
from .mqtt_bridge import async_setup_mqtt_bridge
from .planner_context import planner_context_provider
from .runners import ha_runners
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.CONVERSATION, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, whether or not an entry is loaded (they explain when none is)."""
    async_setup_services(hass)
    return True


def create_planner(hass: HomeAssistant, settings: Mapping[str, Any]) -> PlannerClient[Plan]:
    """The planner client for these settings, on Home Assistant's shared aiohttp session."""
    api_key = settings.get(CONF_API_KEY)
    return PlannerClient(
        async_get_clientsession(hass),
        str(settings[CONF_PLANNER_URL]),
        str(settings[CONF_MODEL]),
        plan_schema=PLAN_JSON_SCHEMA,
        examples=PLAN_EXAMPLES,
        validate=Plan.from_dict,
        check_fit=intent_fit_problem,
        api_key=str(api_key) if api_key else None,
        timeout_s=float(settings.get(CONF_PLANNER_TIMEOUT, DEFAULT_PLANNER_TIMEOUT)),
        # A plan is a few hundred tokens; without a cap llama.cpp servers generate up to the context size.
        max_tokens=PLANNER_MAX_TOKENS,
        # Constrained to the plan schema where the server can (falls back to JSON mode where it cannot).
        structured_output=True,
    )


async def async_setup_entry(hass: HomeAssistant, entry: AgentReuseConfigEntry) -> bool:
    """Set up one planner's agent."""
    settings = {**entry.data, **entry.options}
    try:
        models = await async_get_models(hass)
    except ModelFileError as err:
        # Not retried: a missing or damaged model file needs a reinstall, the message says which.
        raise ConfigEntryError(str(err)) from err

    cache = await async_load_cache(
        hass,
        entry.entry_id,
        dim=models.embedder.dim,
        embedder_id=models.embedder.model_id,
        threshold=float(settings.get(CONF_THRESHOLD, DEFAULT_THRESHOLD)),
        max_entries=int(settings.get(CONF_CACHE_SIZE, DEFAULT_CACHE_SIZE)),
    )
    policy = await async_create_policy(hass, entry.entry_id, settings)
    store = CacheStore(
        hass, cache, cache_path(hass, entry.entry_id), policy.learner, policy_path(hass, entry.entry_id)
    )
    # In the executor: it validates every cached plan (~0.35 ms each, a third of a second for a full cache of 1000 on
    # this 2-core machine), which must not block the event loop at start-up.
    if await hass.async_add_executor_job(drop_unfit_plans, cache):
        store.async_schedule_save()  # written without them, so a restart does not find them again
    if settings.get(CONF_STARTER_PLANS, DEFAULT_STARTER_PLANS) and (
        added := await hass.async_add_executor_job(seed_cache, cache, models.embedder)
    ):
        LOGGER.debug("Added %d starter plans to the cache of %s", added, entry.title)
        store.async_schedule_save()
    planner = create_planner(hass, settings)
    home_names = HomeNames(hass)
    home_names.async_start()
    entry.async_on_unload(home_names.async_stop)
    pipeline = ReusePipeline(
        parser=models.parser,
        embedder=models.embedder,
        cache=cache,
        planner=planner,
        executor=Executor(
            ha_runners(hass),
            step_timeout_s=STEP_TIMEOUT_S,
            defer_after_s=const.DEFER_AFTER_S,
            # Steps after a long delay ("in 5 minutes") run as entry tasks: an unload cancels them.
            spawn=lambda steps: entry.async_create_background_task(
                hass, steps, f"agent_reuse deferred steps {entry.entry_id}", eager_start=True
            ),
        ),
        planner_context=planner_context_provider(hass),
        policy=policy,
        # Parse + embed + search are milliseconds of CPU: in the executor, not on the event loop.
        offload=hass.async_add_executor_job,
        gazetteer=home_names,
        # A command for later keeps the satellite that heard it: its area is what "关灯" means.
        host_data=lambda extra: {"device_id": str(device)} if (device := extra.get(EXTRA_DEVICE_ID)) else {},
        clock=dt_util.now,  # in the home's time zone
        # HA's own timers, its answers to questions about several devices ("which lights are on"), and the
        # weather of another day from its forecasts.
        host_intents=HostIntents(HOST_INTENTS, partial(async_serve_on_host, hass), claims=host_claims),
    )
    later = LaterStore(hass, entry.entry_id, pipeline.pending)
    pipeline.pending.hold(await later.async_load())
    invalidator = CacheInvalidator(hass, cache, store.async_schedule_save)
    data = AgentReuseData(
        hass=hass,
        entry_id=entry.entry_id,
        models=models,
        pipeline=pipeline,
        store=store,
        invalidator=invalidator,
        settings=settings,
        later=later,
    )
    entry.runtime_data = data

    # Commands for later saved before a restart or reload run on once Home Assistant has started.
    @callback
    def resume_commands_for_later(_: HomeAssistant) -> None:
        later.async_resume_all(partial(data.async_start_resume, entry))

    entry.async_on_unload(async_at_started(hass, resume_commands_for_later))

    store.async_start()
    invalidator.async_start()
    entry.async_on_unload(invalidator.async_stop)
    await async_setup_mqtt_bridge(hass, entry)
    entry.async_create_background_task(
        hass, _async_check_planner(hass, entry, planner), f"{DOMAIN} planner check {entry.entry_id}"
    )
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_create_policy(hass: HomeAssistant, entry_id: str, settings: Mapping[str, Any]) -> ReusePolicy:
    """The entry's reuse policy. Evidence is loaded (and learned) in both modes, so switching to the bounded
    mode starts from what this home already showed; audits cost planner calls and run in that mode only."""
    delta = float(settings.get(CONF_FALSE_REUSE_BUDGET, DEFAULT_FALSE_REUSE_BUDGET)) / 100.0
    bounded = settings.get(CONF_REUSE_MODE, DEFAULT_REUSE_MODE) == REUSE_MODE_BOUNDED
    audit_rate = float(settings.get(CONF_AUDIT_RATE, DEFAULT_AUDIT_RATE)) / 100.0 if bounded else 0.0
    learner = await async_load_learner(hass, entry_id, delta)
    # γ stays the floor: the learner may make an intent or a plan stricter, never looser than the user set.
    floor = float(settings.get(CONF_THRESHOLD, DEFAULT_THRESHOLD))
    return ReusePolicy(learner, bounded=bounded, audit_rate=audit_rate, floor=floor)


async def _async_check_planner(
    hass: HomeAssistant, entry: AgentReuseConfigEntry, planner: PlannerClient[Plan]
) -> None:
    """Raise (or clear) the 'planner unreachable' repair issue, or ask for a new API key when the planner
    refuses the current one; the entry works either way."""
    issue_id = ISSUE_PLANNER_UNREACHABLE.format(entry.entry_id)
    try:
        await planner.check_connection()
    except PlannerError as err:
        if is_auth_error(err):
            LOGGER.warning(
                "Planner of %s refused the API key (cached plans still work): %s", entry.title, err
            )
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            entry.async_start_reauth(hass)
            return
        LOGGER.warning("Planner of %s is not reachable (cached plans still work): %s", entry.title, err)
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="planner_unreachable",
            translation_placeholders={"title": entry.title, "error": str(err)},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


async def _async_update_listener(hass: HomeAssistant, entry: AgentReuseConfigEntry) -> None:
    """Options changed: reload (the cache is saved at unload and loaded again, so no plan is lost)."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: AgentReuseConfigEntry) -> bool:
    """Unload the platforms and write the cache a last time."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.store.async_shutdown()
        # Before the entry's tasks are cancelled: its commands for later run on after the next setup.
        await entry.runtime_data.later.async_save_now()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: AgentReuseConfigEntry) -> None:
    """The entry is deleted: delete its cache file and issues; free the models if it was the last."""
    for path in (cache_path(hass, entry.entry_id), policy_path(hass, entry.entry_id)):
        await hass.async_add_executor_job(partial(path.unlink, missing_ok=True))
    await async_remove_later_store(hass, entry.entry_id)
    ir.async_delete_issue(hass, DOMAIN, ISSUE_CACHE_MOVED_ASIDE.format(entry.entry_id))
    ir.async_delete_issue(hass, DOMAIN, ISSUE_PLANNER_UNREACHABLE.format(entry.entry_id))
    if not any(other.entry_id != entry.entry_id for other in hass.config_entries.async_entries(DOMAIN)):
        release_models(hass)
