"""Links from a report to the lines of the book's source files.

``report.source-url`` in the configuration is a template such as
``https://github.com/ORG/REPO/blob/{ref}/{path}#L{line}``. Without it, the template is
derived from the git remote ``origin`` when that is on GitHub, GitLab or Gitea (https or
ssh form); otherwise links are plain relative links to the files.

``{ref}`` is the commit the report was made from (``git rev-parse HEAD``), not a branch:
a link keeps showing the lines the report counted after the branch moves on. ``{path}``
is the file's path from the repository root, percent-encoded; ``{line}`` its 1-based line.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import quote

from doclint.core.records import record

PLACEHOLDERS = ("ref", "path", "line")
_EXAMPLE = "https://github.com/ORG/REPO/blob/{ref}/{path}#L{line}"

# The forms `git remote` URLs take: https://host/org/repo(.git), ssh://git@host(:port)/org/repo,
# and scp-like git@host:org/repo. The path may have more than two parts (GitLab subgroups).
_HTTPS_REMOTE = re.compile(r"^https?://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+?)/?$")
_SSH_REMOTE = re.compile(r"^ssh://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+?)/?$")
_SCP_REMOTE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^/:]+):(?P<path>[^/].*?)/?$")


def template_problem(template: object) -> str | None:
    """Why ``template`` cannot be a ``source-url``, or None when it can."""
    if not isinstance(template, str):
        return f"must be a string such as {_EXAMPLE!r}, not {template!r}"
    if not template.startswith(("https://", "http://")):
        return f"must start with https:// or http://, as in {_EXAMPLE!r}; got {template!r}"
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:  # a lone "{" or "}"
        return f"is not a valid template ({error}): {template!r}"
    unknown = [name for name in fields if name not in PLACEHOLDERS]
    if unknown:
        return (
            f"has an unknown placeholder {{{unknown[0]}}}; the placeholders are "
            f"{', '.join('{' + name + '}' for name in PLACEHOLDERS)}"
        )
    if "path" not in fields:
        return f"must contain {{path}}, as in {_EXAMPLE!r}"
    return None


def template_for_remote(remote: str) -> str | None:
    """The source-url template of a GitHub, GitLab or Gitea remote, else None."""
    for pattern in (_HTTPS_REMOTE, _SSH_REMOTE, _SCP_REMOTE):
        found = pattern.match(remote.strip())
        if found:
            break
    else:
        return None
    host = found.group("host").lower()
    project = found.group("path").removesuffix(".git")
    # A project is an owner and a name at least; a brace would read as a placeholder.
    if not project or "/" not in project or "{" in project or "}" in project:
        return None
    base = f"https://{host}/{project}"
    if host == "github.com":
        return base + "/blob/{ref}/{path}#L{line}"
    if host == "gitlab.com" or host.startswith("gitlab."):
        return base + "/-/blob/{ref}/{path}#L{line}"
    if host == "codeberg.org" or host.startswith("gitea."):
        return base + "/src/commit/{ref}/{path}#L{line}"
    return None


def _git(*args: str, cwd: Path) -> str | None:
    import subprocess  # only the HTML report asks git, and only once per run

    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except OSError:  # no git installed
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


@record
class SourceLinks:
    """Where a report's links to the source lines go.

    With a template, a link is the template filled in with the repository path; without
    one, it is the file's path relative to the folder of the page that links to it.
    """

    template: str | None
    ref: str
    root: Path  # the repository root (or the working folder outside a repository)
    cwd: Path  # the folder report paths are relative to

    def url(self, path: str, line: int | None, page_folder: Path) -> str:
        return self.of_file(path, page_folder)(line)

    def of_file(self, path: str, page_folder: Path) -> Callable[[int | None], str]:
        """The links to the lines of one file: the path is worked out once, not per line
        (a report links every question of a book)."""
        absolute = os.path.normpath(os.path.join(self.cwd, path))
        if self.template is None:
            relative = quote(os.path.relpath(absolute, page_folder).replace(os.sep, "/"), "/._-~")
            return lambda line: relative
        from_root = os.path.relpath(absolute, self.root).replace(os.sep, "/")
        fill = partial(
            self.template.format, ref=quote(self.ref, safe="/._-~"), path=quote(from_root, "/._-~")
        )
        return lambda line: fill(line=line if line is not None else 1)


def source_links(configured: str | None, cwd: Path, root: Path | None) -> SourceLinks:
    """The configured template, or one derived from ``origin``, or relative links.

    Reads ``git config`` and ``git rev-parse`` locally; nothing goes over the network.
    """
    template = configured
    if template is None and root is not None:
        remote = _git("config", "--get", "remote.origin.url", cwd=root)
        template = template_for_remote(remote) if remote else None
    ref = "HEAD"
    if template is not None and "{ref}" in template and root is not None:
        ref = _git("rev-parse", "HEAD", cwd=root) or "HEAD"
    return SourceLinks(template=template, ref=ref, root=root or cwd, cwd=cwd)
