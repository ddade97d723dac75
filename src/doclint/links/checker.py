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
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from doclint.links.classify import (
    STATUS_NOTES,
    Answer,
    backoff,
    classify_failure,
    classify_status,
    parse_retry_after,
)
from doclint.links.guard import (
    NameNotFound,
    RefusedAddress,
    Resolver,
    ResolverUnavailable,
    guarded_backend_class,
    guarded_transport,
    system_resolver,
)
from doclint.links.model import (
    CAUSE_BAD_REDIRECT,
    CAUSE_DNS_NOT_FOUND,
    CAUSE_DNS_UNAVAILABLE,
    CAUSE_EXCLUDED,
    CAUSE_INVALID_URL,
    CAUSE_NETWORK_UNAVAILABLE,
    CAUSE_PRIVATE_ADDRESS,
    CAUSE_REDIRECT_LOOP,
    CAUSE_STATUS,
    CAUSE_TOO_MANY_REDIRECTS,
    GITHUB_TOKEN_HOSTS,
    NETWORK_DOWN_MIN_HOSTS,
    REDIRECT_STATUSES,
    LinkResult,
    Outcome,
    Progress,
    Settings,
    host_key,
    status_text,
    url_host,
)

if TYPE_CHECKING:
    import httpx

    from doclint.links.cache import LinkCache


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

    async def _attempt(self, url: str) -> Answer:
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
                        return Answer(
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
                        return Answer(
                            LinkResult(
                                Outcome.DEAD, f"redirect loop: {loop}", CAUSE_REDIRECT_LOOP, status
                            )
                        )
                    if len(chain) > self.settings.max_redirects:
                        return Answer(
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
            return Answer(LinkResult(Outcome.SKIPPED, reason, CAUSE_PRIVATE_ADDRESS))
        except NameNotFound:
            host = url_host(current)
            return Answer(
                LinkResult(
                    Outcome.DEAD, f"the host name {host} does not exist", CAUSE_DNS_NOT_FOUND
                )
            )
        except ResolverUnavailable as error:
            host = url_host(current)
            reason = f"could not resolve {host}: {error}"
            return Answer(LinkResult(Outcome.WARNING, reason, CAUSE_DNS_UNAVAILABLE))
        except Exception as error:
            cause, reason, retryable = classify_failure(error)
            outcome = Outcome.DEAD if cause == CAUSE_INVALID_URL else Outcome.WARNING
            return Answer(LinkResult(outcome, reason, cause), retryable)

    def _final(self, url: str, final_url: str, status: int, headers: Any) -> Answer:
        outcome, retryable = classify_status(status, url_host(final_url), self.settings)
        reason = status_text(status)
        note = STATUS_NOTES.get(status)
        if note and outcome is not Outcome.ALIVE:
            reason = f"{reason}: {note}"
        if final_url != url:
            reason = f"{reason} at {final_url}"
        retry_after = parse_retry_after(headers.get("retry-after"), time.time())
        result = LinkResult(
            outcome, reason, CAUSE_STATUS, status, final_url if final_url != url else None
        )
        return Answer(result, retryable, retry_after if retryable else None)

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

    backend = guarded_backend_class()(resolver, settings.allow_private, settings.timeout)
    async with httpx.AsyncClient(
        transport=guarded_transport(backend, settings),
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
