"""Production settings: check --deploy is clean, and nothing defaults to a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z9" * 10,
    "DJANGO_ALLOWED_HOSTS": "rtcm.example.org",
}


def test_production_mode_passes_check_deploy(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", RTCM_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "RTCM_VAR_DIR": str(tmp_path)}
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_mode_refuses_to_start_without_allowed_hosts(tmp_path):
    env = {**PRODUCTION, "RTCM_VAR_DIR": str(tmp_path)}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_embedded_mode_makes_its_own_key_once(tmp_path):
    assert run_manage("check", RTCM_VAR_DIR=str(tmp_path)).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    run_manage("check", RTCM_VAR_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == key
