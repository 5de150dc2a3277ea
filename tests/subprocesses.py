"""Run Python in a child process that sees only the settings a test gives it.

The caller's own settings variables (a developer's ``DATABASE_URL``, CI's broker…)
are dropped, so a test of production settings or of a storage backend reads
exactly what it sets.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_PREFIXES = ("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "RTCM_", "AWS_")


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``python *args`` from the project root with only ``env`` for settings."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(SETTINGS_PREFIXES)
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
