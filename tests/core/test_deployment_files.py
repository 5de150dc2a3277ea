"""docker-compose.yml follows the Compose specification and runs the whole stack."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

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
