"""The link checker's settings and cache lifetimes as a run of doclint makes them: from the
dead-link rule's option defaults (the one place they are written), with a test's changes
laid over them."""

from __future__ import annotations

import dataclasses

from doclint.engine.external import ExternalRun, link_check_settings
from doclint.links.cache import DAY, TimeToLive
from doclint.links.model import Settings
from doclint.rules import dead_link


def link_settings(**changes: object) -> Settings:
    made = link_check_settings(dead_link.Options(), ExternalRun(), environ={})
    return dataclasses.replace(made, **changes)


def default_ttl() -> TimeToLive:
    options = dead_link.Options()
    return TimeToLive(
        alive=options.cache_alive_days * DAY,
        dead=options.cache_dead_days * DAY,
        warning=options.cache_warning_days * DAY,
    )
