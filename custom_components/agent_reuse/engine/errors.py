"""Errors the engine raises.

Why one module: every layer (NLU, cache, planner, executor) reports failures that the Home Assistant glue
turns into a spoken error or a repair issue. One small hierarchy lets the glue catch ``AgentReuseError``
once and still tell the user *what* failed and what to do.
"""

from __future__ import annotations

from typing import Self

from .speech import Param, Spoken, spoken


class AgentReuseError(Exception):
    """Base class of every error the engine raises on purpose.

    ``str(err)`` is the English detail for logs and traces; ``spoken`` (optional) is what to *say* about it,
    in the request's language (see :mod:`.speech`). Without one, the error's kind decides
    (:func:`spoken_error`).
    """

    def __init__(self, message: str = "", *, spoken: Spoken | None = None) -> None:
        super().__init__(message)
        self.spoken = spoken

    @classmethod
    def said(cls, key: str, /, **params: Param) -> Self:
        """An error whose message is the catalogue's English text of ``key`` (and that says it per language)."""
        message = spoken(key, **params)
        return cls(message.render("en"), spoken=message)


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

    def __init__(self, message: str, status: int, *, spoken: Spoken | None = None) -> None:
        super().__init__(message, spoken=spoken)
        self.status = status


class PlannerTimeoutError(PlannerError):
    """The LLM planner did not answer within the configured timeout."""


class CacheFileError(AgentReuseError):
    """The cache file on disk could not be read (it is moved aside and the cache starts empty)."""


class StepError(AgentReuseError):
    """A plan step failed while executing (unknown entity, refused entity, broker down, timeout).

    ``about_request`` marks failures that the request or the home's state explain, not the plan: no device
    by the name said, several to choose from ("which one?"), none playing, the broker down. A cached plan
    that fails so is not counted against it (two counted failures drop a plan): asking "pause the tv" twice
    in a home with two TVs dropped the plan that every other "pause the {name}" needed.
    """

    def __init__(
        self, message: str = "", *, spoken: Spoken | None = None, about_request: bool = False
    ) -> None:
        super().__init__(message, spoken=spoken)
        self.about_request = about_request

    @classmethod
    def of_request(cls, key: str, /, **params: Param) -> Self:
        """Like :meth:`said`, for a failure the request or the home's state explains (``about_request``)."""
        err = cls.said(key, **params)
        err.about_request = True
        return err


def is_auth_error(err: BaseException | None) -> bool:
    """Whether the planner refused the credentials (HTTP 401/403): a new API key is needed, not a retry."""
    return isinstance(err, PlannerHTTPError) and err.status in (401, 403)


def spoken_error(err: AgentReuseError) -> Spoken:
    """What to say about ``err``: its own message, else one for its kind (details stay in the trace)."""
    if err.spoken is not None:
        return err.spoken
    if is_auth_error(err):
        return spoken("planner_auth")
    if isinstance(err, PlannerHTTPError):
        return spoken("planner_http", status=str(err.status))
    if isinstance(err, PlannerError):
        return spoken("planner_failed")
    if isinstance(err, PlanValidationError):
        return spoken("plan_invalid")
    if isinstance(err, InputError):
        return spoken("bad_request")
    if isinstance(err, ModelFileError):
        return spoken("models_broken")
    if isinstance(err, StepError):
        return spoken("step_failed")
    return spoken("internal")
