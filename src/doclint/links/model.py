"""What a link check finds: the outcome of each URL, its cause, the settings of a run."""

from __future__ import annotations

import enum
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from doclint import __version__

if TYPE_CHECKING:
    pass


class Outcome(str, enum.Enum):
    ALIVE = "alive"
    DEAD = "dead"
    WARNING = "warning"  # could not be confirmed: login, bot protection, rate limit, timeout…
    SKIPPED = "skipped"  # not checked on purpose: excluded, or a private address


# Why a result is what it is, in a word that tests, the cache and summaries rely on.
CAUSE_STATUS = "status"  # the server's status code decided
CAUSE_DNS_NOT_FOUND = "dns-not-found"
CAUSE_DNS_UNAVAILABLE = "dns-unavailable"  # the resolver failed temporarily
CAUSE_NETWORK_UNAVAILABLE = "network-unavailable"  # no host at all could be resolved
CAUSE_TIMEOUT = "timeout"
CAUSE_CONNECTION = "connection"  # refused, reset, closed mid-response
CAUSE_TLS = "tls"
CAUSE_REDIRECT_LOOP = "redirect-loop"
CAUSE_TOO_MANY_REDIRECTS = "too-many-redirects"
CAUSE_BAD_REDIRECT = "bad-redirect"  # to a scheme other than http(s)
CAUSE_INVALID_URL = "invalid-url"
CAUSE_PRIVATE_ADDRESS = "private-address"
CAUSE_EXCLUDED = "excluded"

# Hosts that get ``Authorization: Bearer $GITHUB_TOKEN`` (over https only): the API and the
# raw-content hosts, whose rate limits a token raises. Never github.com pages, never others.
GITHUB_TOKEN_HOSTS = frozenset(
    {"api.github.com", "raw.githubusercontent.com", "gist.githubusercontent.com"}
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# When so many distinct hosts fail to resolve and none resolves at all, the machine has no
# working DNS (a sandbox, a laptop offline): the links are not dead, the network is absent.
NETWORK_DOWN_MIN_HOSTS = 3


@dataclass(frozen=True)
class LinkResult:
    outcome: Outcome
    reason: str  # for people: "404 Not Found", "redirect loop: a → b → a"
    cause: str = CAUSE_STATUS
    status: int | None = None
    final_url: str | None = None  # where redirects ended, when they did
    attempts: int = 1
    cached: bool = False


@dataclass(frozen=True)
class Settings:
    """How to check: the dead-link rule's options, with the command line laid over them.

    Their defaults are the rule's (``doclint.rules.dead_link.Options``), written there
    only: ``doclint.engine.external.link_check_settings`` makes a Settings from them.
    """

    timeout: float
    concurrency: int
    host_concurrency: int
    retries: int
    retry_wait: float  # the first backoff; it doubles with each retry
    max_retry_wait: float  # a Retry-After longer than this is not waited for
    max_redirects: int
    allow_private: bool
    exclude_urls: tuple[re.Pattern[str], ...]
    exclude_hosts: tuple[str, ...]  # globs, matched against the lower-case host
    accepted: tuple[tuple[str, frozenset[int]], ...]  # (host glob, statuses that are alive)
    github_token: str | None = field(default=None, repr=False)
    user_agent: str = f"doclint/{__version__} (markdown link checker)"

    def accepts(self, host: str, status: int) -> bool:
        return any(
            status in statuses and fnmatch.fnmatchcase(host, pattern)
            for pattern, statuses in self.accepted
        )

    def exclusion(self, url: str, host: str) -> str | None:
        """Why ``url`` is excluded, or None."""
        for pattern in self.exclude_urls:
            if pattern.search(url):
                return f"excluded by the URL pattern {pattern.pattern!r}"
        for glob in self.exclude_hosts:
            if fnmatch.fnmatchcase(host, glob.lower()):
                return f"excluded by the host pattern {glob!r}"
        return None


Progress = Callable[[int, int, int], None]  # (done, total, dead so far)


# ---------------------------------------------------------------------------------------
# Names and addresses


def url_host(url: str) -> str:
    """The lower-case host name of ``url``; empty when it has none or cannot be parsed."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def host_key(url: str) -> str:
    """What per-host limits count by: the host, and the port when it is not the default."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url_host(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if port in (None, default) else f"{host}:{port}"


def status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
