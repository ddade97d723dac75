"""The wheel ships the YAML rule packs, and an installed doclint loads them from itself."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )


@pytest.mark.slow
def test_wheel_installs_and_checks_a_file(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, REPO, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("doclint-*.whl"))

    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "doclint/packs/default.yml" in names
    import json

    import yaml

    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("doclint/packs/default.yml").decode("utf-8")
        parsed = json.loads(archive.read("doclint/packs/default.json"))
    assert parsed == yaml.safe_load(shipped)

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "work"
    work.mkdir()
    (work / "ch.md").write_text("- [1.问题](#1问题)\n- [2.问题](#2.nowhere)\n\n## 1.问题\n答。\n")
    where = run(
        python,
        "-c",
        "import doclint.config as c, importlib.resources as r;"
        "print(r.files('doclint').joinpath('packs', 'default.yml').is_file(), c.__file__)",
        cwd=work,
    )
    assert where.stdout.split()[0] == "True"
    assert str(environment) in where.stdout  # the installed copy, not this checkout

    checked = run(environment / "bin" / "doclint", "check", "ch.md", cwd=work)
    assert checked.returncode == 1, checked.stderr
    # Without a .doclint.yml, the default profile is read from its parsed copy.
    imports = run(python, "-X", "importtime", "-m", "doclint", "check", "ch.md", cwd=work)
    assert imports.returncode == 1, imports.stderr
    assert " yaml\n" not in imports.stderr and "doclint.config" in imports.stderr
    assert "ch.md:2:3: error toc-anchor" in checked.stdout
