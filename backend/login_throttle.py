"""Login throttling: wrong passwords are counted per account and per client address.

Every login path (API token, portal, admin) authenticates through ``ThrottledModelBackend``,
which refuses to check a password while the account (the email tried) or the client address
has reached its limit of failures in the current window, and counts each failure. Login forms
and the token view call ``lockout_seconds`` first to tell the user why and for how long.

Counters live in Django's cache, so they hold across processes when the cache is shared
(``CACHE_URL``, e.g. Redis); with the default local-memory cache each process counts alone.
Windows are fixed (the counter's key names the window), which keeps each step one atomic
``incr``. The client address comes from ``client_address``: ``REMOTE_ADDR`` unless
``FAIRLINK_TRUSTED_PROXIES`` says how many proxies in front of us append to
``X-Forwarded-For`` (a client can put anything in that header, so only the entries our own
proxies added are believed).
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import ngettext

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """At most ``count`` failures per ``seconds``; written like DRF rates: ``10/minute``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _, period = text.partition("/")
        return cls(int(count), PERIODS[period.strip()[0]])


def client_address(request) -> str | None:
    """The client's IP address, trusting ``FAIRLINK_TRUSTED_PROXIES`` proxies (the same rule
    as DRF's ``NUM_PROXIES``: with n proxies, the n-th address from the right)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.FAIRLINK_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


def _address_subject(address: str) -> str:
    # One IPv6 client usually holds a whole /64: count the network, not the address.
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _subjects(request, email: str) -> list[tuple[str, Rate]]:
    """(cache key prefix, rate) for the account and, when known, the client address."""
    normalized = (email or "").strip().lower()
    subjects = [
        (
            "account:" + hashlib.sha256(normalized.encode()).hexdigest(),
            Rate.parse(settings.FAIRLINK_THROTTLE_LOGIN_ACCOUNT),
        )
    ]
    address = client_address(request)
    if address:
        subjects.append(
            (
                "address:" + hashlib.sha256(_address_subject(address).encode()).hexdigest(),
                Rate.parse(settings.FAIRLINK_THROTTLE_LOGIN),
            )
        )
    return subjects


def _window(prefix: str, rate: Rate, now: float) -> tuple[str, int]:
    """The counter's key for the current window and the seconds left in it."""
    index = int(now // rate.seconds)
    left = int(rate.seconds - now % rate.seconds) or 1
    return f"login-failures:{prefix}:{rate.seconds}:{index}", left


def lockout_seconds(request, email: str) -> int:
    """0 when a login for ``email`` from this client may be tried, else the seconds to wait."""
    now = time.time()
    windows = [(_window(prefix, rate, now), rate) for prefix, rate in _subjects(request, email)]
    counts = cache.get_many([key for (key, _left), _rate in windows])
    waits = [left for (key, left), rate in windows if counts.get(key, 0) >= rate.count]
    return max(waits, default=0)


def record_failure(request, email: str) -> None:
    now = time.time()
    for prefix, rate in _subjects(request, email):
        key, left = _window(prefix, rate, now)
        cache.add(key, 0, timeout=left + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=left + 1)


def record_success(request, email: str) -> None:
    """The account's owner got in: forget the account's failures (not the address's)."""
    prefix, rate = _subjects(request, email)[0]
    cache.delete(_window(prefix, rate, time.time())[0])


def lockout_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


class LoginLockedOut(PermissionDenied):
    """Raised by the backend: ``authenticate()`` then stops and returns None."""


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend behind the failure counters."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if email is None or password is None:
            return None
        if lockout_seconds(request, email):
            raise LoginLockedOut
        user = super().authenticate(request, username=email, password=password)
        if user is None:
            record_failure(request, email)
        else:
            record_success(request, email)
        return user
