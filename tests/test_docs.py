"""The README documents every setting, CLI command and route that exists."""

import re
from dataclasses import fields
from pathlib import Path

import click
import pytest

from heritage.config import Settings
from heritage.web import create_app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path):
    """The app's commands and routes exist without a database; none is touched here."""
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'docs.sqlite3'}"})


def test_readme_opens_with_the_run_and_test_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


@pytest.mark.parametrize("name", [f.name for f in fields(Settings)])
def test_every_setting_is_documented(name):
    assert f"HERITAGE_{name.upper()}" in README


def _commands(group: click.Group, prefix=""):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_cli_command_is_documented(app):
    ours = [c for c in _commands(app.cli) if c not in ("routes", "run", "shell")]
    assert ours
    missing = [c for c in ours if f"`{c}" not in README]
    assert missing == []


def test_every_route_is_documented(app):
    rules = {
        r.rule for r in app.url_map.iter_rules() if r.endpoint not in ("static", "dashboard.vendor")
    }
    documented = {re.sub(r"<[^>]+>", "<id>", rule) for rule in rules}
    missing = [rule for rule in documented if rule not in README]
    assert missing == []


@pytest.mark.parametrize(
    "config, words",
    [
        ({"SENSITIVE_GRID_DEG": 0}, "HERITAGE_SENSITIVE_GRID_DEG must be greater than 0"),
        ({"MAX_ZONE_AREA_KM2": "abc"}, "HERITAGE_MAX_ZONE_AREA_KM2 must be a float"),
        ({"PAGE_LIMIT_DEFAULT": 5000}, "must not exceed HERITAGE_PAGE_LIMIT_MAX"),
        ({"DATABASE_URL": "notaurl"}, "not a database URL"),
    ],
)
def test_bad_settings_stop_the_app_with_a_message_naming_them(tmp_path, config, words):
    from heritage.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match=words):
        create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", **config}
        )
