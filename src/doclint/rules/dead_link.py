"""Finds links to files, folders or anchors that do not exist, and (with ``--external``)
http(s) links and images that are dead.

## What it does
Checks every relative link (markdown, reference-style and ``<a href>``): the path is
percent-decoded and resolved from the file's folder (``/x`` from the repository root),
and must exist with its exact letter case. A link ``other.md#frag`` must also reach an
anchor of ``other.md`` by GitHub's rules. A relative link that does not exist but names an
anchor of this very file — ``[3.标题](3.标题)`` — has evidently lost its ``#``, and that is
suggested.

With ``--external`` (or ``external: true``), every ``http(s)`` link and image is requested
too, each distinct URL once per run (its ``#fragment`` aside). HEAD first, GET when HEAD
gets an error; bodies are never downloaded; at most `max-redirects` redirects are
followed.
- **Dead** (this rule's severity): 404, 410 and other 4xx except 401, 403, 408 and 429; a
  host name that does not exist; a redirect loop, or more redirects than allowed.
- **Warning**, with the reason: 401 and 403 (a login or bot protection), 429 and 5xx still
  failing after the retries, timeouts and broken connections after the retries, TLS
  errors, a temporary resolver failure. When names fail to resolve on three or more hosts
  (no network), one warning says "network unavailable" instead of a line per link.
- **Info**, not checked on purpose: excluded URLs, and hosts that resolve to a loopback,
  private, link-local, multicast, reserved or unspecified address (a link checker in CI
  must not become a way to reach the machines around it); ``allow-private`` checks them.

Results are kept in a SQLite cache under the user's cache folder (``--cache-dir``,
``--no-cache``), each outcome for as many days as its `cache-…-days` option says. A
``<!-- doclint-disable-next-line dead-link -->`` comment keeps a link from being requested.

## Why is this bad?
A dead link is a reader's dead end, and on GitHub a link without ``#`` opens a 404 page
instead of scrolling. External pages move and vanish; a question book's links to papers and
docs rot without anyone noticing.

## Example
```markdown
- [3.什么是LoRA？](3.什么是LoRA？)
- [下一章](../chapter-2.md#section)
- [论文](https://example.com/a-paper-that-moved)
```

## Use instead
```markdown
- [3.什么是LoRA？](#3.什么是LoRA？)
- [下一章](../chapter-2.md#existing-section)
- [论文](https://example.com/where-the-paper-is-now)
```

## Fix safety
A link that lost its ``#`` gets it back, with the anchor's exact spelling, only when
exactly one anchor of the file fits. A link to a missing anchor of another markdown file
is pointed at that file's anchor when exactly one fits, as ``toc-anchor`` does in a file.
The destination is rewritten where it is written, as ``toc-anchor`` does (not in a
reference definition that other links use too). Missing files and folders, letter-case
differences and Windows drive paths are not fixed automatically: which file was meant is
for a person to say.

## Options
All but `external` and `allow-private` are about how external links are requested and
remembered, and matter only when they are checked. A ``GITHUB_TOKEN`` in the environment is
sent, over https, to api.github.com and GitHub's raw-content hosts only, to raise their
rate limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from doclint.core.findings import Finding, Severity, Violation
from doclint.model.document import (
    Document,
    Link,
    is_external_target,
    is_local_target,
    is_windows_drive_path,
)
from doclint.rules._shared import replace_target, split_target
from doclint.rules.options import check_values, option
from doclint.rules.spec import Context, RuleSpec

if TYPE_CHECKING:
    from doclint.links.model import LinkResult

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Options:
    """dead-link's settings (``rules: dead-link:`` in the configuration); the link checker's
    settings are made from these (``doclint.engine.external``)."""

    external: bool = option(
        False, "Check http(s) links and images; `--external`/`--no-external` override it."
    )
    allow_private: bool = option(
        False,
        "Also check hosts with loopback, private or link-local addresses (intranet books); "
        "`--allow-private` sets it.",
    )
    timeout: float = option(
        10.0, "Seconds for each request, until the status line and headers.", exclusive_minimum=0
    )
    concurrency: int = option(64, "Requests at once, in all.", exclusive_minimum=0)
    host_concurrency: int = option(8, "Requests at once to one host.", exclusive_minimum=0)
    retries: int = option(
        3,
        "Further attempts after a timeout, a broken connection, a 5xx or a 429.",
        minimum=0,
    )
    retry_wait: float = option(
        1.0, "Seconds before the first retry; it doubles for each retry, with jitter.", minimum=0
    )
    max_retry_wait: float = option(
        30.0,
        "Seconds: a `Retry-After` longer than this is not waited for (the link is a warning).",
        minimum=0,
    )
    max_redirects: int = option(
        10, "Redirects followed; one more is a dead link (too many redirects).", minimum=0
    )
    exclude_urls: tuple[str, ...] = option(
        (), "Regular expressions, searched in the URL: such links are not checked (info)."
    )
    exclude_hosts: tuple[str, ...] = option(
        (), "Host globs such as `*.internal.example`: their links are not checked (info)."
    )
    accept: tuple[str, ...] = option(
        (),
        'Status codes that count as alive, per host: `"HOST-GLOB: CODES"`, such as '
        '`"*.linkedin.com: 999, 403"` or `"*: 200-299"`.',
    )
    cache_alive_days: float = option(
        7.0, "Days an alive result is reused from the link cache; 0 keeps none.", minimum=0
    )
    cache_dead_days: float = option(
        1.0, "Days a dead result is reused from the link cache; 0 keeps none.", minimum=0
    )
    cache_warning_days: float = option(
        0.0, "Days an unconfirmed result (a warning) is reused; 0 keeps none.", minimum=0
    )

    def __post_init__(self) -> None:
        check_values(self)
        for pattern in self.exclude_urls:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f'invalid regular expression in "exclude-urls": {pattern!r}: {error}'
                ) from None
        self.accepted  # noqa: B018 (parsed now, so that a mistake stops the configuration)

    @cached_property
    def url_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(pattern) for pattern in self.exclude_urls)

    @cached_property
    def accepted(self) -> tuple[tuple[str, frozenset[int]], ...]:
        return tuple(parse_accept(entry) for entry in self.accept)


def parse_accept(entry: str) -> tuple[str, frozenset[int]]:
    """``"*.example.com: 403, 200-299"`` → ``("*.example.com", {403, 200, …, 299})``."""
    host, colon, codes = entry.rpartition(":")
    host = host.strip().lower()
    if not colon or not host:
        raise ValueError(f'"accept" entry {entry!r} must look like "HOST-GLOB: CODES"')
    statuses: set[int] = set()
    for part in codes.split(","):
        low, dash, high = part.strip().partition("-")
        if not (low.isdigit() and (not dash or high.isdigit())):
            raise ValueError(
                f'"accept" entry {entry!r}: {part.strip()!r} is not a status code or a range '
                "such as 200-299"
            )
        first, last = int(low), int(high) if dash else int(low)
        if not 100 <= first <= last <= 999:
            raise ValueError(f'"accept" entry {entry!r}: {part.strip()!r} is not in 100-999')
        statuses.update(range(first, last + 1))
    return host, frozenset(statuses)


def check(doc: Document, options: Options, context: Context) -> Iterator[Violation]:
    source = Path(doc.path)
    for link in doc.links:
        if link.kind != "link" or link.is_in_page or not is_local_target(link.target):
            continue
        if link.syntax == "unparsed":
            yield Violation(
                link.line,
                link.column,
                f'"[{link.text}]({link.target})" is not a link: its destination contains a '
                "space; wrap it in <…> or write the spaces as %20",
                suggestion=f"<{link.target}>",
            )
        elif is_windows_drive_path(link.target):
            yield Violation(
                link.line,
                link.column,
                f'link "{link.target}" is a Windows drive path that exists only on its '
                "author's machine",
            )
        else:
            violation = _check_local(doc, link, source, context)
            if violation is not None:
                yield violation


def _check_local(doc: Document, link: Link, source: Path, context: Context) -> Violation | None:
    path, fragment = split_target(link.target)
    if not path:
        return None
    resolved = context.project.resolve(path, source)
    found = context.project.lookup(resolved)
    if found.actual is not None:
        return Violation(
            link.line,
            link.column,
            f'link "{path}" differs in letter case from "{found.actual}" on disk; '
            "GitHub and Linux do not find it",
        )
    if not found.found:
        intended = doc.forgotten_hash_anchor(link)
        if intended is not None:
            suggestion = "#" + intended.name
            return Violation(
                link.line,
                link.column,
                f'link "{link.target}" is not a file: it looks like an in-page link that '
                "lost its #",
                suggestion=suggestion,
                fix=replace_target(doc, link, suggestion, f"Add the # ({suggestion})"),
            )
        what = "folder or file" if path.endswith("/") else "file"
        return Violation(link.line, link.column, f'link target "{path}": no such {what}')
    if fragment is None or found.is_dir or resolved.suffix.lower() not in MARKDOWN_SUFFIXES:
        return None
    other = context.project.anchors(resolved)
    if other is None or other.resolves(fragment):
        return None
    intended_anchor = other.intended_anchor(fragment, link.text)
    suggestion = (
        f"{link.target.partition('#')[0]}#{intended_anchor.name}" if intended_anchor else None
    )
    return Violation(
        link.line,
        link.column,
        f'link fragment "#{fragment}" matches no heading or anchor in "{path}"',
        suggestion=suggestion,
        fix=replace_target(doc, link, suggestion, f"Point the link at {suggestion}")
        if suggestion
        else None,
    )


# ---------------------------------------------------------------------------------------
# External links: the engine checks them in a separate stage (``doclint.engine.external``); these
# pure functions say which links that stage takes and what its results mean.


def checked_url(link: Link) -> str:
    """The URL requested for an external link: its target without the ``#fragment``."""
    return link.target.strip().partition("#")[0]


def external_links(doc: Document) -> Iterator[Link]:
    """The http(s) links and images of a document that the external check requests."""
    for link in doc.links:
        if link.syntax != "unparsed" and is_external_target(link.target.strip()):
            yield link


def external_findings(
    files: Sequence[tuple[str, Sequence[Link]]],
    results: Mapping[str, LinkResult],
    severity: Severity,
) -> list[Finding]:
    """Findings for the external links of ``files`` (display path, links), from the checked
    ``results`` by URL: dead at ``severity``, unconfirmed as warnings, skipped as info.
    Links that could not be checked for want of a network are summarised in one finding
    when they span several hosts."""
    from doclint.links.model import (
        CAUSE_DNS_UNAVAILABLE,
        CAUSE_NETWORK_UNAVAILABLE,
        NETWORK_DOWN_MIN_HOSTS,
        Outcome,
        url_host,
    )

    offline_causes = (CAUSE_DNS_UNAVAILABLE, CAUSE_NETWORK_UNAVAILABLE)
    offline_hosts = {
        url_host(url) for url, result in results.items() if result.cause in offline_causes
    }
    summarise_offline = len(offline_hosts) >= NETWORK_DOWN_MIN_HOSTS
    warning = min(severity, Severity.WARNING)
    findings: list[Finding] = []
    offline_links: list[tuple[str, Link]] = []
    for path, links in files:
        for link in links:
            url = checked_url(link)
            result = results[url]
            what = "image" if link.kind == "image" else "link"
            if result.outcome is Outcome.ALIVE:
                continue
            if summarise_offline and result.cause in offline_causes:
                offline_links.append((path, link))
                continue
            level, verdict = {
                Outcome.DEAD: (severity, "is dead"),
                Outcome.WARNING: (warning, "is unconfirmed"),
                Outcome.SKIPPED: (Severity.INFO, "was not checked"),
            }[result.outcome]
            message = f"external {what} {url} {verdict}: {result.reason}"
            findings.append(Finding(path, link.line, link.column, SPEC.id, level, message))
    if offline_links:
        path, first = offline_links[0]
        findings.append(
            Finding(
                path,
                first.line,
                first.column,
                SPEC.id,
                warning,
                f"network unavailable: {len(offline_links)} external links on "
                f"{len(offline_hosts)} hosts were not checked, their host names did not "
                f"resolve (this one: {results[checked_url(first)].reason})",
            )
        )
    return findings


SPEC = RuleSpec(
    id="dead-link",
    summary="Relative link to a missing file, folder or anchor (external links with --external)",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    options=Options,
    doc=__doc__ or "",
)
