"""Writing the docs folder: exactly the files given, nothing else left behind."""

from __future__ import annotations

from pathlib import Path

from generator.write import compare_files, write_files


def test_the_folder_holds_exactly_the_files_and_no_emptied_folders(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_files({"index.md": "home", "ideas/7-oat-milk.md": "oat", "photos/1.jpg": b"\xff"}, folder)
    summary = write_files({"index.md": "home, changed", "ideas/index.md": "list"}, folder)
    assert summary.changed == ["index.md"] and summary.added == ["ideas/index.md"]
    assert summary.removed == ["ideas/7-oat-milk.md", "photos/1.jpg"]
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert found == ["ideas", "ideas/index.md", "index.md"], "the emptied photos/ folder goes"
    again = compare_files({"index.md": "home, changed", "ideas/index.md": "list"}, folder)
    assert not again.any and again.unchanged == 2
