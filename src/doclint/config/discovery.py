"""Finding the configuration: walking up from the working directory to the repository root
for ``.doclint.yml`` (or ``.doclint.yaml``, or ``[tool.doclint]`` in ``pyproject.toml``)."""

from __future__ import annotations

from pathlib import Path

from doclint.config.sources import Source, read_pyproject, read_text, read_yaml

CONFIG_FILENAMES = (".doclint.yml", ".doclint.yaml")

# ---------------------------------------------------------------------------------------
# Finding the configuration


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``.git``."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_config_file(cwd: Path) -> tuple[Path, Source] | None:
    """Walk up from ``cwd``, stopping at the repository root, for the first configuration."""
    stop = repository_root(cwd)
    for folder in (cwd, *cwd.parents):
        for name in CONFIG_FILENAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate, read_yaml(candidate, read_text(candidate))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            source = read_pyproject(pyproject, read_text(pyproject))
            if source is not None:
                return pyproject, source
        if folder == stop:
            break
    return None
