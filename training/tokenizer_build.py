"""Build the runtime tokenizer (``models/nlu/tokenizer.json``) from e5's SentencePiece vocabulary.

Why these choices:
* Chinese characters are split one by one before the unigram model runs. Slot filling needs character
  boundaries (a slot "酷狗音乐" must not share a piece with the "一下" before it), and every character-level
  Chinese NLU model (bert-base-chinese, the paper's) works the same way.
* Because of that, multi-character CJK pieces can never be produced, and pieces in scripts other than
  Latin/CJK are not needed for Chinese and English: pruning them shrinks the embedding matrix (the bulk of
  the model) from 250k rows to what :func:`kept_piece` accepts. Dropped text falls back to ``<unk>``.
* Digit runs are split from the text around them ("50%" → "50", "%"), so a number slot is its own token.
* NFKC normalisation (what XLM-R's ``nmt_nfkc`` is built on), with alignments tracked by ``tokenizers`` so
  slot spans map back to the caller's original characters.
"""

from __future__ import annotations

import unicodedata

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

CJK_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x3000, 0x303F),  # CJK punctuation
    (0xFF00, 0xFFEF),  # full-width forms
    (0x3040, 0x30FF),  # kana (rare in our data, cheap to keep)
)
CJK_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in CJK_RANGES)
CJK_PATTERN = f"[{CJK_CLASS}]"


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in CJK_RANGES)


def _latin_ok(ch: str) -> bool:
    cp = ord(ch)
    return cp < 0x250 or 0x2000 <= cp <= 0x206F or 0x20A0 <= cp <= 0x20CF or ch in "°℃×÷"


def kept_piece(piece: str) -> bool:
    body = piece[1:] if piece.startswith("▁") else piece
    if not body:
        return True
    if any(is_cjk(c) for c in body):
        return len(body) == 1
    return all(_latin_ok(c) for c in body) and unicodedata.category(body[0]) != "Cc"


def build_tokenizer(pieces: list[tuple[str, float]], unk_id: int) -> Tokenizer:
    tok = Tokenizer(models.Unigram(pieces, unk_id=unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Strip()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(CJK_PATTERN), behavior="isolated"),
            pre_tokenizers.Digits(individual_digits=False),
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
        ]
    )
    bos, eos = pieces[0][0], pieces[2][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, 0), (eos, 2)]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
    return tok
