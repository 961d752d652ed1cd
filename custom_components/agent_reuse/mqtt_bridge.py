"""The MQTT request topic: devices without Assist (a button, a Node-RED flow) send text and get a reply.

Protocol (JSON both ways)::

    → request topic   {"text": "turn on the kitchen light", "language": "en", "id": "42"}
    ← response topic  {"id": "42", "speech": "...", "success": true, "trace": {...}}

``language`` defaults to Home Assistant's language and ``id`` is echoed so a sender can match replies. A
malformed payload gets an error reply (``success: false`` and an ``error`` text) instead of being dropped
silently, and never raises into the MQTT client. Requests run as tasks (at most
:data:`MQTT_MAX_CONCURRENT` per entry) so a slow planner call does not hold up the subscription.

Security: anything that can publish on the broker can send requests. They run without a Home Assistant
user (no per-user permissions), but the runners still refuse every entity that is not exposed to Assist.
Why MQTT is optional: the bridge only subscribes when an MQTT config entry exists, and imports the MQTT
integration lazily; several entries cannot share one request topic (the second one logs a warning).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_REQUEST_TOPIC,
    CONF_RESPONSE_TOPIC,
    DEFAULT_REQUEST_TOPIC,
    DEFAULT_RESPONSE_TOPIC,
    DOMAIN,
    LOGGER,
    MQTT_MAX_CONCURRENT,
    MQTT_MAX_PAYLOAD_BYTES,
)
from .data import AgentReuseConfigEntry
from .engine.speech import EnglishOnly, spoken

if TYPE_CHECKING:  # the MQTT integration is optional; it is imported lazily at run time
    from homeassistant.components.mqtt import ReceiveMessage

#: request topic → entry id that listens on it (one listener per topic).
_DATA_TOPICS: HassKey[dict[str, str]] = HassKey(f"{DOMAIN}_mqtt_topics")


class BadRequest(ValueError):
    """The payload is not a valid request; the message is sent back to the requester (in the request's
    language when it named one, else the home's)."""

    def __init__(self, message: str, request_id: Any = None, language: str | None = None) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.language = language


def parse_request(payload: str | bytes, default_language: str) -> tuple[str, str, Any]:
    """``(text, language, id)`` from a request payload; raises BadRequest saying what is wrong."""
    if isinstance(payload, bytes):
        if len(payload) > MQTT_MAX_PAYLOAD_BYTES:
            raise BadRequest(f"the request is larger than {MQTT_MAX_PAYLOAD_BYTES} bytes")
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the request is not UTF-8 text") from None
    if len(payload.encode("utf-8")) > MQTT_MAX_PAYLOAD_BYTES:
        raise BadRequest(f"the request is larger than {MQTT_MAX_PAYLOAD_BYTES} bytes")
    try:
        raw = json.loads(payload)
    except ValueError:
        raise BadRequest(
            'the request is not JSON; send {"text": "...", "language": "en", "id": "..."}'
        ) from None
    if not isinstance(raw, dict):
        raise BadRequest('the request must be a JSON object like {"text": "..."}')
    request_id = raw.get("id")
    if request_id is not None and not isinstance(request_id, str | int):
        raise BadRequest("'id' must be a string or a number")
    language = raw.get("language", default_language)
    said_in = language.strip() if isinstance(language, str) and language.strip() else None
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("'text' must be a non-empty string", request_id, said_in)
    if said_in is None:
        raise BadRequest("'language' must be a language code such as 'en' or 'zh'", request_id)
    return text, said_in, request_id


class MqttBridge:
    """Subscribes one entry to its request topic and answers on its response topic."""

    def __init__(self, hass: HomeAssistant, entry: AgentReuseConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        settings = entry.runtime_data.settings
        self.request_topic = str(settings.get(CONF_REQUEST_TOPIC) or DEFAULT_REQUEST_TOPIC)
        self.response_topic = str(settings.get(CONF_RESPONSE_TOPIC) or DEFAULT_RESPONSE_TOPIC)
        self._semaphore = asyncio.Semaphore(MQTT_MAX_CONCURRENT)
        self._unsubscribe: CALLBACK_TYPE | None = None

    async def async_start(self) -> None:
        """Wait for the MQTT client (set up before us thanks to after_dependencies) and subscribe."""
        from homeassistant.components import mqtt

        if not await mqtt.async_wait_for_mqtt_client(self.hass):
            LOGGER.info("MQTT is not available; the request topic %s is not subscribed", self.request_topic)
            return
        topics = self.hass.data.setdefault(_DATA_TOPICS, {})
        owner = topics.get(self.request_topic)
        if owner is not None and owner != self.entry.entry_id:
            LOGGER.warning(
                "Another AgentReuse entry already listens on %s; give %s its own request topic in its options",
                self.request_topic,
                self.entry.title,
            )
            return
        topics[self.request_topic] = self.entry.entry_id
        # Raw bytes (encoding=None): with the default UTF-8 decoding, MQTT drops undecodable payloads
        # silently, and the sender would never get an answer.
        self._unsubscribe = await mqtt.async_subscribe(
            self.hass, self.request_topic, self._async_message_received, encoding=None
        )
        LOGGER.debug("Listening for requests on %s", self.request_topic)

    @callback
    def async_stop(self) -> None:
        """Unsubscribe and free the topic."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
            topics = self.hass.data.get(_DATA_TOPICS, {})
            if topics.get(self.request_topic) == self.entry.entry_id:
                del topics[self.request_topic]

    @callback
    def _async_message_received(self, msg: ReceiveMessage) -> None:
        self.entry.async_create_background_task(
            self.hass, self._async_handle(msg.payload), f"{DOMAIN} mqtt request {msg.topic}"
        )

    async def _async_handle(self, payload: str | bytes) -> None:
        try:
            text, language, request_id = parse_request(payload, self.hass.config.language)
        except BadRequest as err:
            LOGGER.info("Malformed request on %s: %s", self.request_topic, err)
            # The detail is English (it names JSON fields); other languages hear the catalogue's sentence.
            said = EnglishOnly(f"Sorry, {err}.", spoken("bad_request"))
            await self._async_reply(
                {
                    "id": err.request_id,
                    "speech": said.render(err.language or self.hass.config.language),
                    "success": False,
                    "trace": None,
                    "error": str(err),
                }
            )
            return
        async with self._semaphore:
            reply = await self.entry.runtime_data.async_handle(
                text,
                language,
                context=Context(),
                request_id=None if request_id is None else str(request_id),
            )
        await self._async_reply(
            {
                "id": request_id,
                "speech": reply.speech,
                "success": reply.success,
                "trace": reply.trace.as_dict(),
            }
        )

    async def _async_reply(self, message: dict[str, Any]) -> None:
        from homeassistant.components import mqtt

        try:
            await mqtt.async_publish(
                self.hass, self.response_topic, json.dumps(message, ensure_ascii=False, default=str)
            )
        except HomeAssistantError as err:
            LOGGER.warning("Could not publish the reply on %s: %s", self.response_topic, err)


async def async_setup_mqtt_bridge(hass: HomeAssistant, entry: AgentReuseConfigEntry) -> None:
    """Start the bridge in the background if an MQTT entry exists (it may still be connecting)."""
    if not hass.config_entries.async_entries("mqtt"):
        return
    bridge = MqttBridge(hass, entry)
    entry.async_on_unload(bridge.async_stop)
    entry.async_create_background_task(hass, bridge.async_start(), f"{DOMAIN} mqtt bridge {entry.entry_id}")
