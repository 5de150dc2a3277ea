"""The layer contract has no back-door that import-linter cannot see.

``lint-imports`` (pyproject.toml, ``make lint``) follows ``import`` statements,
those inside functions included. It does not see a model looked up by name
(``apps.get_model``) or a module imported from a string (``import_module``,
``import_string``, ``__import__``): with those, any app could reach any other.
So none of them may name one of our apps in the apps' code, outside migrations
(historical models are looked up by name by design) and the hook points listed
here. A lookup by a name the code does not spell out (a variable) counts too:
nobody can tell what it reaches. Django's own apps (``auth``…) are fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rtcm", "courses", "participants", "library", "experts")
# App labels and top-level modules of the house (rtcm.core's label is "core").
OURS = {"rtcm", "core", "courses", "participants", "library", "experts", "reports", "demo"}
DYNAMIC_CALLS = {"get_model", "get_registered_model", "import_module", "import_string"}
# path (from the project root) -> why a dynamic lookup is sanctioned there.
SANCTIONED: dict[str, str] = {
    "rtcm/locale/translate.py": "a script of the checkout: loads each language's data module "
    "(rtcm/locale/catalogues/<code>.py) by its code; no layer imports it",
}


def _reaches_ours(call: ast.Call) -> bool:
    """Whether the looked-up name is one of ours, or cannot be read from the code."""
    if not call.args:
        return True
    first = call.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return True
    return first.value.split(".")[0] in OURS


def dynamic_lookups(source: str) -> list[tuple[int, str]]:
    """(line, name) of every call that finds one of our models or modules by a string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if (name in DYNAMIC_CALLS or name == "__import__") and _reaches_ours(node):
            found.append((node.lineno, name))
    return found


def app_sources() -> list[Path]:
    paths = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            paths.append(path)
    return paths


@pytest.mark.parametrize(
    "source",
    [
        "from django.apps import apps\nmodel = apps.get_model('participants', 'Registration')",
        "from django.apps import apps\nmodel = apps.get_model('experts.Expert')",
        "def f(label):\n    from django.apps import apps\n    return apps.get_model(label, 'X')",
        "import importlib\nviews = importlib.import_module('participants.views')",
        "from importlib import import_module\nimport_module('experts.models')",
        "from django.utils.module_loading import import_string\nimport_string('library.x.y')",
        "__import__('experts.models')",
    ],
)
def test_the_check_spots_each_kind_of_dynamic_lookup(source):
    assert len(dynamic_lookups(source)) == 1


def test_the_check_lets_django_s_own_models_be_looked_up_by_name():
    # A post_migrate handler gets the migration state's apps: auth's models by name.
    source = "group = apps.get_model('auth', 'Group')\nimport_module('django.contrib.admin')"
    assert dynamic_lookups(source) == []


def test_the_check_reads_the_apps_code():
    names = {path.relative_to(ROOT).as_posix() for path in app_sources()}
    assert {"courses/selectors.py", "library/selectors.py", "experts/selectors.py"} <= names
    assert not any("/migrations/" in name for name in names)


def test_no_app_finds_a_model_or_module_by_name_outside_the_hook_points():
    offenders = []
    for path in app_sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative in SANCTIONED:
            continue
        offenders += [
            f"{relative}:{line}: {name}()"
            for line, name in dynamic_lookups(path.read_text(encoding="utf-8"))
        ]
    assert offenders == [], (
        "A model or module looked up by name steps around the layer contract: "
        "import it (if the layer allows) or let the upper app register a hook."
    )
