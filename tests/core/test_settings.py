"""Production settings: check --deploy is clean, and nothing defaults to a secret."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.subprocesses import run_python

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


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


def read_settings(*names, **env):
    """The named settings as rtcm/settings.py computes them under ``env`` (and nothing else
    of the DJANGO_, DATABASE_, … environment; Django's default for those it leaves out),
    or the last line of the error it raised."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "RTCM_", "AWS_"))
    }
    environment.update(env)
    script = (
        "import json, sys\n"
        "from django.conf import global_settings as django_defaults\n"
        "import rtcm.settings as s\n"
        "values = {n: getattr(s, n, getattr(django_defaults, n, None)) for n in sys.argv[1:]}\n"
        "print(json.dumps(values, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        return result.stderr.strip().splitlines()[-1]
    return json.loads(result.stdout)


def test_no_environment_means_debug_off_on_a_site_for_this_machine_only(tmp_path):
    values = read_settings(
        "DEBUG",
        "DEPLOYED",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "STORAGES",
        "WHITENOISE_USE_FINDERS",
        RTCM_VAR_DIR=str(tmp_path),
    )
    assert values["DEBUG"] is False
    assert values["DEPLOYED"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert values["SECURE_SSL_REDIRECT"] is False  # plain HTTP on 127.0.0.1
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["WHITENOISE_USE_FINDERS"] is True  # styles without collectstatic
    assert values["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    assert (tmp_path / "secret_key").exists()


def test_debug_is_on_only_when_asked_for(tmp_path):
    assert read_settings("DEBUG", DJANGO_DEBUG="true", RTCM_VAR_DIR=str(tmp_path)) == {
        "DEBUG": True
    }
    assert read_settings("DEBUG", RTCM_VAR_DIR=str(tmp_path), **PRODUCTION) == {"DEBUG": False}


def test_a_site_given_its_host_names_is_a_deployment_even_without_django_debug(tmp_path):
    """Forgetting DJANGO_DEBUG=false does not turn off the deployment's protections."""
    error = read_settings(
        "DEBUG", DJANGO_ALLOWED_HOSTS="rtcm.example.org", RTCM_VAR_DIR=str(tmp_path)
    )
    assert "DJANGO_SECRET_KEY must be set" in error
    values = read_settings(
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "STORAGES",
        DJANGO_ALLOWED_HOSTS="rtcm.example.org",
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
        RTCM_VAR_DIR=str(tmp_path),
    )
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert "Manifest" in values["STORAGES"]["staticfiles"]["BACKEND"]
    assert not (tmp_path / "secret_key").exists()


def test_files_go_to_var_media_on_the_file_system_by_default(tmp_path):
    values = read_settings("STORAGES", "MEDIA_ROOT", RTCM_VAR_DIR=str(tmp_path))
    assert values["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")


def test_s3_storage_is_configured_from_the_environment(tmp_path):
    values = read_settings(
        "STORAGES",
        RTCM_VAR_DIR=str(tmp_path),
        RTCM_STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="rtcm-files",
        AWS_S3_ENDPOINT_URL="https://minio.example.org:9000",
        AWS_LOCATION="production",
    )
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "rtcm-files"
    assert default["OPTIONS"]["endpoint_url"] == "https://minio.example.org:9000"
    assert default["OPTIONS"]["location"] == "production"
    assert default["OPTIONS"]["region_name"] is None
    # Private files: no public ACL, every address signed, nothing overwritten.
    assert default["OPTIONS"]["default_acl"] is None
    assert default["OPTIONS"]["querystring_auth"] is True
    assert default["OPTIONS"]["file_overwrite"] is False


def test_s3_storage_needs_a_bucket_and_an_unknown_backend_is_refused(tmp_path):
    error = read_settings("STORAGES", RTCM_VAR_DIR=str(tmp_path), RTCM_STORAGE_BACKEND="s3")
    assert "AWS_STORAGE_BUCKET_NAME" in error
    error = read_settings("STORAGES", RTCM_VAR_DIR=str(tmp_path), RTCM_STORAGE_BACKEND="ftp")
    assert "RTCM_STORAGE_BACKEND is 'ftp'" in error
