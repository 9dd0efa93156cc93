"""Production settings: refusals at start, `check --deploy` with the documented environment, and the
security headers of every response."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from msp.roles import Role
from msp.security import (
    DEV_SECRET_KEY,
    PERMISSIONS_POLICY,
    check_allowed_hosts,
    check_secret_key,
    proxy_ssl_header,
)

from .conftest import api_for

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Y-" + "".join(chr(ord("a") + i % 26) for i in range(60))
# The production environment of docs/operations.md ("Production settings").
PRODUCTION_ENV = {
    "VCIO_PRODUCTION": "1",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "vcio.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://vcio.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; object-src 'none'; base-uri 'self'")


def run_django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE belongs to the test run, not to production.
    left_out = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *PRODUCTION_ENV}
    base = {k: v for k, v in os.environ.items() if k not in left_out}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**base, **env},  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_passes_with_the_documented_production_environment():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_bounds_every_request_statement_by_default_and_reads_the_environment():
    show = ["-c", "import django; django.setup(); from django.conf import settings; "
                  "print(settings.DATABASE_STATEMENT_TIMEOUT_MS)"]
    result = run_django(show, DJANGO_SETTINGS_MODULE="msp.settings", **PRODUCTION_ENV)
    assert result.stdout.strip() == "20000", result.stderr
    result = run_django(show, DJANGO_SETTINGS_MODULE="msp.settings", DATABASE_STATEMENT_TIMEOUT_MS="5000",
                        **PRODUCTION_ENV)
    assert result.stdout.strip() == "5000", result.stderr


def test_production_refuses_to_start_without_a_secret_key_and_says_why():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_django(["-c", "import django; django.setup()"], DJANGO_SETTINGS_MODULE="msp.settings", **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set in production; generate one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(64))".')


@pytest.mark.parametrize(("key", "message"), [
    ("", "SECRET_KEY must be set in production"),
    (DEV_SECRET_KEY, "SECRET_KEY is a development key, refused in production"),
    ("django-insecure-" + "x1y2z3w4v5" * 6, "SECRET_KEY is a development key, refused in production"),
    ("short-but-random-Q7#", "SECRET_KEY is too weak for production: it needs at least 50 characters and 5 "
                             "different ones (it has 20 and 15)"),
    ("ab" * 40, "SECRET_KEY is too weak for production: it needs at least 50 characters and 5 different ones "
                "(it has 80 and 2)"),
])
def test_weak_secret_keys_are_refused(key, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        check_secret_key(key)
    assert str(refused.value).startswith(message)


def test_a_strong_key_and_named_hosts_pass():
    check_secret_key(STRONG_KEY)
    check_allowed_hosts(["vcio.example.com"])


@pytest.mark.parametrize(("hosts", "message"), [
    ([], "ALLOWED_HOSTS must be set in production"),
    (["vcio.example.com", "*"], "ALLOWED_HOSTS may not contain '*' in production; list the host names."),
])
def test_allowed_hosts_must_name_the_hosts(hosts, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        check_allowed_hosts(hosts)
    assert str(refused.value).startswith(message)


def test_the_proxy_header_setting_reads_djangos_form():
    assert proxy_ssl_header("HTTP_X_FORWARDED_PROTO,https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("") is None
    with pytest.raises(ImproperlyConfigured, match="must be 'HTTP_<HEADER>,<value>'"):
        proxy_ssl_header("X-Forwarded-Proto")


def assert_common_headers(response) -> None:
    assert set(response["Content-Security-Policy"].split("; ")) == set(CSP.split("; "))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_a_signed_in_page_is_private_and_not_stored(tenant, login):
    response = login(tenant.users[Role.VCIO]).get("/clients/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert_common_headers(response)


def test_a_download_to_a_signed_in_user_is_private_and_not_stored(tenant, login):
    response = login(tenant.users[Role.VCIO]).get(f"/clients/{tenant.clients[0].pk}/assets/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"


def test_an_api_answer_to_a_token_is_private_and_not_stored(tenant):
    response = api_for(tenant.users[Role.VIEWER], tenant.msp).get("/api/v1/clients/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert_common_headers(response)


def test_anonymous_answers_carry_the_headers_and_no_private_cache_control(db, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert_common_headers(response)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert "Cache-Control" not in health
    assert_common_headers(health)
