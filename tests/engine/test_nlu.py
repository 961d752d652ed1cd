"""Behaviour of the shipped NLU model and embedder (real ONNX files, no mocks)."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.errors import InputError, ModelFileError
from custom_components.agent_reuse.engine.model_files import ModelPaths, default_model_dir
from custom_components.agent_reuse.engine.nlu import MAX_TOKENS, JointParser
from custom_components.agent_reuse.engine.template import strip_slots


def test_english_intent_and_spans(joint_parser: JointParser) -> None:
    text = "turn on the kitchen light"
    parsed = joint_parser.parse(text, "en")
    assert parsed.intent == "HassTurnOn"
    assert parsed.confidence > 0.9
    area = {s.type: s for s in parsed.slots}["area"]
    assert area.value == "kitchen"
    assert text[area.start : area.end] == "kitchen"


def test_chinese_intent_and_spans(joint_parser: JointParser) -> None:
    text = "打开卧室的灯"
    parsed = joint_parser.parse(text, "zh")
    assert parsed.intent == "HassTurnOn"
    slots = {s.type: s for s in parsed.slots}
    assert slots["area"].value == "卧室"
    assert text[slots["area"].start : slots["area"].end] == "卧室"


def test_spans_map_to_original_characters_after_normalisation(joint_parser: JointParser) -> None:
    # Leading spaces and full-width letters are normalised inside the tokenizer; spans must still point
    # into the caller's original string.
    text = "   turn off the ＴＶ in the bedroom"
    parsed = joint_parser.parse(text, "en")
    assert parsed.intent == "HassTurnOff"
    for slot in parsed.slots:
        assert text[slot.start : slot.end] == slot.value
    assert "bedroom" in {s.value for s in parsed.slots}


def test_slot_stripping_makes_same_template_for_different_values(joint_parser: JointParser) -> None:
    a = strip_slots(joint_parser.parse("turn on the kitchen light", "en"))
    b = strip_slots(joint_parser.parse("turn on the bedroom light", "en"))
    assert a == b
    assert "kitchen" not in a.text
    assert "{area}" in a.text
    zh_a = strip_slots(joint_parser.parse("打开厨房的灯", "zh"))
    zh_b = strip_slots(joint_parser.parse("打开卧室的灯", "zh"))
    assert zh_a == zh_b
    assert zh_a.text == "打开{area}的灯"


def test_extra_slot_type_changes_the_signature(joint_parser: JointParser) -> None:
    plain = strip_slots(joint_parser.parse("turn on the kitchen light", "en"))
    dimmed = strip_slots(joint_parser.parse("set the kitchen light to 40%", "en"))
    assert "brightness" in dimmed.signature
    assert "brightness" not in plain.signature


def test_out_of_scope_request_is_unknown(joint_parser: JointParser) -> None:
    for text in ("tell me a joke", "给我讲个笑话", "who won the world cup in 1998"):
        parsed = joint_parser.parse(text, "en")
        assert parsed.intent is None, (text, parsed.top_intent)
        assert not parsed.known


def test_label_space_views_share_the_model(joint_parser: JointParser) -> None:
    smp = joint_parser.for_space("smp2019", min_confidence=0.0)
    parsed = smp.parse("明天从合肥到北京的火车票")
    assert parsed.intent == "train/QUERY"
    assert {"startLoc_city", "endLoc_city"} <= parsed.slot_types
    assert "HassTurnOn" in joint_parser.intents
    assert "__unknown__" not in joint_parser.intents
    with pytest.raises(ValueError, match="unknown label space"):
        joint_parser.for_space("nope")


@pytest.mark.parametrize("bad", ["", "   \n\t"])
def test_empty_input_is_a_clear_error(joint_parser: JointParser, bad: str) -> None:
    with pytest.raises(InputError, match="empty"):
        joint_parser.parse(bad)


def test_non_text_input_is_a_clear_error(joint_parser: JointParser) -> None:
    with pytest.raises(InputError, match="string"):
        joint_parser.parse(123)  # type: ignore[arg-type]


def test_very_long_input_is_truncated_not_a_crash(joint_parser: JointParser) -> None:
    text = "turn on the kitchen light " + "and then some more words " * 400
    parsed = joint_parser.parse(text, "en")
    assert parsed.truncated
    assert parsed.intent is None or isinstance(parsed.intent, str)
    for slot in parsed.slots:
        assert text[slot.start : slot.end] == slot.value
    short = joint_parser.parse("turn on the kitchen light")
    assert not short.truncated
    assert MAX_TOKENS >= 64


def test_emoji_and_mixed_scripts(joint_parser: JointParser) -> None:
    text = "💡 打开 kitchen 的灯 🙂"
    parsed = joint_parser.parse(text, "zh")
    assert parsed.intent == "HassTurnOn"
    assert ("area", "kitchen") in {(s.type, s.value) for s in parsed.slots}
    for slot in parsed.slots:  # characters outside the vocabulary do not shift the spans
        assert text[slot.start : slot.end] == slot.value


def test_batch_equals_single(joint_parser: JointParser) -> None:
    texts = ["turn on the kitchen light", "打开卧室的灯", "what is the temperature in the living room"]
    batch = joint_parser.parse_batch(texts, "en")
    single = [joint_parser.parse(t, "en") for t in texts]
    assert [(b.intent, b.slots) for b in batch] == [(s.intent, s.slots) for s in single]
    assert joint_parser.parse_batch([]) == []


def test_parser_is_thread_safe(joint_parser: JointParser) -> None:
    texts = ["turn on the kitchen light", "打开卧室的灯", "turn off the tv", "set the hall light to 20%"] * 25
    expected = {t: joint_parser.parse(t) for t in set(texts)}
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(joint_parser.parse, texts))
    for text, result in zip(texts, results, strict=True):
        assert result == expected[text]


def test_embedder_paraphrases(sentence_embedder: SentenceEmbedder) -> None:
    vecs = sentence_embedder.embed_batch(
        [
            "打开客厅的灯",
            "把客厅灯打开",
            "明天北京天气怎么样",
            "turn on the living room light",
            "switch the living room light on",
            "what's the weather tomorrow",
        ]
    )
    assert vecs.shape == (6, sentence_embedder.dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 1] > 0.8 > 0.3 > sims[0, 2]
    assert sims[3, 4] > 0.8 > 0.3 > sims[3, 5]
    single = sentence_embedder.embed("打开客厅的灯")
    # Batching pads the uint8 graph's inputs, which moves the vector a little, never the meaning.
    assert float(single @ vecs[0]) > 0.99
    assert sentence_embedder.embed_batch([]).shape == (0, sentence_embedder.dim)


def test_missing_model_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError) as err:
        JointParser.load(tmp_path)
    assert str(tmp_path) in str(err.value)
    assert "Reinstall" in str(err.value)
    with pytest.raises(ModelFileError, match="sentence embedder not found"):
        SentenceEmbedder.load(tmp_path)


def test_corrupt_model_file_is_a_clear_error(tmp_path: Path) -> None:
    source = ModelPaths(default_model_dir())
    copy = ModelPaths(tmp_path)
    copy.parser.parent.mkdir(parents=True)
    shutil.copy(source.labels, copy.labels)
    shutil.copy(source.tokenizer, copy.tokenizer)
    shutil.copy(source.parser_weights, copy.parser_weights)
    copy.parser.write_bytes(source.parser.read_bytes()[:4096])  # a truncated download
    with pytest.raises(ModelFileError, match="damaged or incomplete"):
        JointParser.load(tmp_path)
    copy.labels.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="label file"):
        JointParser.load(tmp_path)
    copy.parser.write_bytes(b"")
    shutil.copy(source.labels, copy.labels)
    with pytest.raises(ModelFileError, match="empty"):
        JointParser.load(tmp_path)


def _reference_viterbi(parser: JointParser, logits: np.ndarray) -> np.ndarray:
    """The textbook O(T·K²) Viterbi over the space's tags with the BIO rule as a transition matrix."""
    allowed = parser._allowed_tags
    names = [parser._labels.tags[i] for i in allowed]
    forbidden = -1e9
    transition = np.zeros((len(names), len(names)))
    start = np.zeros(len(names))
    for j, to in enumerate(names):
        if to.startswith("I-"):
            start[j] = forbidden
            for i, frm in enumerate(names):
                if frm[2:] != to[2:] or frm == "O":
                    transition[i, j] = forbidden
    scores = logits[:, allowed].astype(np.float64)
    scores -= scores.max(axis=1, keepdims=True)
    scores -= np.log(np.exp(scores).sum(axis=1, keepdims=True))
    score = scores[0] + start
    back = np.zeros(scores.shape, dtype=np.int64)
    for t in range(1, len(scores)):
        cand = score[:, None] + transition
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + scores[t]
    path = np.zeros(len(scores), dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(len(scores) - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    result: np.ndarray = allowed[path]
    return result


@pytest.mark.parametrize("space", ["ha", "smp2019", "snips"])
def test_fast_bio_decoding_equals_the_textbook_viterbi(joint_parser: JointParser, space: str) -> None:
    """The decoder's O(T·K) recurrence finds exactly the path of the full transition-matrix Viterbi."""
    parser = joint_parser.for_space(space)
    rng = np.random.default_rng(7)
    tags = len(parser._labels.tags)
    for _ in range(150):
        length = int(rng.integers(1, 30))
        logits = (rng.normal(size=(length, tags)) * rng.uniform(0.3, 8.0)).astype(np.float32)
        np.testing.assert_array_equal(parser._viterbi(logits), _reference_viterbi(parser, logits))


def test_decoding_real_requests_equals_the_textbook_viterbi(joint_parser: JointParser) -> None:
    """On real model output each token's best tag usually forms an allowed sequence already, and the decoder
    returns it without the dynamic programme; that shortcut must give the textbook path too (the random
    logits of the test above mostly take the full recurrence)."""
    requests = {
        "ha": ["turn on the kitchen light", "打开卧室的灯", "set the hall light to 20%", "把客厅的窗帘打开"],
        "smp2019": ["查询一下明天广州到武汉的航班", "播放周杰伦的稻香", "李白的静夜思", "北京明天天气怎么样"],
        "snips": ["play some jazz by miles davis", "book a table for two in paris tonight"],
    }
    greedy_allowed = 0
    for space, texts in requests.items():
        parser = joint_parser.for_space(space)
        for text in texts:
            ids = np.asarray([parser._tokenizer.encode(text).ids], dtype=np.int64)
            _, slot_logits = parser._session.run(
                None, {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            )
            logits = slot_logits[0, 1:-1]
            expected = _reference_viterbi(parser, logits)
            np.testing.assert_array_equal(parser._viterbi(logits), expected)
            greedy = parser._allowed_tags[logits[:, parser._allowed_tags].argmax(axis=1)]
            greedy_allowed += int(np.array_equal(greedy, expected))
    assert greedy_allowed >= 6  # the shortcut is taken on most real requests
