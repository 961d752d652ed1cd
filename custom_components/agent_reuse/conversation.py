"""The conversation agent: Assist hands it the text, it answers from a cached plan or the planner.

Why it never raises: a voice satellite waits for an answer. Every failure — an unknown intent the planner
cannot plan, an unreachable planner, a refused entity, a broken step — becomes a spoken error in the
intent response (and in the chat log), with the engine's trace logged at debug level for the "why?".

Why no ``async_set_agent``/``async_migrate_engine`` (which Ollama and OpenAI call): those keep pipelines
working that were configured with the old config-entry agent id. This integration never had one, and
registering it would list the agent twice in the agent picker.
"""

from __future__ import annotations

from typing import Literal

from homeassistant.components.conversation import (
    AssistantContent,
    ChatLog,
    ConversationEntity,
    ConversationInput,
    ConversationResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import LOGGER, SUPPORTED_LANGUAGES
from .data import AgentReuseConfigEntry
from .engine.said_language import said_language
from .engine.speech import spoken
from .entity import AgentReuseEntity

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AgentReuseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One agent per entry."""
    async_add_entities([AgentReuseConversationEntity(entry)])


class AgentReuseConversationEntity(AgentReuseEntity, ConversationEntity):
    """Assist agent backed by the reuse pipeline."""

    _attr_name = None  # the device name (the entry title) is the agent's name

    @property
    def supported_languages(self) -> list[str] | Literal["*"]:
        """English and Chinese: the languages the local NLU model was trained on."""
        return SUPPORTED_LANGUAGES

    async def _async_handle_message(
        self, user_input: ConversationInput, chat_log: ChatLog
    ) -> ConversationResult:
        """Run the request; answer with speech or a spoken error."""
        response = intent.IntentResponse(language=user_input.language)
        said_in = said_language(user_input.text, user_input.language)  # what the engine answers in, too
        try:
            reply = await self.entry.runtime_data.async_handle(
                user_input.text,
                user_input.language,
                context=user_input.context,
                device_id=user_input.device_id,
                # The chat log's id: set even for the first turn (user_input's is None there), so a
                # correction in the same conversation finds the reuse it refers to.
                request_id=chat_log.conversation_id,
            )
        except Exception:
            LOGGER.exception("AgentReuse failed on %r", user_input.text)
            speech = spoken("internal").render(said_in)
            response.async_set_error(intent.IntentResponseErrorCode.UNKNOWN, speech)
        else:
            LOGGER.debug("Trace for %r: %s", user_input.text, reply.trace.as_dict())
            speech = reply.speech.strip()
            if reply.success:
                # A plan without a ``respond`` step ran fine: confirm in the request's language ("never mind"
                # gets no reply, as Home Assistant's own agent gives none).
                if reply.trace.outcome != "nevermind":
                    speech = speech or spoken("done").render(said_in)
                response.async_set_speech(speech)
            else:
                speech = speech or spoken("did_not_work").render(said_in)
                code = (
                    intent.IntentResponseErrorCode.UNKNOWN
                    if reply.trace.outcome == "error"
                    else intent.IntentResponseErrorCode.FAILED_TO_HANDLE
                )
                response.async_set_error(code, speech)
        chat_log.async_add_assistant_content_without_tools(
            AssistantContent(agent_id=user_input.agent_id, content=speech)
        )
        return ConversationResult(
            response=response,
            conversation_id=chat_log.conversation_id,
            continue_conversation=False,
        )
