"""The external-link stage of ``doclint check``.

The rules run per file and stay pure; external links are checked afterwards, in the main
process, so that each distinct URL is requested once per run however many files link to
it. Workers hand back each file's external links that no suppression comment covers
(``ExternalLinks``); ``check_external`` checks their URLs (``doclint.links``, with the cache of
``linkcache``) and the dead-link rule turns the results into findings.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.core.findings import Finding
from doclint.core.records import record
from doclint.model.document import Document, Link
from doclint.rules import dead_link

if TYPE_CHECKING:
    from doclint.config.loading import Config, RuleSettings
    from doclint.links.guard import Resolver
    from doclint.links.model import Progress, Settings


@record
class ExternalRun:
    """What the caller says about the external check; ``None`` keeps the configuration."""

    enabled: bool | None = None  # --external / --no-external
    allow_private: bool | None = None  # --allow-private
    use_cache: bool = True  # --no-cache turns it off
    cache_dir: Path | None = None  # --cache-dir; default: the user's cache folder
    progress: Progress | None = field(default=None, compare=False)
    resolver: Resolver | None = field(default=None, compare=False)  # for tests: fake DNS


@record
class ExternalLinks:
    """One file's external links to check: none of them suppressed for dead-link."""

    path: str  # as displayed
    links: tuple[Link, ...]


def wanted(config: Config, select: Sequence[str], ignore: Sequence[str], run: ExternalRun) -> bool:
    """Whether this run checks external links: dead-link is on, and external is asked for."""
    settings = config.enabled_rules(tuple(select), tuple(ignore)).get(dead_link.SPEC.id)
    if settings is None:
        return False
    return run.enabled if run.enabled is not None else settings.options.external


def links_to_check(doc: Document, display: str) -> ExternalLinks:
    from doclint.engine.linting import Suppressions

    suppressions = Suppressions(doc.directives)
    links = tuple(
        link
        for link in dead_link.external_links(doc)
        if not (suppressions and suppressions.suppressed(dead_link.SPEC.id, link.line))
    )
    return ExternalLinks(display, links)


def link_check_settings(
    options: dead_link.Options, run: ExternalRun, environ: Any = os.environ
) -> Settings:
    from doclint.links.model import Settings

    allow_private = run.allow_private if run.allow_private is not None else options.allow_private
    return Settings(
        timeout=options.timeout,
        concurrency=options.concurrency,
        host_concurrency=options.host_concurrency,
        retries=options.retries,
        retry_wait=options.retry_wait,
        max_retry_wait=options.max_retry_wait,
        max_redirects=options.max_redirects,
        allow_private=allow_private,
        exclude_urls=options.url_patterns,
        exclude_hosts=options.exclude_hosts,
        accepted=options.accepted,
        github_token=environ.get("GITHUB_TOKEN") or None,
    )


def check_external(
    collected: Sequence[ExternalLinks], rule: RuleSettings, run: ExternalRun
) -> tuple[list[Finding], list[str]]:
    """Check the collected links; returns dead-link findings and notices for stderr."""
    from doclint.links.cache import DAY, LinkCache, TimeToLive, user_cache_dir
    from doclint.links.checker import check_urls

    options: dead_link.Options = rule.options
    urls = [dead_link.checked_url(link) for item in collected for link in item.links]
    if not urls:
        return [], []
    cache = None
    if run.use_cache:
        ttl = TimeToLive(
            alive=options.cache_alive_days * DAY,
            dead=options.cache_dead_days * DAY,
            warning=options.cache_warning_days * DAY,
        )
        cache = LinkCache.open(run.cache_dir or user_cache_dir(), ttl)
    try:
        results = check_urls(
            urls,
            link_check_settings(options, run),
            cache=cache,
            progress=run.progress,
            resolver=run.resolver,
        )
    finally:
        if cache is not None:
            cache.close()
    findings = dead_link.external_findings(
        [(item.path, item.links) for item in collected], results, rule.severity
    )
    return findings, list(cache.notices) if cache is not None else []
