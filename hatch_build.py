"""Wheel build hook: each YAML rule pack also ships parsed, as JSON; and, when asked, the
parse front-end ships compiled.

An installed doclint reads its default profile from ``default.json`` and so never imports
PyYAML unless a project has a ``.doclint.yml``: that import is about a sixth of a check
of one chapter. ``rules/*.yml`` stay the packs people read and edit.

With ``DOCLINT_COMPILE=1`` in the environment, the modules that walk markdown-it-pyrs'
tree into doclint's document model are compiled with mypyc, as black compiles itself, and
the wheel is built for this platform and Python. They are most of the Python work of a
check. The sources are compiled in a copy, so the checkout never holds a binary that an
editable install would import in place of the code being edited; an editable install is
never compiled. Without the variable, the wheel is pure Python and builds anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILE_VARIABLE = "DOCLINT_COMPILE"
COMPILED_MODULES = ("doclint/parsing/rust_parser.py", "doclint/parsing/builder.py")

# Run in the copy: mypyc type-checks the modules and everything they import (the other
# modules stay interpreted), then setuptools builds the extensions next to them.
_SETUP = """
from setuptools import setup
from mypyc.build import mypycify

setup(
    name="doclint-compiled",
    ext_modules=mypycify({arguments!r}, opt_level="3", debug_level="0"),
)
"""


def compiling() -> bool:
    return os.environ.get(COMPILE_VARIABLE, "") not in ("", "0")


class DoclintBuildHook(BuildHookInterface):
    PLUGIN_NAME = "doclint"

    def dependencies(self) -> list[str]:
        return ["mypy>=1.11", "setuptools>=69"] if compiling() else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # an editable install reads the packs from the checkout
            return
        self._folder = Path(tempfile.mkdtemp(prefix="doclint-build-"))
        self._parse_packs(build_data)
        if compiling():
            self._compile(build_data)

    def _parse_packs(self, build_data: dict[str, Any]) -> None:
        import yaml

        for pack in sorted(Path(self.root, "rules").glob("*.yml")):
            data = yaml.safe_load(pack.read_text(encoding="utf-8"))
            parsed = self._folder / f"{pack.stem}.json"
            parsed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            build_data["force_include"][str(parsed)] = f"doclint/packs/{parsed.name}"

    def _compile(self, build_data: dict[str, Any]) -> None:
        work = self._folder / "compiled"
        shutil.copytree(
            Path(self.root, "src", "doclint"),
            work / "doclint",
            ignore=shutil.ignore_patterns("__pycache__", *(f"*{s}" for s in EXTENSION_SUFFIXES)),
        )
        arguments = ["--ignore-missing-imports", *COMPILED_MODULES]
        built = subprocess.run(
            [sys.executable, "-c", _SETUP.format(arguments=arguments), "build_ext", "--inplace"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        if built.returncode != 0:
            raise RuntimeError(f"mypyc could not compile doclint:\n{built.stdout}{built.stderr}")
        # The compiled modules beside their sources, and mypyc's shared runtime at the top.
        extensions = [
            path
            for suffix in EXTENSION_SUFFIXES
            for pattern in (f"*{suffix}", f"doclint/**/*{suffix}")
            for path in work.glob(pattern)
        ]
        for extension in extensions:
            build_data["force_include"][str(extension)] = extension.relative_to(work).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
