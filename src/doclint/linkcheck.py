"""External links: is an http(s) URL alive? Checked quickly, politely and safely.

``check_urls(urls, settings, cache, progress)`` checks each distinct URL once, with httpx's
async client, and returns a ``LinkResult`` per URL: alive, dead, a warning (it could not be
confirmed either way) or skipped (not checked on purpose). It knows nothing of markdown:
the engine collects the URLs and the dead-link rule turns the results into findings.

- **Classification.** HEAD first, GET when HEAD gets an error (405 and 501 mean the server
  does not do HEAD; many servers also answer HEAD with 403, 404 or 500 while GET works, so
  a link is only called dead on a GET's word). Bodies are never read: the status and
  headers are enough, and the response is closed. Redirects are followed by hand (at most
  ``max_redirects``), so that loops and too-long chains are named as such and every hop is
  checked like the first. 404, 410 and other 4xx are dead, and so is a host name that does
  not exist; 401/403 (login, bot protection), 429, 5xx, timeouts and connection failures
  after retries are warnings.
- **Politeness.** At most ``concurrency`` requests at once, ``host_concurrency`` per host;
  retries with exponential backoff and jitter; a ``Retry-After`` (seconds or an HTTP date)
  delays that URL only, never its whole host; connections are reused; a User-Agent names
  doclint and its version; ``GITHUB_TOKEN`` goes only to GitHub's API and raw-content hosts.
- **Safety.** Every connection is made by ``GuardedBackend``: it resolves the name itself,
  refuses loopback, private, link-local, multicast, reserved and unspecified addresses,
  and connects to exactly the address it checked, so there is no window between the check
  and the connection (DNS rebinding). Redirect hops open their own connections and are
  checked the same way. ``allow_private`` turns the refusal off.

httpx and httpcore are imported only when a check runs: a plain ``doclint check`` never
loads them.
"""

from __future__ import annotations

import asyncio
import enum
import fnmatch
import ipaddress
import random
import re
import socket
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from . import __version__

if TYPE_CHECKING:
    import httpx

    from .linkcache import LinkCache


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
    """How to check. The dead-link rule's options, with the command line laid over them."""

    timeout: float = 10.0
    concurrency: int = 64
    host_concurrency: int = 8
    retries: int = 3
    retry_wait: float = 1.0  # the first backoff; it doubles with each retry
    max_retry_wait: float = 30.0  # a Retry-After longer than this is not waited for
    max_redirects: int = 10
    allow_private: bool = False
    exclude_urls: tuple[re.Pattern[str], ...] = ()
    exclude_hosts: tuple[str, ...] = ()  # globs, matched against the lower-case host
    accepted: tuple[tuple[str, frozenset[int]], ...] = ()  # (host glob, statuses that are alive)
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


class NameNotFound(Exception):
    """The host name does not exist (NXDOMAIN)."""


class ResolverUnavailable(Exception):
    """The resolver failed temporarily (no network, DNS server down, timed out)."""


class RefusedAddress(Exception):
    """The name resolves only to addresses that links must not reach."""

    def __init__(self, host: str, address: str, category: str) -> None:
        self.host, self.address, self.category = host, address, category
        if _literal_address(host) == address:
            super().__init__(f"{host} is a {category} address")
        else:
            super().__init__(f"{host} resolves to a {category} address ({address})")


class Resolver(Protocol):
    def __call__(self, host: str, port: int) -> Awaitable[list[str]]: ...


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the operating system's resolver, in its order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        not_found = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
        if error.errno in not_found:
            raise NameNotFound(str(error.strerror or error)) from None
        raise ResolverUnavailable(str(error.strerror or error)) from None
    except UnicodeError as error:  # a label too long for IDNA
        raise NameNotFound(str(error)) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


def refused_category(address: str) -> str | None:
    """Why links must not reach ``address`` ("loopback", "private", …), or None."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]
    )
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE):
        return "private"
    if ip.is_reserved:
        return "reserved"
    return None


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _guarded_backend_class() -> type:
    """``GuardedBackend``, built on first use so that httpcore loads only when needed."""
    import httpcore

    class GuardedBackend(httpcore.AsyncNetworkBackend):
        """Resolves, checks and connects in one step: the address checked is the address
        connected to. Each name is resolved once per run (the answer cannot change under a
        connection that was already checked)."""

        def __init__(self, resolver: Resolver, allow_private: bool, timeout: float) -> None:
            self._inner = httpcore.AnyIOBackend()
            self._resolver = resolver
            self._allow_private = allow_private
            self._timeout = timeout
            self._answers: dict[tuple[str, int], asyncio.Future[list[str]]] = {}
            self.resolved_hosts: set[str] = set()  # names that resolved (for "network down")

        async def addresses(self, host: str, port: int) -> list[str]:
            literal = _literal_address(host)
            if literal is not None:
                return [literal]
            key = (host.lower(), port)
            if key not in self._answers:
                self._answers[key] = asyncio.ensure_future(self._resolve(host, port))
            addresses = await asyncio.shield(self._answers[key])
            self.resolved_hosts.add(key[0])
            return addresses

        async def _resolve(self, host: str, port: int) -> list[str]:
            try:
                addresses = await asyncio.wait_for(self._resolver(host, port), self._timeout)
            except asyncio.TimeoutError:
                raise ResolverUnavailable("the resolver did not answer in time") from None
            if not addresses:
                raise NameNotFound("no address")
            return addresses

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.AsyncNetworkStream:
            addresses = await self.addresses(host, port)
            allowed = [
                address
                for address in addresses
                if self._allow_private or refused_category(address) is None
            ]
            if not allowed:
                raise RefusedAddress(host, addresses[0], refused_category(addresses[0]) or "")
            failure: Exception | None = None
            for address in allowed:
                try:
                    return await self._inner.connect_tcp(
                        address,
                        port,
                        timeout=timeout,
                        local_address=local_address,
                        socket_options=socket_options,
                    )
                except httpcore.ConnectError as error:
                    failure = error  # try the name's next address
            assert failure is not None
            raise failure

        async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
            raise httpcore.ConnectError("unix sockets are not links")

        async def sleep(self, seconds: float) -> None:
            await self._inner.sleep(seconds)

    return GuardedBackend


def _guarded_transport(backend: Any, settings: Settings) -> httpx.AsyncBaseTransport:
    """An httpx transport that connects only through ``backend``, with one small httpcore
    pool per origin.

    httpx's own transport does not take a network backend, so this one hands requests to
    httpcore pools built with it. One pool per origin, because httpcore looks through all
    of a pool's connections for every request: one pool of 64 connections spends more CPU
    than the requests themselves, eight connections per pool do not. Pools of origins not
    used lately are closed, so that a book with thousands of hosts does not keep thousands
    of idle connections (and file descriptors) open. Response bodies are streamed, never
    read here."""
    import httpcore
    import httpx

    class GuardedTransport(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self._ssl_context = httpx.create_ssl_context()
            self._pools: OrderedDict[tuple[bytes, bytes, int | None], Any] = OrderedDict()
            self._busy: Counter[tuple[bytes, bytes, int | None]] = Counter()

        def _pool(self, origin: tuple[bytes, bytes, int | None]) -> Any:
            pool = self._pools.get(origin)
            if pool is None:
                pool = self._pools[origin] = httpcore.AsyncConnectionPool(
                    ssl_context=self._ssl_context,
                    max_connections=settings.host_concurrency,
                    max_keepalive_connections=settings.host_concurrency,
                    keepalive_expiry=30.0,
                    network_backend=backend,
                )
            self._pools.move_to_end(origin)
            return pool

        async def _close_unused_pools(self) -> None:
            """Keep at most twice ``concurrency`` pools and open connections, closing the
            pools used least recently that have no request in flight."""
            limit = 2 * settings.concurrency
            connections = sum(len(pool.connections) for pool in self._pools.values())
            for origin in list(self._pools):  # least recently used first
                if len(self._pools) <= limit and connections <= limit:
                    break
                if not self._busy[origin]:
                    pool = self._pools.pop(origin)
                    connections -= len(pool.connections)
                    await pool.aclose()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            url = request.url
            origin = (url.raw_scheme, url.raw_host, url.port)
            await self._close_unused_pools()
            pool = self._pool(origin)
            self._busy[origin] += 1
            try:
                response = await pool.handle_async_request(
                    httpcore.Request(
                        method=request.method,
                        url=httpcore.URL(
                            scheme=url.raw_scheme,
                            host=url.raw_host,
                            port=url.port,
                            target=url.raw_path,
                        ),
                        headers=request.headers.raw,
                        content=request.stream,
                        extensions=request.extensions,
                    )
                )
            except BaseException:
                self._busy[origin] -= 1
                raise

            def done() -> None:
                self._busy[origin] -= 1

            return httpx.Response(
                status_code=response.status,
                headers=response.headers,
                stream=_Body(response.stream, done),
                extensions=response.extensions,
            )

        async def aclose(self) -> None:
            for pool in self._pools.values():
                await pool.aclose()
            self._pools.clear()

    class _Body(httpx.AsyncByteStream):
        def __init__(self, stream: Any, on_close: Callable[[], None]) -> None:
            self._stream = stream
            self._on_close: Callable[[], None] | None = on_close

        async def __aiter__(self):  # type: ignore[override]
            async for chunk in self._stream:
                yield chunk

        async def aclose(self) -> None:
            try:
                await self._stream.aclose()
            finally:
                if self._on_close is not None:
                    self._on_close()
                    self._on_close = None

    return GuardedTransport()


# ---------------------------------------------------------------------------------------
# Classification


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


@dataclass(frozen=True)
class _Answer:
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


_STATUS_NOTES = {
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


def _failure(error: BaseException) -> tuple[str, str, bool]:
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


# ---------------------------------------------------------------------------------------
# Checking


class _Checker:
    def __init__(self, settings: Settings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client
        self.slots = asyncio.Semaphore(settings.concurrency)
        self.host_slots: dict[str, asyncio.Semaphore] = {}
        # Hosts that answered HEAD with 405 or 501 and never with success: their next URLs
        # go straight to GET, saving a round trip each.
        self.head_refused: set[str] = set()
        self.head_answered: set[str] = set()
        # URLs whose HEAD got an error: their retries ask GET only, one request instead of two.
        self.head_failed: set[str] = set()

    async def check(self, url: str) -> LinkResult:
        attempts = 0
        while True:
            attempts += 1
            answer = await self._attempt(url)
            if not answer.retryable or attempts > self.settings.retries:
                break
            if answer.retry_after is not None:
                if answer.retry_after > self.settings.max_retry_wait:
                    reason = (
                        f"{answer.result.reason}; asked to retry after {answer.retry_after:g} s"
                    )
                    answer = replace(answer, result=replace(answer.result, reason=reason))
                    break
                delay = answer.retry_after  # for this URL only; its host goes on being checked
            else:
                delay = backoff(attempts, self.settings)
            await asyncio.sleep(delay)
        result = answer.result
        if answer.retryable and attempts > 1:
            result = replace(result, reason=f"{result.reason} (after {attempts} attempts)")
        return replace(result, attempts=attempts)

    async def _attempt(self, url: str) -> _Answer:
        """One try at ``url``, following its redirects."""
        chain = [url]
        current = url
        try:
            while True:
                status, headers = await self._request(current)
                location = headers.get("location")
                if status in REDIRECT_STATUSES and location:
                    import httpx

                    target = str(httpx.URL(current).join(location).copy_with(fragment=None))
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        return _Answer(
                            LinkResult(
                                Outcome.WARNING,
                                f"redirects to {target}, which is not http(s)",
                                CAUSE_BAD_REDIRECT,
                                status,
                            )
                        )
                    # A page may redirect to itself once to set a cookie; twice is a loop.
                    visits = chain.count(target)
                    if visits >= 2 or (visits and "set-cookie" not in headers):
                        loop = " → ".join([*chain[chain.index(target) :], target])
                        return _Answer(
                            LinkResult(
                                Outcome.DEAD, f"redirect loop: {loop}", CAUSE_REDIRECT_LOOP, status
                            )
                        )
                    if len(chain) > self.settings.max_redirects:
                        return _Answer(
                            LinkResult(
                                Outcome.DEAD,
                                f"more than {self.settings.max_redirects} redirects",
                                CAUSE_TOO_MANY_REDIRECTS,
                                status,
                            )
                        )
                    chain.append(target)
                    current = target
                    continue
                return self._final(url, current, status, headers)
        except RefusedAddress as refused:
            reason = f"{refused} (allow-private checks it)"
            return _Answer(LinkResult(Outcome.SKIPPED, reason, CAUSE_PRIVATE_ADDRESS))
        except NameNotFound:
            host = url_host(current)
            return _Answer(
                LinkResult(
                    Outcome.DEAD, f"the host name {host} does not exist", CAUSE_DNS_NOT_FOUND
                )
            )
        except ResolverUnavailable as error:
            host = url_host(current)
            reason = f"could not resolve {host}: {error}"
            return _Answer(LinkResult(Outcome.WARNING, reason, CAUSE_DNS_UNAVAILABLE))
        except Exception as error:
            cause, reason, retryable = _failure(error)
            outcome = Outcome.DEAD if cause == CAUSE_INVALID_URL else Outcome.WARNING
            return _Answer(LinkResult(outcome, reason, cause), retryable)

    def _final(self, url: str, final_url: str, status: int, headers: Any) -> _Answer:
        outcome, retryable = classify_status(status, url_host(final_url), self.settings)
        reason = status_text(status)
        note = _STATUS_NOTES.get(status)
        if note and outcome is not Outcome.ALIVE:
            reason = f"{reason}: {note}"
        if final_url != url:
            reason = f"{reason} at {final_url}"
        retry_after = parse_retry_after(headers.get("retry-after"), time.time())
        result = LinkResult(
            outcome, reason, CAUSE_STATUS, status, final_url if final_url != url else None
        )
        return _Answer(result, retryable, retry_after if retryable else None)

    async def _request(self, url: str) -> tuple[int, Mapping[str, str]]:
        """The status and headers of one URL (no redirects followed), HEAD first."""
        host = host_key(url)
        host_slots = self.host_slots.setdefault(
            host, asyncio.Semaphore(self.settings.host_concurrency)
        )
        # The host's slot first: a task waiting for a busy host holds no global slot.
        async with host_slots, self.slots:
            head_wanted = host not in self.head_refused or host in self.head_answered
            if head_wanted and url not in self.head_failed:
                status, headers = await self._send("HEAD", url)
                if status in (405, 501):
                    self.head_refused.add(host)
                if status < 400 or status == 429:
                    self.head_answered.add(host)
                    return status, headers
                self.head_failed.add(url)
            return await self._send("GET", url)

    async def _send(self, method: str, url: str) -> tuple[int, Mapping[str, str]]:
        request = self.client.build_request(method, url, headers=self._headers(url))
        response = await asyncio.wait_for(
            self.client.send(request, stream=True, follow_redirects=False), self.settings.timeout
        )
        try:
            if method == "HEAD" or response.headers.get("content-length") == "0":
                # Nothing to download: reading the empty body lets the connection be reused.
                await response.aread()
            return response.status_code, response.headers
        finally:
            await response.aclose()  # a body left unread closes the connection instead

    def _headers(self, url: str) -> dict[str, str]:
        return authorization_headers(url, self.settings.github_token)


def authorization_headers(url: str, github_token: str | None) -> dict[str, str]:
    """``Authorization`` for GitHub's API and raw-content hosts over https; nothing else."""
    if not github_token or not url.startswith("https://"):
        return {}
    if url_host(url) in GITHUB_TOKEN_HOSTS:
        return {"Authorization": f"Bearer {github_token}"}
    return {}


async def _check_all(
    urls: list[str],
    settings: Settings,
    resolver: Resolver,
    on_result: Callable[[str, LinkResult], None],
) -> set[str]:
    """Check every URL; returns the host names that resolved."""
    import httpx

    backend = _guarded_backend_class()(resolver, settings.allow_private, settings.timeout)
    async with httpx.AsyncClient(
        transport=_guarded_transport(backend, settings),
        timeout=httpx.Timeout(settings.timeout),
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        },
        follow_redirects=False,
        trust_env=False,
    ) as client:
        checker = _Checker(settings, client)

        async def one(url: str) -> None:
            on_result(url, await checker.check(url))

        await asyncio.gather(*(one(url) for url in urls))
    return backend.resolved_hosts


def _network_verdict(results: dict[str, LinkResult], resolved_hosts: set[str]) -> None:
    """When many hosts were "not found" and not one name resolved, the resolver is what
    failed (a machine without DNS answers NXDOMAIN for everything): those links are
    unchecked, not dead."""
    unresolved = {
        url_host(url)
        for url, result in results.items()
        if result.cause == CAUSE_DNS_NOT_FOUND and not result.cached
    }
    if resolved_hosts or len(unresolved) < NETWORK_DOWN_MIN_HOSTS:
        return
    for url, result in results.items():
        if result.cause == CAUSE_DNS_NOT_FOUND and not result.cached:
            host = url_host(url)
            results[url] = replace(
                result,
                outcome=Outcome.WARNING,
                cause=CAUSE_NETWORK_UNAVAILABLE,
                reason=f"could not resolve {host}, nor any other host",
            )


def check_urls(
    urls: Iterable[str],
    settings: Settings,
    cache: LinkCache | None = None,
    progress: Progress | None = None,
    resolver: Resolver | None = None,
) -> dict[str, LinkResult]:
    """A result for each distinct URL: excluded ones skipped, cached ones from the cache,
    the rest checked over the network (and then stored in the cache)."""
    distinct = list(dict.fromkeys(urls))
    results: dict[str, LinkResult] = {}
    to_check: list[str] = []
    for url in distinct:
        reason = settings.exclusion(url, url_host(url))
        if reason is not None:
            results[url] = LinkResult(Outcome.SKIPPED, reason, CAUSE_EXCLUDED)
        else:
            to_check.append(url)
    if cache is not None:
        for url, result in cache.lookup(to_check).items():
            host = url_host(url)
            if result.status is not None and settings.accepts(host, result.status):
                continue  # the configuration now accepts what was cached: ask again
            results[url] = result
        to_check = [url for url in to_check if url not in results]

    total = len(distinct)
    dead = sum(1 for result in results.values() if result.outcome is Outcome.DEAD)
    done = len(results)
    if progress is not None:
        progress(done, total, dead)

    def on_result(url: str, result: LinkResult) -> None:
        nonlocal done, dead
        results[url] = result
        done += 1
        dead += result.outcome is Outcome.DEAD
        if progress is not None:
            progress(done, total, dead)

    if to_check:
        resolved = asyncio.run(
            _check_all(to_check, settings, resolver or system_resolver, on_result)
        )
        _network_verdict(results, resolved)
        if cache is not None:
            cache.store({url: results[url] for url in to_check})
    return {url: results[url] for url in distinct}
