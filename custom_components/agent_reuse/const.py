"""Constants of the AgentReuse integration.

Why one module: the config flow, the options flow, setup and the services all read the same keys and
defaults; keeping them here means a renamed option cannot silently fall back to a default somewhere else.
"""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "agent_reuse"
LOGGER = logging.getLogger(__package__)

# -- config entry data / options --------------------------------------------------------------------------
CONF_PLANNER_URL: Final = "planner_url"
CONF_MODEL: Final = "model"
CONF_API_KEY: Final = "api_key"
CONF_THRESHOLD: Final = "threshold"
CONF_CACHE_SIZE: Final = "cache_size"
CONF_PLANNER_TIMEOUT: Final = "planner_timeout"
CONF_REQUEST_TOPIC: Final = "request_topic"
CONF_RESPONSE_TOPIC: Final = "response_topic"
#: Seed the cache with the hand-written plans for everyday commands (engine/starter.py).
CONF_STARTER_PLANS: Final = "starter_plans"
#: Only shown after a failed connection test: save the entry although the planner did not answer.
CONF_SAVE_ANYWAY: Final = "save_anyway"
#: How reuse is decided: a fixed threshold γ, or thresholds learned under a false-reuse budget δ.
CONF_REUSE_MODE: Final = "reuse_mode"
REUSE_MODE_THRESHOLD: Final = "threshold"
REUSE_MODE_BOUNDED: Final = "bounded"
#: δ of the bounded mode, in percent of reuses that may run a wrong plan.
CONF_FALSE_REUSE_BUDGET: Final = "false_reuse_budget"
#: Share of reuses (percent) that the bounded mode re-plans in the background to check itself.
CONF_AUDIT_RATE: Final = "audit_rate"

#: Reuse threshold γ (cosine similarity of slot-stripped requests). ``scripts/eval-reuse --threshold auto``
#: calibrated on the NLU's training data lands on its floor (0.50) for the shipped embedder, which on the HA
#: dev split doubles the plans that execute differently from a fresh one; 0.75 is kept (README, "Measuring").
DEFAULT_THRESHOLD: Final = 0.75
#: Room for the starter plans (about 600, added only into free places) and twice as many of the user's own.
DEFAULT_CACHE_SIZE: Final = 2000
DEFAULT_STARTER_PLANS: Final = True
DEFAULT_REUSE_MODE: Final = REUSE_MODE_THRESHOLD
DEFAULT_FALSE_REUSE_BUDGET: Final = 1.0
DEFAULT_AUDIT_RATE: Final = 5.0
MIN_FALSE_REUSE_BUDGET: Final = 0.1
MAX_FALSE_REUSE_BUDGET: Final = 20.0
DEFAULT_PLANNER_TIMEOUT: Final = 30.0
DEFAULT_REQUEST_TOPIC: Final = "agent_reuse/request"
DEFAULT_RESPONSE_TOPIC: Final = "agent_reuse/response"

MIN_CACHE_SIZE: Final = 1
MAX_CACHE_SIZE: Final = 100_000
MIN_PLANNER_TIMEOUT: Final = 1.0
MAX_PLANNER_TIMEOUT: Final = 600.0

# -- runtime ----------------------------------------------------------------------------------------------
#: Exposure is checked against the Assist ("conversation") settings, the same switch users already know.
ASSISTANT: Final = "conversation"
#: Per-step timeout of the executor (a service call or MQTT publish that hangs longer is reported).
STEP_TIMEOUT_S: Final = 15.0
#: A ``delay`` step longer than this, and the steps after it, run after the reply ("in 5 minutes").
DEFER_AFTER_S = 10.0
#: Upper bound on the planner's answer (a plan is a few hundred tokens).
PLANNER_MAX_TOKENS: Final = 1024
#: Cache writes are coalesced: a burst of requests costs one disk write.
CACHE_SAVE_DELAY_S: Final = 10.0
#: Registry/exposure events come in bursts (a rename writes the registry, then the state): wait a moment
#: before re-checking which cached plans still point at existing, exposed entities.
INVALIDATION_DELAY_S: Final = 2.0
#: How many recent traces diagnostics keep per entry.
TRACE_HISTORY: Final = 20
#: MQTT requests handled at the same time per entry (a flood on the broker must not flood the planner).
MQTT_MAX_CONCURRENT: Final = 4
MQTT_MAX_PAYLOAD_BYTES: Final = 8192

#: Key of the per-request data the runners read from ``ExecutionContext.extra``.
EXTRA_CONTEXT: Final = "context"
EXTRA_LANGUAGE: Final = "language"
EXTRA_DEVICE_ID: Final = "device_id"

#: The NLU model covers English and Chinese; these are the language codes HA pipelines use for them.
SUPPORTED_LANGUAGES: Final = ["en", "zh", "zh-Hans", "zh-Hant", "zh-CN", "zh-HK", "zh-TW"]

SIGNAL_STATS_UPDATED: Final = f"{DOMAIN}_stats_updated_{{}}"

ISSUE_CACHE_MOVED_ASIDE: Final = "cache_moved_aside_{}"
ISSUE_PLANNER_UNREACHABLE: Final = "planner_unreachable_{}"

SERVICE_PROCESS: Final = "process"
SERVICE_CLEAR_CACHE: Final = "clear_cache"
SERVICE_REPORT_WRONG_REUSE: Final = "report_wrong_reuse"
ATTR_TEXT: Final = "text"
ATTR_LANGUAGE: Final = "language"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_INTENT: Final = "intent"
ATTR_ENTITY_ID: Final = "entity_id"
#: A cached plan's id, as traces report it (``matched_entry_id``).
ATTR_PLAN_ID: Final = "plan_id"
