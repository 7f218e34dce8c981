"""The README documents what the code has."""

from pathlib import Path

from feedback_app.cli import cli
from feedback_app.config import SETTINGS

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_every_setting_is_in_the_readme() -> None:
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in README]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    assert all(f"`voicebox {name}" in README for name in cli.commands)
