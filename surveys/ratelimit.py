"""A simple limit on the public survey link: so many requests per client IP and per token in a window,
counted in the shared cache (Redis in production, so every web process counts together)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# (requests, seconds): generous for a person answering, tight for a script.
DEFAULT_PER_IP = (120, 600)
DEFAULT_PER_TOKEN = (40, 600)


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one request under `key`; True while within `limit` for the window."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def survey_link_allowed(*, ip: str, token: str) -> bool:
    """Both counters are counted on every request, so a flood on one token also counts for its IP."""
    per_ip = getattr(settings, "SURVEY_RATE_PER_IP", DEFAULT_PER_IP)
    per_token = getattr(settings, "SURVEY_RATE_PER_TOKEN", DEFAULT_PER_TOKEN)
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    ip_ok = _hit(f"surveys:rate:ip:{ip}", *per_ip)
    token_ok = _hit(f"surveys:rate:token:{digest}", *per_token)
    return ip_ok and token_ok


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"
