"""What rules ask of the disk: whether a path exists, with its exact letter case."""

from __future__ import annotations

from pathlib import Path

from doclint.workspace.project import Lookup, Project


def test_lookups_give_the_letter_case_on_disk(tmp_path: Path) -> None:
    (tmp_path / "Imgs").mkdir()
    (tmp_path / "Imgs" / "Figure.png").write_bytes(b"")
    (tmp_path / "a.md").write_text("")
    project = Project(tmp_path)
    assert project.lookup(tmp_path / "Imgs" / "Figure.png") == Lookup(True)
    assert project.lookup(tmp_path / "Imgs") == Lookup(True, None, is_dir=True)
    assert project.lookup(tmp_path / "imgs" / "figure.png") == Lookup(
        False, str(tmp_path / "Imgs" / "Figure.png")
    )
    assert project.lookup(tmp_path / "imgs") == Lookup(False, str(tmp_path / "Imgs"), True)
    assert project.lookup(tmp_path / "Imgs" / "other.png") == Lookup(False)
    assert project.lookup(tmp_path / "a.md" / "inside") == Lookup(False)  # a file is no folder
    assert project.lookup(tmp_path / "none" / "Figure.png") == Lookup(False)
    # Asked again, through the folders already resolved: the same answers.
    assert project.lookup(tmp_path / "imgs" / "Figure.png").actual == str(
        tmp_path / "Imgs" / "Figure.png"
    )
    assert project.lookup(tmp_path / "Imgs" / ".." / "a.md") == Lookup(True)
