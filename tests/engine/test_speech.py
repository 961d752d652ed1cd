"""Spoken messages: every message in every speech language, rendered in the request's language."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

import pytest

from custom_components.agent_reuse.engine.errors import (
    InputError,
    PlannerError,
    PlannerHTTPError,
    PlanValidationError,
    StepError,
    spoken_error,
)
from custom_components.agent_reuse.engine.executor import ExecutionContext, Executor
from custom_components.agent_reuse.engine.plan import BoundStep, Plan
from custom_components.agent_reuse.engine.speech import (
    MESSAGES,
    SPEECH_LANGUAGES,
    DeviceKinds,
    InLanguages,
    Spoken,
    failure_sentence,
    speech_language,
    spoken,
)


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


#: Placeholders a translation leaves out on purpose: a Chinese reply does not read out step ids.
_LEFT_OUT = {"step_failed_without_description": {"step", "action"}}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_every_language_with_the_same_placeholders(key: str) -> None:
    texts = MESSAGES[key]
    assert set(texts) == set(SPEECH_LANGUAGES)
    assert all(texts[lang].strip() for lang in SPEECH_LANGUAGES)
    expected = _placeholders(texts["en"]) - _LEFT_OUT.get(key, set())
    assert _placeholders(texts["zh-Hans"]) == expected == _placeholders(texts["zh-Hant"])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("", "en"),
        ("de", "en"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh_cn", "zh-Hans"),
        ("zh-Hant", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh_Hant_TW", "zh-Hant"),
    ],
)
def test_speech_language(language: str, expected: str) -> None:
    assert speech_language(language) == expected


def test_unknown_message_key_is_refused() -> None:
    with pytest.raises(KeyError, match="no_such_message"):
        spoken("no_such_message")


def test_nested_parameters_render_in_the_same_language() -> None:
    message = spoken(
        "no_named", kind=DeviceKinds(("light",)), name="台灯", where=spoken("where_area", area="厨房")
    )
    assert message.render("en") == "there is no light called 台灯 in the 厨房"
    assert message.render("zh-CN") == "厨房没有叫“台灯”的灯"
    assert message.render("zh-TW") == "厨房沒有叫「台灯」的燈"


def test_device_kinds() -> None:
    assert DeviceKinds().render("en") == "device"
    assert DeviceKinds().render("zh") == "设备"
    assert DeviceKinds(("switch", "light")).render("en") == "light, switch"
    assert DeviceKinds(("switch", "light")).render("zh-Hans") == "灯、开关"
    assert DeviceKinds(("water_heater",)).render("zh-Hant") == "熱水器"
    assert DeviceKinds(("siren",)).render("zh-Hant") == "siren"  # unlisted: its id


def test_failure_sentence_quotes_a_description_only_in_its_own_language() -> None:
    reason = spoken("mqtt_disconnected")
    assert (
        failure_sentence("turn on the fan", "s1", "mqtt_publish", reason, "en")
        == "Sorry, I could not turn on the fan: the MQTT broker is not connected."
    )
    # An English description is not read out inside a Chinese sentence.
    assert (
        failure_sentence("turn on the fan", "s1", "mqtt_publish", reason, "zh") == "抱歉，MQTT 代理没有连接。"
    )
    assert (
        failure_sentence("打开风扇", "s1", "mqtt_publish", reason, "zh-Hans")
        == "抱歉，没能打开风扇：MQTT 代理没有连接。"
    )
    assert (
        failure_sentence("", "s1", "mqtt_publish", reason, "en")
        == "Sorry, step s1 (mqtt_publish) failed: the MQTT broker is not connected."
    )


def test_errors_say_what_kind_of_failure_it_was() -> None:
    assert (
        spoken_error(PlannerHTTPError("HTTP 401 from http://x", 401))
        .render("en")
        .startswith("Sorry, the planner refused the API key")
    )
    assert (
        spoken_error(PlannerHTTPError("HTTP 500", 500)).render("zh") == "抱歉，规划器返回了错误（HTTP 500）。"
    )
    assert spoken_error(PlannerError("boom")).render("zh-TW") == "抱歉，規劃器沒能做出計劃。"
    assert (
        spoken_error(PlanValidationError("cycle")).render("en").startswith("Sorry, the plan for this request")
    )
    assert spoken_error(InputError("not text")).render("zh") == "抱歉，这个请求我读不懂。"
    # An error that brings its own message says that one; its text is the English rendering.
    err = StepError.said("no_entity", entity="light.x")
    assert str(err) == "there is no entity light.x"
    assert spoken_error(err) == Spoken("no_entity", {"entity": "light.x"})


def _one_step_plan(description: str) -> Any:
    return Plan.from_dict(
        {
            "steps": [
                {
                    "id": "s1",
                    "description": description,
                    "action": "ha_service",
                    "inputs": {"domain": "light", "service": "turn_on"},
                }
            ]
        }
    ).bind({})


class _Raises:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        raise self.error


async def test_executor_says_step_failures_in_the_request_language() -> None:
    error = StepError.said("none_exposed")
    executor = Executor({"ha_service": _Raises(error)})
    plan = _one_step_plan("turn on the lights")
    english = await executor.execute(plan, language="en")
    assert (
        english.speech
        == "Sorry, I could not turn on the lights: none of the targeted devices is exposed to Assist."
    )
    assert (await executor.execute(plan, language="zh-CN")).speech == "抱歉，目标设备都没有向语音助手公开。"
    assert (await executor.execute(plan, language="zh-TW")).speech == "抱歉，目標裝置都沒有向語音助理公開。"
    # The English detail stays on the step result for traces, whatever the language.
    assert (await executor.execute(plan, language="zh")).results[0].error == (
        "none of the targeted devices is exposed to Assist"
    )


async def test_a_runner_error_outside_the_catalogue_is_said_as_written_in_english_only() -> None:
    executor = Executor({"ha_service": _Raises(StepError("the kettle is descaling"))})
    plan = _one_step_plan("打开水壶")
    assert (await executor.execute(plan, language="en")).speech == (
        "Sorry, I could not 打开水壶: the kettle is descaling."
    )
    assert (await executor.execute(plan, language="zh")).speech == "抱歉，没能打开水壶：没有成功。"


async def test_step_timeouts_are_said_in_the_request_language() -> None:
    class Slow:
        async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
            import asyncio

            await asyncio.sleep(5)

    executor = Executor({"ha_service": Slow()}, step_timeout_s=0.05)
    report = await executor.execute(_one_step_plan("turn on the lights"), language="zh-Hant")
    assert report.speech == "抱歉，超過0.05秒還沒有完成。"
    assert report.results[0].error == "it took longer than 0.05 seconds"


def test_a_service_id_as_description_is_not_read_out() -> None:
    """The starter plans describe a step by its service: "Sorry, I could not homeassistant.turn_off: …" was
    the English reply."""
    reason = spoken("which_one", kind=DeviceKinds(("light",)), names="Bed Light, Kitchen Lights")
    assert (
        failure_sentence("homeassistant.turn_off", "s1", "ha_service", reason, "en")
        == "Sorry, there is more than one light (Bed Light, Kitchen Lights); please say which one."
    )
    assert failure_sentence("light.turn_on", "s1", "ha_service", reason, "zh-TW").startswith(
        "抱歉，有不止一個燈"
    )


def test_a_text_home_assistant_has_in_several_languages_is_said_in_the_requests() -> None:
    detail = InLanguages({"en": "not supported", "zh-Hans": "不支持"})
    said = spoken("action_failed", action="climate.set_temperature", detail=detail)
    assert said.render("zh-CN") == "climate.set_temperature 执行失败：不支持"
    assert said.render("en") == "climate.set_temperature failed: not supported"
    assert said.render("zh-TW") == "climate.set_temperature 執行失敗：not supported"  # none in Traditional
