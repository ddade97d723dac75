"""Wheel build hook: each YAML rule pack also ships parsed, as JSON.

An installed doclint reads its default profile from ``default.json`` and so never imports
PyYAML unless a project has a ``.doclint.yml``: that import is about a sixth of a check
of one chapter. ``rules/*.yml`` stay the packs people read and edit.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ParsedPacks(BuildHookInterface):
    PLUGIN_NAME = "parsed-packs"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # an editable install reads the packs from the checkout
            return
        import yaml

        self._folder = Path(tempfile.mkdtemp(prefix="doclint-packs-"))
        for pack in sorted(Path(self.root, "rules").glob("*.yml")):
            data = yaml.safe_load(pack.read_text(encoding="utf-8"))
            parsed = self._folder / f"{pack.stem}.json"
            parsed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            build_data["force_include"][str(parsed)] = f"doclint/packs/{parsed.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
