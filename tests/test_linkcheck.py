"""External links against a real HTTP server on 127.0.0.1: classification, retries,
Retry-After, redirects, bodies never downloaded, politeness and the address guard."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from doclint import __version__
from doclint.links import checker, classify, guard, model
from doclint.links.checker import check_urls
from doclint.links.guard import ResolverUnavailable
from doclint.links.model import (
    CAUSE_CONNECTION,
    CAUSE_DNS_NOT_FOUND,
    CAUSE_DNS_UNAVAILABLE,
    CAUSE_EXCLUDED,
    CAUSE_NETWORK_UNAVAILABLE,
    CAUSE_PRIVATE_ADDRESS,
    CAUSE_REDIRECT_LOOP,
    CAUSE_TIMEOUT,
    CAUSE_TOO_MANY_REDIRECTS,
    Outcome,
    Settings,
)

from .conftest import fake_resolver
from .linkserver import InFlight, LinkServer, Reply
from .linksettings import link_settings

# Short waits keep the suite fast; the behaviour is the same as with the defaults.
FAST = link_settings(timeout=1.0, retries=2, retry_wait=0.01, allow_private=True)


def check_one(url: str, settings: Settings = FAST, **kwargs) -> model.LinkResult:
    return check_urls([url], settings, **kwargs)[url]


# ---------------------------------------------------------------------------------------
# Classification


def test_alive_pages_take_one_head_request(link_server) -> None:
    url = link_server.route("/ok")
    result = check_one(url)
    assert (result.outcome, result.status, result.attempts) == (Outcome.ALIVE, 200, 1)
    assert link_server.methods("/ok") == ["HEAD"]


@pytest.mark.parametrize("status", [404, 410, 400, 451])
def test_client_errors_are_dead_on_a_gets_word(link_server, status: int) -> None:
    url = link_server.route("/gone", Reply(status))
    result = check_one(url)
    assert result.outcome is Outcome.DEAD and result.status == status
    assert str(status) in result.reason
    assert link_server.methods("/gone") == ["HEAD", "GET"]


def test_a_page_that_only_fails_head_is_alive(link_server) -> None:
    url = link_server.route("/head-404", Reply(404), Reply(200))
    assert check_one(url).outcome is Outcome.ALIVE
    assert link_server.methods("/head-404") == ["HEAD", "GET"]


@pytest.mark.parametrize(("status", "words"), [(401, "login"), (403, "bot protection")])
def test_login_and_bot_protection_are_warnings(link_server, status: int, words: str) -> None:
    url = link_server.route("/private", Reply(status))
    result = check_one(url)
    assert result.outcome is Outcome.WARNING and words in result.reason
    assert result.attempts == 1  # not retried: asking again changes nothing


def test_405_on_head_falls_back_to_get(link_server) -> None:
    url = link_server.route("/no-head", Reply(200), head=False)
    assert check_one(url).outcome is Outcome.ALIVE
    assert link_server.methods("/no-head") == ["HEAD", "GET"]


def test_a_host_that_refuses_head_gets_get_from_then_on(link_server) -> None:
    urls = [link_server.route(f"/page{n}", Reply(200), head=False) for n in range(6)]
    settings = link_settings(host_concurrency=1, allow_private=True, timeout=1.0)
    results = check_urls(urls, settings)
    assert all(result.outcome is Outcome.ALIVE for result in results.values())
    assert [entry.method for entry in link_server.requests()].count("HEAD") == 1


def test_server_error_then_success_is_alive_after_a_retry(link_server) -> None:
    url = link_server.route("/flaky", Reply(500), Reply(200), head=False)
    result = check_one(url)
    assert (result.outcome, result.attempts) == (Outcome.ALIVE, 2)


def test_server_error_always_is_a_warning_after_the_retries(link_server) -> None:
    url = link_server.route("/broken", Reply(500))
    result = check_one(url)
    assert result.outcome is Outcome.WARNING
    assert result.attempts == 3 and "after 3 attempts" in result.reason
    # The retries do not ask HEAD again: it said nothing useful the first time.
    assert link_server.methods("/broken") == ["HEAD", "GET", "GET", "GET"]


# ---------------------------------------------------------------------------------------
# Redirects


def test_a_redirect_chain_is_followed_to_its_end(link_server) -> None:
    link_server.route("/a", Reply(301, {"Location": "/b"}))
    link_server.route("/b", Reply(302, {"Location": link_server.url("/c")}))
    link_server.route("/c", Reply(307, {"Location": "d"}))
    link_server.route("/d")
    result = check_one(link_server.url("/a"))
    assert result.outcome is Outcome.ALIVE
    assert result.final_url == link_server.url("/d")


def test_a_redirect_to_a_dead_page_is_dead_and_says_where(link_server) -> None:
    link_server.route("/moved", Reply(308, {"Location": "/nowhere"}))
    result = check_one(link_server.url("/moved"))
    assert result.outcome is Outcome.DEAD
    assert result.reason == f"404 Not Found at {link_server.url('/nowhere')}"


def test_ten_redirects_are_followed_and_eleven_are_too_many(link_server) -> None:
    for n in range(11):
        link_server.route(f"/hop{n}", Reply(301, {"Location": f"/hop{n + 1}"}))
    link_server.route("/hop11")
    assert check_one(link_server.url("/hop1")).outcome is Outcome.ALIVE  # 10 redirects
    result = check_one(link_server.url("/hop0"))  # 11 redirects
    assert (result.outcome, result.cause) == (Outcome.DEAD, CAUSE_TOO_MANY_REDIRECTS)
    assert "more than 10 redirects" in result.reason


def test_a_redirect_loop_is_dead_and_named(link_server) -> None:
    link_server.route("/ping", Reply(301, {"Location": "/pong"}))
    link_server.route("/pong", Reply(301, {"Location": "/ping"}))
    result = check_one(link_server.url("/ping"))
    assert (result.outcome, result.cause) == (Outcome.DEAD, CAUSE_REDIRECT_LOOP)
    ping, pong = link_server.url("/ping"), link_server.url("/pong")
    assert result.reason == f"redirect loop: {ping} → {pong} → {ping}"


def test_a_self_redirect_that_sets_a_cookie_is_not_a_loop(link_server) -> None:
    link_server.route(
        "/consent",
        Reply(302, {"Location": "/consent", "Set-Cookie": "seen=1"}),
        Reply(200),
    )
    assert check_one(link_server.url("/consent")).outcome is Outcome.ALIVE


# ---------------------------------------------------------------------------------------
# Rate limits and Retry-After


def test_429_with_retry_after_once_is_alive_after_waiting(link_server) -> None:
    url = link_server.route("/limited", Reply(429, {"Retry-After": "1"}), Reply(200))
    started = time.monotonic()
    result = check_one(url)
    assert (result.outcome, result.attempts) == (Outcome.ALIVE, 2)
    first, second = link_server.requests("/limited")
    assert second.at - first.at >= 0.95
    assert time.monotonic() - started < 3


def test_429_with_retry_after_twice_is_alive_after_two_waits(link_server) -> None:
    url = link_server.route(
        "/limited",
        Reply(429, {"Retry-After": "1"}),
        # An HTTP date, whole seconds: 2 to 3 s after the second request
        Reply(429, {"Retry-After": formatdate(time.time() + 4, usegmt=True)}),
        Reply(200),
    )
    result = check_one(url)
    assert (result.outcome, result.attempts) == (Outcome.ALIVE, 3)
    times = [entry.at for entry in link_server.requests("/limited")]
    assert times[1] - times[0] >= 0.95 and times[2] - times[1] >= 1.9


def test_429_that_never_ends_is_a_warning_never_dead(link_server) -> None:
    url = link_server.route("/limited", Reply(429, {"Retry-After": "0"}))
    result = check_one(url)
    assert result.outcome is Outcome.WARNING and "429" in result.reason
    assert result.attempts == 3


def test_a_retry_after_beyond_the_limit_is_not_waited_for(link_server) -> None:
    url = link_server.route("/limited", Reply(429, {"Retry-After": "3600"}))
    started = time.monotonic()
    result = check_one(url)
    assert result.outcome is Outcome.WARNING and "retry after 3600 s" in result.reason
    assert result.attempts == 1 and time.monotonic() - started < 1


def test_retry_after_delays_that_url_only_not_its_host(link_server) -> None:
    limited = link_server.route("/limited", Reply(429, {"Retry-After": "2"}), Reply(200))
    others = [link_server.route(f"/other{n}") for n in range(10)]
    settings = link_settings(host_concurrency=2, allow_private=True, timeout=1.0)
    results = check_urls([limited, *others], settings)
    assert all(result.outcome is Outcome.ALIVE for result in results.values())
    first_limited = link_server.requests("/limited")[0].at
    latest_other = max(link_server.requests(f"/other{n}")[0].at for n in range(10))
    assert latest_other - first_limited < 1.0  # the host went on while /limited waited


def test_retry_after_values() -> None:
    now = time.time()
    assert classify.parse_retry_after("120", now) == 120
    assert classify.parse_retry_after(formatdate(now + 30, usegmt=True), now) == pytest.approx(
        30, abs=1
    )
    assert classify.parse_retry_after(formatdate(now - 30, usegmt=True), now) == 0
    assert classify.parse_retry_after("soon", now) is None
    assert classify.parse_retry_after(None, now) is None


def test_backoff_doubles_with_jitter() -> None:
    settings = link_settings(retry_wait=1.0)
    for retry, nominal in ((1, 1.0), (2, 2.0), (3, 4.0)):
        waits = [classify.backoff(retry, settings) for _ in range(50)]
        assert all(nominal / 2 <= wait <= nominal for wait in waits)
        assert len(set(waits)) > 1


# ---------------------------------------------------------------------------------------
# Timeouts, bodies, broken connections


def test_a_page_slower_than_the_timeout_is_a_warning(link_server) -> None:
    url = link_server.route("/slow", Reply(200, delay=1.5))
    settings = link_settings(timeout=0.3, retries=1, retry_wait=0.01, allow_private=True)
    started = time.monotonic()
    result = check_one(url, settings)
    assert (result.outcome, result.cause, result.attempts) == (Outcome.WARNING, CAUSE_TIMEOUT, 2)
    assert time.monotonic() - started < 1.5


def test_a_slow_page_within_the_timeout_is_alive(link_server) -> None:
    url = link_server.route("/slowish", Reply(200, delay=0.3))
    assert check_one(url).outcome is Outcome.ALIVE


def test_a_50_mb_body_is_not_downloaded(link_server) -> None:
    size = 50 * 1024 * 1024
    url = link_server.route("/big", Reply(200, body_size=size), head=False)
    result = check_one(url)
    assert result.outcome is Outcome.ALIVE
    assert link_server.methods("/big") == ["HEAD", "GET"]
    time.sleep(0.2)  # let the server notice the closed connection
    assert link_server.body_bytes_sent["/big"] < 1024 * 1024


def test_a_connection_closed_mid_response_is_a_warning_after_retries(link_server) -> None:
    url = link_server.route("/cut", Reply(cut=True))
    result = check_one(url)
    assert (result.outcome, result.cause, result.attempts) == (
        Outcome.WARNING,
        CAUSE_CONNECTION,
        3,
    )


def test_a_refused_connection_is_a_warning(link_server) -> None:
    port = link_server.port
    link_server.stop()
    result = check_one(f"http://127.0.0.1:{port}/x", link_settings(retries=0, allow_private=True))
    assert (result.outcome, result.cause) == (Outcome.WARNING, CAUSE_CONNECTION)


@pytest.mark.parametrize("url", ["http://[::1/", "http://ex\x00ample.com/"])
def test_an_invalid_url_is_dead(url: str) -> None:
    result = check_one(url)
    assert result.outcome is Outcome.DEAD and "not a valid URL" in result.reason


# ---------------------------------------------------------------------------------------
# Politeness


def test_requests_name_doclint_and_reuse_connections(link_server) -> None:
    urls = [link_server.route(f"/p{n}") for n in range(20)]
    settings = link_settings(host_concurrency=2, allow_private=True)
    check_urls(urls, settings)
    agents = {entry.headers["User-Agent"] for entry in link_server.requests()}
    assert agents == {f"doclint/{__version__} (markdown link checker)"}
    assert len(link_server.requests()) == 20
    assert link_server.connections <= 2


def test_per_host_concurrency_limit_holds(link_server) -> None:
    urls = [link_server.route(f"/slow{n}", Reply(200, delay=0.1)) for n in range(10)]
    check_urls(urls, link_settings(concurrency=64, host_concurrency=3, allow_private=True))
    assert link_server.in_flight.most == 3


def test_global_concurrency_limit_holds_across_hosts() -> None:
    everywhere = InFlight()
    servers = [LinkServer(in_flight=everywhere).start() for _ in range(3)]  # three hosts
    try:
        urls = [
            server.route(f"/slow{n}", Reply(200, delay=0.1)) for server in servers for n in range(4)
        ]
        check_urls(urls, link_settings(concurrency=4, host_concurrency=3, allow_private=True))
        assert everywhere.most == 4
    finally:
        for server in servers:
            server.stop()


def test_github_token_goes_only_to_githubs_api_and_raw_hosts(link_server, monkeypatch) -> None:
    headers = checker.authorization_headers
    assert headers("https://api.github.com/repos/a/b", "t0k") == {"Authorization": "Bearer t0k"}
    assert headers("https://raw.githubusercontent.com/a/b/main/x.md", "t0k")
    assert headers("https://github.com/a/b", "t0k") == {}
    assert headers("http://api.github.com/repos/a/b", "t0k") == {}  # never in clear text
    assert headers("https://api.github.com.evil.example/", "t0k") == {}
    assert headers("https://api.github.com/", None) == {}
    link_server.route("/r", Reply(302, {"Location": "/final"}))
    link_server.route("/final")
    settings = link_settings(allow_private=True, github_token="t0k")
    assert check_one(link_server.url("/r"), settings).outcome is Outcome.ALIVE
    assert all("Authorization" not in entry.headers for entry in link_server.requests())


def test_accepted_statuses_per_host(link_server) -> None:
    url = link_server.route("/members", Reply(999))
    assert check_one(url).outcome is Outcome.WARNING
    settings = link_settings(allow_private=True, accepted=(("127.0.0.*", frozenset({999})),))
    assert check_one(url, settings).outcome is Outcome.ALIVE
    other = link_settings(allow_private=True, accepted=(("*.example.com", frozenset({999})),))
    assert check_one(url, other).outcome is Outcome.WARNING


def test_excluded_urls_and_hosts_are_skipped_without_a_request(link_server) -> None:
    import re

    by_url = link_server.route("/drafts/1")
    by_host = f"http://localhost:{link_server.port}/x"
    settings = link_settings(
        allow_private=True, exclude_urls=(re.compile(r"/drafts/"),), exclude_hosts=("LOCAL*",)
    )
    results = check_urls([by_url, by_host], settings)
    assert {result.cause for result in results.values()} == {CAUSE_EXCLUDED}
    assert all(result.outcome is Outcome.SKIPPED for result in results.values())
    assert link_server.requests() == []


def test_each_distinct_url_is_checked_once(link_server) -> None:
    url = link_server.route("/once")
    results = check_urls([url, url, url], FAST)
    assert list(results) == [url]
    assert len(link_server.requests("/once")) == 1


def test_progress_counts_done_total_and_dead(link_server) -> None:
    urls = [link_server.route("/a"), link_server.route("/b", Reply(404))]
    calls: list[tuple[int, int, int]] = []
    check_urls(urls, FAST, progress=lambda done, total, dead: calls.append((done, total, dead)))
    assert calls[0] == (0, 2, 0) and calls[-1] == (2, 2, 1)


# ---------------------------------------------------------------------------------------
# Addresses and names


def test_loopback_is_refused_by_default_without_a_connection(link_server) -> None:
    url = link_server.route("/secret")
    result = check_one(url, link_settings())
    assert (result.outcome, result.cause) == (Outcome.SKIPPED, CAUSE_PRIVATE_ADDRESS)
    assert "127.0.0.1 is a loopback address" in result.reason
    assert link_server.requests() == [] and link_server.connections == 0


def test_a_public_name_resolving_to_loopback_is_refused(link_server) -> None:
    link_server.route("/secret")
    resolver = fake_resolver({"docs.example.com": ["127.0.0.1"]})
    url = f"http://docs.example.com:{link_server.port}/secret"
    result = check_one(url, link_settings(), resolver=resolver)
    assert (result.outcome, result.cause) == (Outcome.SKIPPED, CAUSE_PRIVATE_ADDRESS)
    assert "docs.example.com resolves to a loopback address (127.0.0.1)" in result.reason
    assert resolver.asked == ["docs.example.com"]
    assert link_server.requests() == [] and link_server.connections == 0


def test_allow_private_connects_to_the_address_that_was_resolved(link_server) -> None:
    link_server.route("/page")
    resolver = fake_resolver({"docs.example.com": ["127.0.0.1"]})
    url = f"http://docs.example.com:{link_server.port}/page"
    result = check_one(url, link_settings(allow_private=True), resolver=resolver)
    assert result.outcome is Outcome.ALIVE
    assert (
        link_server.requests("/page")[0].headers["Host"] == f"docs.example.com:{link_server.port}"
    )


def test_every_redirect_hop_is_checked_against_the_guard(link_server, monkeypatch) -> None:
    """The first server stands for a public host (only 127.0.0.1 is treated as public
    here); it redirects to a name resolving to 127.0.0.2, which must not be reached."""
    inner = LinkServer(host="127.0.0.2").start()
    try:
        inner.route("/admin")
        monkeypatch.setattr(
            guard,
            "refused_category",
            lambda address: None if address == "127.0.0.1" else "private",
        )
        target = f"http://intranet.example:{inner.port}/admin"
        link_server.route("/bounce", Reply(302, {"Location": target}))
        resolver = fake_resolver({"intranet.example": ["127.0.0.2"]})
        result = check_one(link_server.url("/bounce"), link_settings(), resolver=resolver)
        assert (result.outcome, result.cause) == (Outcome.SKIPPED, CAUSE_PRIVATE_ADDRESS)
        assert link_server.methods("/bounce") == ["HEAD"]
        assert inner.requests() == [] and inner.connections == 0
    finally:
        inner.stop()


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("240.0.0.1", "private"),
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ],
)
def test_refused_address_categories(address: str, category: str | None) -> None:
    assert guard.refused_category(address) == category


def test_a_name_that_does_not_exist_is_dead() -> None:
    result = check_one(
        "https://no-such-host.example/x", link_settings(), resolver=fake_resolver({})
    )
    assert (result.outcome, result.cause) == (Outcome.DEAD, CAUSE_DNS_NOT_FOUND)
    assert "no-such-host.example does not exist" in result.reason


def test_a_temporary_resolver_failure_is_a_warning() -> None:
    resolver = fake_resolver({"docs.example.com": ResolverUnavailable("Temporary failure")})
    result = check_one("https://docs.example.com/x", link_settings(), resolver=resolver)
    assert (result.outcome, result.cause) == (Outcome.WARNING, CAUSE_DNS_UNAVAILABLE)


def test_no_name_resolving_at_all_means_no_network_not_dead_links() -> None:
    urls = [f"https://host{n}.example/page" for n in range(3)]
    results = check_urls(urls, link_settings(), resolver=fake_resolver({}))
    assert {result.cause for result in results.values()} == {CAUSE_NETWORK_UNAVAILABLE}
    assert all(result.outcome is Outcome.WARNING for result in results.values())


def test_one_missing_name_among_resolving_ones_is_dead(link_server) -> None:
    link_server.route("/page")
    port = link_server.port
    resolver = fake_resolver({"good.example": ["127.0.0.1"]})
    urls = [f"http://good.example:{port}/page"] + [f"https://gone{n}.example/" for n in range(3)]
    results = check_urls(urls, link_settings(allow_private=True), resolver=resolver)
    assert results[urls[0]].outcome is Outcome.ALIVE
    assert all(results[url].outcome is Outcome.DEAD for url in urls[1:])


def test_names_are_resolved_once_per_run(link_server) -> None:
    urls = [link_server.route(f"/p{n}") for n in range(5)]
    resolver = fake_resolver({"docs.example.com": ["127.0.0.1"]})
    named = [url.replace("127.0.0.1", "docs.example.com") for url in urls]
    check_urls(named, link_settings(allow_private=True), resolver=resolver)
    assert resolver.asked == ["docs.example.com"]


def test_more_hosts_than_concurrency_slots(link_server) -> None:
    """Connections to hosts no longer in use are closed to make room: still all alive."""
    servers = [LinkServer().start() for _ in range(4)]
    try:
        urls = [server.route(f"/p{n}") for server in servers for n in range(3)]
        urls += [link_server.route(f"/p{n}") for n in range(3)]
        results = check_urls(
            urls, link_settings(concurrency=2, host_concurrency=1, allow_private=True)
        )
        assert all(result.outcome is Outcome.ALIVE for result in results.values())
        assert all(len(server.requests()) == 3 for server in servers)
    finally:
        for server in servers:
            server.stop()
