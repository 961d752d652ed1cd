"""Config and options flow: one entry per planner (endpoint + model), tested before it is saved.

Why "save anyway" instead of refusing: the product keeps working without its planner (cached plans need no
LLM), and many users run the planner on a machine that is not always on. So an unreachable planner shows a
clear error on the form — the user can fix a typo — and a *Save anyway* checkbox appears; ticking it saves
the entry although the planner did not answer. Setup then raises a repair issue that goes away once the
planner answers (see ``__init__.py``). A malformed URL is always refused. A rejected API key
(HTTP 401/403) gets its own error, and when the planner refuses the key later (at setup or on a request),
the reauth step asks for a new one without touching any other setting or the cached plans.

The unique id is the normalized API base URL plus the model, so the same planner cannot be added twice but
two models on one server can. The options flow can change every setting; a changed URL or model changes
the unique id, and is refused when another entry already uses that planner.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.typing import UNDEFINED

from .const import (
    CONF_API_KEY,
    CONF_AUDIT_RATE,
    CONF_CACHE_SIZE,
    CONF_FALSE_REUSE_BUDGET,
    CONF_MODEL,
    CONF_PLANNER_TIMEOUT,
    CONF_PLANNER_URL,
    CONF_REQUEST_TOPIC,
    CONF_RESPONSE_TOPIC,
    CONF_REUSE_MODE,
    CONF_SAVE_ANYWAY,
    CONF_STARTER_PLANS,
    CONF_THRESHOLD,
    DEFAULT_AUDIT_RATE,
    DEFAULT_CACHE_SIZE,
    DEFAULT_FALSE_REUSE_BUDGET,
    DEFAULT_PLANNER_TIMEOUT,
    DEFAULT_REQUEST_TOPIC,
    DEFAULT_RESPONSE_TOPIC,
    DEFAULT_REUSE_MODE,
    DEFAULT_STARTER_PLANS,
    DEFAULT_THRESHOLD,
    DOMAIN,
    MAX_CACHE_SIZE,
    MAX_FALSE_REUSE_BUDGET,
    MAX_PLANNER_TIMEOUT,
    MIN_CACHE_SIZE,
    MIN_FALSE_REUSE_BUDGET,
    MIN_PLANNER_TIMEOUT,
    REUSE_MODE_BOUNDED,
    REUSE_MODE_THRESHOLD,
)
from .engine.errors import PlannerError, is_auth_error
from .engine.plan import Plan
from .engine.plan_schema import PLAN_EXAMPLES, PLAN_JSON_SCHEMA
from .engine.planner import PlannerClient, api_base_url

#: The connection test never waits longer than this, whatever the planner timeout is.
CHECK_TIMEOUT_S = 10.0
_DATA_KEYS = (CONF_PLANNER_URL, CONF_MODEL, CONF_API_KEY)


def unique_id_for(url: str, model: str) -> str:
    """``http://host:11434/v1|llama3.2`` — one entry per planner endpoint and model."""
    return f"{api_base_url(url)}|{model.strip()}"


def default_title(model: str) -> str:
    """The entry title (and the agent's name) for a model."""
    return f"AgentReuse {model.strip()}"


def _schema(*, topics: bool, save_anyway: bool) -> vol.Schema:
    """The form: planner, then cache tuning; topics only in the options; the checkbox only after a failure."""
    fields: dict[Any, Any] = {
        vol.Required(CONF_PLANNER_URL): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        vol.Required(CONF_MODEL): TextSelector(),
        vol.Optional(CONF_API_KEY): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
        vol.Required(CONF_THRESHOLD, default=DEFAULT_THRESHOLD): NumberSelector(
            NumberSelectorConfig(min=0.5, max=1.0, step=0.01, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_CACHE_SIZE, default=DEFAULT_CACHE_SIZE): NumberSelector(
            NumberSelectorConfig(min=MIN_CACHE_SIZE, max=MAX_CACHE_SIZE, step=1, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_PLANNER_TIMEOUT, default=DEFAULT_PLANNER_TIMEOUT): NumberSelector(
            NumberSelectorConfig(
                min=MIN_PLANNER_TIMEOUT,
                max=MAX_PLANNER_TIMEOUT,
                step=1,
                mode=NumberSelectorMode.BOX,
                unit_of_measurement="s",
            )
        ),
        vol.Required(CONF_STARTER_PLANS, default=DEFAULT_STARTER_PLANS): BooleanSelector(),
        vol.Required(CONF_REUSE_MODE, default=DEFAULT_REUSE_MODE): SelectSelector(
            SelectSelectorConfig(
                options=[REUSE_MODE_THRESHOLD, REUSE_MODE_BOUNDED],
                translation_key=CONF_REUSE_MODE,
                mode=SelectSelectorMode.LIST,
            )
        ),
        vol.Required(CONF_FALSE_REUSE_BUDGET, default=DEFAULT_FALSE_REUSE_BUDGET): NumberSelector(
            NumberSelectorConfig(
                min=MIN_FALSE_REUSE_BUDGET,
                max=MAX_FALSE_REUSE_BUDGET,
                step=0.1,
                mode=NumberSelectorMode.BOX,
                unit_of_measurement="%",
            )
        ),
        vol.Required(CONF_AUDIT_RATE, default=DEFAULT_AUDIT_RATE): NumberSelector(
            NumberSelectorConfig(min=0, max=100, step=1, mode=NumberSelectorMode.BOX, unit_of_measurement="%")
        ),
    }
    if topics:
        fields[vol.Required(CONF_REQUEST_TOPIC, default=DEFAULT_REQUEST_TOPIC)] = TextSelector()
        fields[vol.Required(CONF_RESPONSE_TOPIC, default=DEFAULT_RESPONSE_TOPIC)] = TextSelector()
    if save_anyway:
        fields[vol.Optional(CONF_SAVE_ANYWAY, default=False)] = BooleanSelector()
    return vol.Schema(fields)


async def async_check_planner(hass: HomeAssistant, settings: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    """Try the planner; ``(errors, detail)`` for the form (``({}, "")`` when it answered)."""
    try:
        client: PlannerClient[Plan] = PlannerClient(
            async_get_clientsession(hass),
            settings[CONF_PLANNER_URL],
            settings[CONF_MODEL],
            plan_schema=PLAN_JSON_SCHEMA,
            examples=PLAN_EXAMPLES,
            validate=Plan.from_dict,
            api_key=settings.get(CONF_API_KEY) or None,
            timeout_s=min(
                float(settings.get(CONF_PLANNER_TIMEOUT, DEFAULT_PLANNER_TIMEOUT)), CHECK_TIMEOUT_S
            ),
        )
    except ValueError as err:
        return {CONF_PLANNER_URL: "invalid_url"}, str(err)
    try:
        await client.check_connection()
    except PlannerError as err:
        return {"base": "invalid_auth" if is_auth_error(err) else "cannot_connect"}, str(err)
    return {}, ""


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Normalize the form's values (strip text, int cache size, drop the checkbox and an empty key)."""
    cleaned = {key: value for key, value in user_input.items() if key != CONF_SAVE_ANYWAY}
    for key in (CONF_PLANNER_URL, CONF_MODEL, CONF_API_KEY, CONF_REQUEST_TOPIC, CONF_RESPONSE_TOPIC):
        if isinstance(cleaned.get(key), str):
            cleaned[key] = cleaned[key].strip()
    if not cleaned.get(CONF_API_KEY):
        cleaned.pop(CONF_API_KEY, None)
    if CONF_CACHE_SIZE in cleaned:
        cleaned[CONF_CACHE_SIZE] = int(cleaned[CONF_CACHE_SIZE])
    return cleaned


class AgentReuseConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a planner."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        self._failed_once = False

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> AgentReuseOptionsFlow:
        """The options flow."""
        return AgentReuseOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the planner and the cache settings; test the planner before saving."""
        errors: dict[str, str] = {}
        placeholders = {"error": ""}
        if user_input is not None:
            settings = _clean(user_input)
            try:
                unique_id = unique_id_for(settings[CONF_PLANNER_URL], settings[CONF_MODEL])
            except ValueError as err:
                errors, placeholders["error"] = {CONF_PLANNER_URL: "invalid_url"}, str(err)
            else:
                # Duplicates are refused before any network traffic.
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_configured()
                errors, placeholders["error"] = await async_check_planner(self.hass, settings)
                if not errors or user_input.get(CONF_SAVE_ANYWAY):
                    return self.async_create_entry(
                        title=default_title(settings[CONF_MODEL]),
                        data={key: settings[key] for key in _DATA_KEYS if key in settings},
                        options={key: value for key, value in settings.items() if key not in _DATA_KEYS},
                    )
                self._failed_once = True
        schema = self.add_suggested_values_to_schema(
            _schema(topics=False, save_anyway=self._failed_once), user_input or {}
        )
        return self.async_show_form(
            step_id="user", data_schema=schema, errors=errors, description_placeholders=placeholders
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The planner refused the API key: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One field, the key; it is tested against the planner before it replaces the old one."""
        entry = self._get_reauth_entry()
        current = {**entry.data, **entry.options}
        errors: dict[str, str] = {}
        placeholders = {"title": entry.title, "url": str(current.get(CONF_PLANNER_URL, "")), "error": ""}
        if user_input is not None:
            key = str(user_input.get(CONF_API_KEY) or "").strip()
            errors, placeholders["error"] = await async_check_planner(
                self.hass, {**current, CONF_API_KEY: key}
            )
            if not errors:
                # The options override the data (the options flow may have stored a key there): update both.
                options = {**entry.options, CONF_API_KEY: key} if CONF_API_KEY in entry.options else UNDEFINED
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_API_KEY: key}, options=options
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(
                {vol.Optional(CONF_API_KEY): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )


class AgentReuseOptionsFlow(OptionsFlow):
    """Change any setting of an entry (the entry is reloaded; cached plans are kept)."""

    def __init__(self) -> None:
        self._failed_once = False

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with every setting."""
        entry = self.config_entry
        current = {**entry.data, **entry.options}
        errors: dict[str, str] = {}
        placeholders = {"error": ""}
        if user_input is not None:
            settings = _clean(user_input)
            try:
                unique_id = unique_id_for(settings[CONF_PLANNER_URL], settings[CONF_MODEL])
            except ValueError as err:
                errors, placeholders["error"] = {CONF_PLANNER_URL: "invalid_url"}, str(err)
            else:
                if any(
                    other.unique_id == unique_id and other.entry_id != entry.entry_id
                    for other in self.hass.config_entries.async_entries(DOMAIN)
                ):
                    errors = {"base": "already_configured"}
                else:
                    errors, placeholders["error"] = await async_check_planner(self.hass, settings)
                    if not errors or user_input.get(CONF_SAVE_ANYWAY):
                        return self._async_save(entry, settings, unique_id)
                    self._failed_once = True
        schema = self.add_suggested_values_to_schema(
            _schema(topics=True, save_anyway=self._failed_once), user_input or current
        )
        return self.async_show_form(
            step_id="init", data_schema=schema, errors=errors, description_placeholders=placeholders
        )

    def _async_save(self, entry: ConfigEntry, settings: dict[str, Any], unique_id: str) -> ConfigFlowResult:
        """Store everything in the options (they override the data); keep the id and title in step."""
        title = entry.title
        if title == default_title(str(entry.data.get(CONF_MODEL, ""))):
            title = default_title(settings[CONF_MODEL])
        options = dict(settings)
        if CONF_API_KEY not in options:
            options[CONF_API_KEY] = ""  # the user cleared the key: it must override the one in data
        # One update (unique id, title and options) so the entry reloads once; the flow's own options
        # write below then changes nothing.
        self.hass.config_entries.async_update_entry(entry, unique_id=unique_id, title=title, options=options)
        return self.async_create_entry(data=options)
