"""The embedded planner server's cap on the answer's length (``scripts/local_planner.py``), as a function.

The server itself is exercised by the slow tests in ``test_local_llm.py``; this checks every shape of
``max_tokens`` a client may send without starting it.
"""

from __future__ import annotations

import pytest

from scripts.local_planner import cap_max_tokens, parse_args


@pytest.mark.parametrize(
    ("asked", "sent"),
    [(100, 100), (384, 384), (1024, 384), (None, 384), (0, 384), (-5, 384), ("many", 384), (True, 384)],
)
def test_max_tokens_is_capped(asked: object, sent: int) -> None:
    body = {"model": "smollm2", "messages": []} | ({} if asked is None else {"max_tokens": asked})
    capped = cap_max_tokens(body, 384)
    assert capped["max_tokens"] == sent
    assert {k: v for k, v in capped.items() if k != "max_tokens"} == {"model": "smollm2", "messages": []}


def test_the_cap_is_a_command_line_option() -> None:
    assert parse_args([]).max_tokens == 384
    assert parse_args(["--max-tokens", "512"]).max_tokens == 512
    with pytest.raises(SystemExit):
        parse_args(["--max-tokens", "4"])
