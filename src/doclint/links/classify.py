"""How a response or a failure is classified: dead, a warning, alive; when to retry."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from doclint.links.model import (
    CAUSE_CONNECTION,
    CAUSE_INVALID_URL,
    CAUSE_TIMEOUT,
    CAUSE_TLS,
    LinkResult,
    Outcome,
    Settings,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Answer:
    """What one attempt found: the result it would give, and whether to try again."""

    result: LinkResult
    retryable: bool = False
    retry_after: float | None = None  # seconds the server asked us to wait


def classify_status(status: int, host: str, settings: Settings) -> tuple[Outcome, bool]:
    """The outcome of a final status code, and whether trying again may change it."""
    if settings.accepts(host, status) or 200 <= status < 400:
        return Outcome.ALIVE, False
    if status in (429, 408) or 500 <= status < 600:
        return Outcome.WARNING, True
    if 400 <= status < 500 and status not in (401, 403):
        return Outcome.DEAD, False
    return Outcome.WARNING, False  # 401, 403, and codes outside HTTP (LinkedIn's 999)


STATUS_NOTES = {
    401: "the page needs a login",
    403: "forbidden: a login or bot protection; it may open in a browser",
    429: "rate limited",
}


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(when.timestamp() - now, 0.0)


def backoff(retry: int, settings: Settings) -> float:
    """Exponential backoff with jitter: between half and all of ``retry_wait * 2**(n-1)``,
    so that URLs that failed together do not come back together."""
    nominal = settings.retry_wait * 2 ** (retry - 1)
    return nominal * random.uniform(0.5, 1.0)


def classify_failure(error: BaseException) -> tuple[str, str, bool]:
    """(cause, reason, retryable) for an exception raised while requesting a URL."""
    import httpcore
    import httpx

    if isinstance(error, asyncio.TimeoutError | httpx.TimeoutException | httpcore.TimeoutException):
        return CAUSE_TIMEOUT, "timed out", True
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return CAUSE_INVALID_URL, f"not a valid URL ({error})", False
    if isinstance(error, httpcore.LocalProtocolError):
        return CAUSE_INVALID_URL, f"not a valid URL ({error})", False
    import ssl

    text = str(error) or type(error).__name__
    context: BaseException | None = error
    for _ in range(10):  # the chain of causes, a few deep (and never round in a circle)
        if context is None:
            break
        if isinstance(context, ssl.SSLError | ssl.CertificateError):
            return CAUSE_TLS, f"TLS failed ({text})", False
        context = context.__cause__ or context.__context__
    if isinstance(error, httpcore.RemoteProtocolError | httpx.RemoteProtocolError):
        return CAUSE_CONNECTION, f"the server broke the connection ({text})", True
    if isinstance(error, OSError | httpx.TransportError | httpcore.NetworkError):
        return CAUSE_CONNECTION, f"connection failed ({text})", True
    # Anything else is a surprise about one link; it must not stop the others.
    return CAUSE_CONNECTION, f"unexpected failure ({type(error).__name__}: {text})", False
