"""The deployment files: docker-compose.yml follows the Compose specification and runs
the whole stack; the Dockerfile and the wheel ship the translations; the lock files."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

import django
import polib
import pytest
import yaml
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_validates_against_the_compose_specification():
    checker = shutil.which("check-jsonschema") or str(
        Path(sys.executable).parent / "check-jsonschema"
    )
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_the_stack_from_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert images == {"rtcm:latest"}
    assert "migrate" in services["web"]["command"]
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "rtcm", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "rtcm", "beat"]
    assert services["web"]["environment"]["DJANGO_DEBUG"] == "false"


def test_dockerfile_installs_the_weasyprint_libraries_and_fonts():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile


# --- the image and the wheel ship the translations; both install from the lock ---------

MO_GLOB = "locale/*/LC_MESSAGES/django.mo"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's (instruction, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            instructions.append((instruction.upper(), arguments.strip()))
    return instructions


def image_files() -> dict[PurePosixPath, Path]:
    """Where each file of the checkout lands in the image: the COPY lines, read as Docker
    does (a folder's content into the destination, relative to the WORKDIR)."""
    workdir = PurePosixPath("/")
    files = {}
    for instruction, arguments in dockerfile_instructions():
        if instruction == "WORKDIR":
            workdir = workdir / arguments
        if instruction != "COPY":
            continue
        *sources, destination = [word for word in shlex.split(arguments) if word[:2] != "--"]
        target = workdir / destination
        for source in sources:
            path = ROOT / source
            if path.is_file():
                files[target / path.name if destination.endswith("/") else target] = path
                continue
            for file in path.rglob("*"):
                if file.is_file() and "__pycache__" not in file.parts:
                    files[target / file.relative_to(path).as_posix()] = file
    return files


def test_the_image_copies_every_compiled_catalogue_where_the_settings_look():
    catalogues = sorted(ROOT.glob(f"rtcm/{MO_GLOB}"))
    assert catalogues, "no compiled catalogue in rtcm/locale"
    copied = image_files()
    # The image runs from its WORKDIR: BASE_DIR is /app there, LOCALE_PATHS below it.
    locale_dir = Path(settings.LOCALE_PATHS[0]).relative_to(settings.BASE_DIR).as_posix()
    for catalogue in catalogues:
        in_image = (
            PurePosixPath("/app", locale_dir) / catalogue.relative_to(ROOT / locale_dir).as_posix()
        )
        assert copied.get(in_image) == catalogue
    assert any(path.match(f"*/{MO_GLOB}") for path in copied)


def test_the_image_installs_the_locked_versions_with_their_hashes():
    runs = " ".join(arguments for instruction, arguments in dockerfile_instructions())
    assert "--require-hashes -r requirements.lock" in runs
    assert "pip install --no-build-isolation --no-deps ." in runs
    assert PurePosixPath("/app/requirements.lock") in image_files()


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory) -> Path:
    """The wheel `pip install .` builds in the image, from the files the Dockerfile copies."""
    stage = tmp_path_factory.mktemp("app")
    for in_image, source in image_files().items():
        target = stage / in_image.relative_to("/app")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    wheels = stage / "wheels"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("--quiet", "--wheel-dir", str(wheels), str(stage)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = wheels.glob("rtcm-*.whl")
    return wheel


def test_the_wheel_ships_the_compiled_catalogues_and_not_the_script_that_fills_them(
    built_wheel,
):
    names = zipfile.ZipFile(built_wheel).namelist()
    shipped = {name for name in names if PurePosixPath(name).match(f"rtcm/{MO_GLOB}")}
    expected = {path.relative_to(ROOT).as_posix() for path in ROOT.glob(f"rtcm/{MO_GLOB}")}
    assert shipped == expected
    assert not [name for name in names if name.startswith("rtcm/locale/") and name.endswith(".py")]
    assert not [name for name in names if name.startswith(("tests/", "bench/", "var/"))]


def project_translation() -> polib.POEntry:
    """A Russian translation of ours that Django's own catalogue does not have."""
    django_ru = Path(django.__file__).parent / "conf/locale/ru/LC_MESSAGES/django.po"
    djangos = {entry.msgid for entry in polib.pofile(str(django_ru))}
    po = ROOT / "rtcm/locale/ru/LC_MESSAGES/django.po"
    return next(
        entry
        for entry in polib.pofile(str(po))
        if entry.translated()
        and not entry.msgid_plural
        and not entry.msgctxt
        and entry.msgid not in djangos
        and "%" not in entry.msgid
    )


def test_a_translated_string_works_from_the_installed_wheel(built_wheel, tmp_path):
    site = tmp_path / "site-packages"
    zipfile.ZipFile(built_wheel).extractall(site)
    entry = project_translation()
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import django; django.setup()\n"
        "import rtcm\n"
        "from django.utils import translation\n"
        "translation.activate('ru')\n"
        "print(rtcm.__file__); print(translation.gettext(sys.argv[2]))\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "RTCM_", "PYTHON"))
    }
    result = subprocess.run(
        [sys.executable, "-c", script, str(site), entry.msgid],
        cwd=tmp_path,  # not the checkout: rtcm comes from the unpacked wheel
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "rtcm.settings",
            "RTCM_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    module_file, translated = result.stdout.splitlines()[-2:]
    assert Path(module_file).is_relative_to(site)
    assert translated == entry.msgstr


# --- the lock files -----------------------------------------------------------------


def locked(name: str) -> dict[str, Version]:
    pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", (ROOT / name).read_text(), re.MULTILINE)
    return {canonicalize_name(package): Version(version) for package, version in pins}


def test_the_lock_files_pin_every_declared_dependency_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = project["project"]["dependencies"] + project["dependency-groups"]["build"]
    dev = project["project"]["optional-dependencies"]["dev"]
    for lock, declared in (
        ("requirements.lock", runtime),
        ("requirements-dev.lock", runtime + dev),
    ):
        pins = locked(lock)
        for requirement in map(Requirement, declared):
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{lock} lacks {name}: run `make lock`"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"{lock} pins {name} {pins[name]}, not {requirement.specifier}: run `make lock`"
            )


def test_the_dev_lock_pins_what_the_image_runs_at_the_same_versions():
    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_make_installs_the_venv_from_the_dev_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--no-deps -e ." in makefile


def test_ci_installs_gettext_and_runs_both_passes_through_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    packages = re.search(r"SYSTEM_PACKAGES=\(([^)]*)\)", ci).group(1).split()
    assert "gettext" in packages
    assert "make venv" in ci
    commands = [line for line in ci.splitlines() if not line.lstrip().startswith("#")]
    passes = [line for line in commands if re.search(r"\bmake test\b", line)]
    assert len(passes) == 2  # the stack, then SQLite: both in parallel
    assert "env -u DATABASE_URL -u CELERY_BROKER_URL make test" in passes[1]
    assert not [line for line in commands if "pytest" in line]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: venv\n\t\$\(BIN\)/pytest -n \$\(PYTEST_WORKERS\)", makefile, re.M)


def test_the_image_runs_as_a_deployment_unless_told_otherwise():
    environment = " ".join(
        arguments for instruction, arguments in dockerfile_instructions() if instruction == "ENV"
    )
    assert "DJANGO_DEBUG=false" in environment.split()
