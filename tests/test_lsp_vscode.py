"""The VS Code extension in ``editors/vscode`` installs and packages with ``vsce``."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

EXTENSION = REPO / "editors" / "vscode"


def run(command: list[str], cwd: Path) -> None:
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_the_extension_packages_with_vsce(tmp_path: Path):
    folder = tmp_path / "vscode"
    shutil.copytree(EXTENSION, folder, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    run(["npm", "ci", "--no-audit", "--no-fund"], folder)
    # The repository's URL is not known yet: without one vsce asks, or refuses.
    run(["npx", "vsce", "package", "--allow-missing-repository", "-o", "doclint.vsix"], folder)
    with zipfile.ZipFile(folder / "doclint.vsix") as package:
        names = set(package.namelist())
    assert {"extension/extension.js", "extension/package.json", "extension/readme.md"} <= names
    assert "extension/node_modules/vscode-languageclient/package.json" in names
    assert not any(name.startswith("extension/node_modules/@vscode/vsce/") for name in names)
