"""Training data preparation: slot-value substitution for the SMP spaces (``--augment-smp``)."""

from __future__ import annotations

from benchmarks.corpus import SlotSpan, Utterance
from training.prepare_nlu import augment_slot_values


def utterance(text: str, intent: str, slots: dict[str, str], space: str = "smp2019") -> Utterance:
    spans = tuple(SlotSpan(t, text.index(v), text.index(v) + len(v), v) for t, v in slots.items())
    return Utterance(text, space, intent, spans, "zh", "test")


TRAIN = [
    utterance("播放周杰伦的菊花台", "music/PLAY", {"artist": "周杰伦", "song": "菊花台"}),
    utterance("我想听王菲的红豆", "music/PLAY", {"artist": "王菲", "song": "红豆"}),
    utterance("来一首林俊杰的江南吧", "music/PLAY", {"artist": "林俊杰", "song": "江南"}),
    utterance("查一下北京的天气", "weather/QUERY", {"location_city": "北京"}),
    utterance("上海明天下雨吗", "weather/QUERY", {"location_city": "上海"}),
    utterance("讲个笑话", "joke/QUERY", {}),
    utterance("turn on the kitchen light", "HassTurnOn", {"area": "kitchen"}, space="ha"),
]
DEV = [utterance("播放陈奕迅的十年", "music/PLAY", {"artist": "陈奕迅", "song": "十年"})]


def test_variants_keep_intent_and_carrier_words_with_exact_spans() -> None:
    variants = augment_slot_values(TRAIN, DEV, 1)

    # Every SMP utterance with a slot, once; no slot-less or other-space utterance.
    assert {v.intent for v in variants} == {"music/PLAY", "weather/QUERY"}
    assert len(variants) == 5
    originals = {u.text for u in TRAIN + DEV}
    train_values = {s.value for u in TRAIN for s in u.slots}
    for variant in variants:
        assert variant.text not in originals
        assert variant.source == "test+aug"
        for slot in variant.slots:
            assert variant.text[slot.start : slot.end] == slot.value
            assert slot.value in train_values
            assert slot.value not in {"陈奕迅", "十年"}  # never a dev value
    first = next(v for v in variants if v.text.startswith("播放"))
    assert first.text.endswith(("的红豆", "的江南"))  # the carrier words stay
    assert {s.type for s in first.slots} == {"artist", "song"}


def test_values_come_from_the_same_intent_and_the_result_is_deterministic() -> None:
    variants = augment_slot_values(TRAIN, DEV, 1)
    cities = {s.value for v in variants if v.intent == "weather/QUERY" for s in v.slots}
    assert cities <= {"北京", "上海"}
    assert augment_slot_values(TRAIN, DEV, 1) == variants
    assert augment_slot_values(TRAIN, DEV, 0) == []
