"""Errors the engine raises.

Why one module: every layer (NLU, cache, planner, executor) reports failures that the Home Assistant glue
turns into a spoken error or a repair issue. One small hierarchy lets the glue catch ``AgentReuseError``
once and still tell the user *what* failed and what to do.
"""

from __future__ import annotations


class AgentReuseError(Exception):
    """Base class of every error the engine raises on purpose."""


class ModelFileError(AgentReuseError):
    """A model or tokenizer file is missing or unreadable (the message names the path and the fix)."""


class InputError(AgentReuseError):
    """The request text cannot be processed (empty, not text)."""


class PlanValidationError(AgentReuseError):
    """A plan does not satisfy the plan schema; nothing of it may be cached or executed."""


class PlannerError(AgentReuseError):
    """The LLM planner could not produce a plan (unreachable, HTTP error, invalid output after repair)."""


class PlannerHTTPError(PlannerError):
    """The planner answered with an HTTP error status (``status``)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class PlannerTimeoutError(PlannerError):
    """The LLM planner did not answer within the configured timeout."""


class CacheFileError(AgentReuseError):
    """The cache file on disk could not be read (it is moved aside and the cache starts empty)."""


class StepError(AgentReuseError):
    """A plan step failed while executing (unknown entity, refused entity, broker down, timeout)."""
