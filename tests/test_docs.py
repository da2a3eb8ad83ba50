"""The docs name everything a reader looks up (in the style of sqlite-utils'
tests/test_docs.py): every CLI command and subcommand (walked from the live
click group, so commands added later are checked too), every configuration
key in ``collector/settings.py`` and every module area (collector's
packages and top-level modules, ``forms``, ``datasette_plugins`` and
``research`` modules) in ``docs/ARCHITECTURE.md``'s layout.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from collector import settings
from collector.ops.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a Markdown heading, up to the next heading of the same or higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}.*?$", text, re.M)
    assert match, f"no heading {heading!r}"
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def command_rows() -> list[str]:
    """The README's command table rows."""
    return [line for line in README.splitlines() if line.startswith("| `medverkan ")]


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from commands(command, prefix + (name,))


@pytest.mark.parametrize("path", list(commands()), ids=" ".join)
def test_every_cli_command_is_in_the_readme_command_table(path):
    rows = command_rows()
    top = path[0]
    # "`medverkan backup` / `restore`" names two commands in one row.
    group_rows = [row for row in rows if re.search(rf"`(medverkan )?{re.escape(top)}[` \[|]", row.split(" | ")[0])]
    assert group_rows, f"README's command table has no row for `medverkan {top}`"
    if len(path) > 1:
        names = " ".join(row.split(" | ")[0] for row in group_rows)
        assert re.search(rf"\b{re.escape(path[1])}\b", names), f"README's `medverkan {top}` row does not name `{path[1]}`"


def setting_keys() -> list[str]:
    keys = [name for name in vars(settings) if name.isupper()]
    keys += list(settings.gunicorn_environment) + list(settings.datasette_environment)
    return keys


@pytest.mark.parametrize("key", setting_keys())
def test_every_configuration_key_is_in_the_readme(key):
    table = section(README, "Configuration")
    assert f"`{key}`" in table, f"README's Configuration section does not describe `{key}` (collector/settings.py)"


def module_areas() -> list[str]:
    areas = []
    for package in ("collector", "forms", "datasette_plugins", "research"):
        for entry in sorted((ROOT / package).iterdir()):
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_dir() and (entry / "__init__.py").exists():
                areas.append(f"{package}/{entry.name}/")
            elif entry.suffix == ".py":
                areas.append(f"{package}/{entry.name}")
    return areas


@pytest.mark.parametrize("area", module_areas())
def test_every_module_area_is_named_in_the_architecture_layout(area):
    layout = section(ARCHITECTURE, "Layout")
    package, name = area.split("/", 1)
    assert re.search(rf"(?<![\w/]){re.escape(name)}", layout), f"docs/ARCHITECTURE.md's layout does not name {area}"


def test_docstrings_name_only_existing_commands():
    """A docstring that says "run `medverkan X`" names a real command."""
    known = {" ".join(path) for path in commands()}
    wrong = []
    for path in list((ROOT / "collector").rglob("*.py")) + [ROOT / "README.md", ROOT / "docs" / "ARCHITECTURE.md"]:
        for match in re.finditer(r"`medverkan ([a-z][a-z-]*)", path.read_text(encoding="utf-8")):
            if match.group(1) not in {p.split()[0] for p in known}:
                wrong.append(f"{path.relative_to(ROOT)}: medverkan {match.group(1)}")
    assert not wrong, f"references to commands that do not exist: {wrong}"
