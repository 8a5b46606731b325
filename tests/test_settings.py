"""Settings come from the environment, and production refuses a weak secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = "s" * 30 + "-a-random-enough-production-secret-key"


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SITE_URL"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret",
    [None, "too-short", "django-insecure-development-only-do-not-use-this-key-in-production"],
    ids=["unset", "short", "development-default"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret: str | None) -> None:
    env = {"DEBUG": "False", "ALLOWED_HOSTS": "example.org"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_mode_runs_on_the_development_secret() -> None:
    result = run_check({"DEBUG": "True"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_silent_with_production_variables() -> None:
    result = run_check(
        {
            "DEBUG": "False",
            "SECRET_KEY": STRONG_SECRET,
            "ALLOWED_HOSTS": "letters.example.org",
            "SITE_URL": "https://letters.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_follow_the_environment() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, "
        "s.CACHES['default']['BACKEND'])"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL", "ALLOWED_HOSTS"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "coalition.settings",
            "SECRET_KEY": STRONG_SECRET,
            "DEBUG": "False",
            "DATABASE_URL": "postgres://u:p@db.internal:5432/coalition",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "EMAIL_URL": "smtp://mail.internal:25",
            "SITE_URL": "https://letters.example.org",
        }
    )
    script = f"import django; django.setup(); {code}"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.split()
    assert out[0] == "django.db.backends.postgresql"
    assert out[1] == "redis://cache.internal:6379/0"
    assert out[2] == "False"  # tasks go to the broker
    assert out[3] == "django.core.mail.backends.smtp.EmailBackend"
    assert out[4:7] == [
        "True",
        "True",
        "31536000",
    ]  # https SITE_URL: redirect, secure cookies, HSTS
    assert "letters.example.org" in result.stdout
    assert out[-1] == "coalition.cache.ResilientRedisCache"


def test_defaults_need_no_services() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "coalition.settings", "DEBUG": "True"})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr
