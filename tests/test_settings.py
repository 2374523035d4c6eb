"""Production settings: hardened, refuse to start without secrets, ``check --deploy`` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "k8Zq3v-9mTn2Lr7wXy4Pb1Hs6Jd0Fg5Qc8Va2Nz3Ue7Ro1Ti4Ym6Wk9Sp0Dl5Gh2"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check",
        "--deploy",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="fairlink.example.com",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Django's deployment checks (security.W0xx) all pass; the OpenAPI schema's own warnings
    # are held by tests/test_schema.py.
    assert "security." not in output, output


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="fairlink.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="fairlink.example.com",
        DJANGO_DEBUG="true",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.ALLOWED_HOSTS)"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="fairlink.example.com,www.fairlink.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "False True True True True ['fairlink.example.com', 'www.fairlink.example.com']"
    )


def test_empty_database_url_means_sqlite():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])",
        DATABASE_URL="",
    )
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.sqlite3", result.stderr


def test_postgresql_prepares_statements_with_server_side_parameters():
    """On PostgreSQL parameters travel apart from the SQL (so statements are prepared), unless
    DATABASE_SERVER_SIDE_BINDING=false (a pooler that cannot keep prepared statements)."""
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d.get('OPTIONS', {}).get('server_side_binding'))"
    )
    url = "postgres://postgres@127.0.0.1:5432/fairlink"
    on = _manage("shell", "-c", code, DATABASE_URL=url)
    assert on.stdout.strip().splitlines()[-1] == "True", on.stderr
    off = _manage("shell", "-c", code, DATABASE_URL=url, DATABASE_SERVER_SIDE_BINDING="false")
    assert off.stdout.strip().splitlines()[-1] == "None", off.stderr


def test_sessions_read_from_the_cache_only_when_it_is_shared():
    code = "from django.conf import settings as s; print(s.SESSION_ENGINE)"
    local = _manage("shell", "-c", code, DATABASE_URL="", CACHE_URL="")
    assert local.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db"
    shared = _manage("shell", "-c", code, DATABASE_URL="", CACHE_URL="redis://127.0.0.1:6379/13")
    assert shared.stdout.strip().splitlines()[-1] == (
        "django.contrib.sessions.backends.cached_db"
    ), shared.stderr
