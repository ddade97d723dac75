"""The folders a client names as its workspace, which the server serves."""

from __future__ import annotations

import json
from pathlib import Path

from pygls.uris import to_fs_path


def initialize_roots(message: bytes) -> list[Path]:
    """The workspace folders an ``initialize`` request names, as the server takes them."""
    _, _, content = message.partition(b"\r\n\r\n")
    try:
        request = json.loads(content)
        params = request["params"] if request.get("method") == "initialize" else None
        if not isinstance(params, dict):
            return []
        folders = [folder["uri"] for folder in params.get("workspaceFolders") or []]
        return workspace_roots(folders, params.get("rootUri"))
    except (ValueError, TypeError, KeyError, AttributeError):
        return []  # not for us to judge: pygls answers a malformed message


def workspace_roots(folder_uris: list[str], root_uri: str | None) -> list[Path]:
    """The folders the server serves: the workspace folders, else the root."""
    uris = folder_uris or ([root_uri] if root_uri else [])
    return [Path(path) for uri in uris if isinstance(uri, str) and (path := to_fs_path(uri))]
