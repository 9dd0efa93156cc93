"""Production safety: the checks the settings run before a production start, and the response headers.

`msp.settings` calls the check_* functions when VCIO_PRODUCTION is on (the Docker image); a weak or
missing secret key, or no usable ALLOWED_HOSTS, stops the process with ImproperlyConfigured naming the
variable. SecurityHeadersMiddleware adds the headers Django does not: `Cache-Control: private, no-store`
on every answer to a signed-in user (pages, API, downloads) and a Permissions-Policy.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# The key `make run` and the tests use when SECRET_KEY is unset; production refuses it.
DEV_SECRET_KEY = "insecure-local-only-key-set-SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
# Django's own "insecure" prefix, as startproject writes it.
INSECURE_PREFIX = "django-insecure"

# Photo evidence is taken with the camera of the tablet, so the camera is allowed for this site only.
PERMISSIONS_POLICY = ("camera=(self), microphone=(), geolocation=(), payment=(), usb=(), "
                      "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()")
PRIVATE_CACHE_CONTROL = "private, no-store"


def check_secret_key(key: str) -> None:
    """Refuse a production SECRET_KEY that is missing, short, repetitive, or a known development key."""
    hint = ('generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"')
    if not key:
        raise ImproperlyConfigured(f"SECRET_KEY must be set in production; {hint}.")
    if key == DEV_SECRET_KEY or key.startswith(INSECURE_PREFIX):
        raise ImproperlyConfigured(f"SECRET_KEY is a development key, refused in production; {hint}.")
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for production: it needs at least {SECRET_KEY_MIN_LENGTH} characters and "
            f"{SECRET_KEY_MIN_UNIQUE} different ones (it has {len(key)} and {len(set(key))}); {hint}.")


def check_allowed_hosts(hosts: list[str]) -> None:
    """Refuse a production ALLOWED_HOSTS that is empty or accepts any host."""
    if not hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production: the comma-separated host names "
                                   "the site is served under, e.g. ALLOWED_HOSTS=vcio.example.com.")
    if "*" in hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' in production; list the host names.")


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from its environment form `HTTP_X_FORWARDED_PROTO,https` (empty: none)."""
    if not value.strip():
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not parts[0].startswith("HTTP_") or not parts[1]:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HTTP_<HEADER>,<value>', "
                                   "e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.")
    return parts[0], parts[1]


def signed_in(request) -> bool:
    """A session or API token user (DRF sets the token's user on the request once the view has run)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on a signed-in user's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if signed_in(request):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            # A proxy that ignores Cache-Control still must not share the answer between users.
            if "Expires" in response:
                del response["Expires"]
        return response
