from rest_framework.throttling import AnonRateThrottle


class LoginRateThrottle(AnonRateThrottle):
    """Limits token requests per client address, whatever the outcome."""

    scope = "login"
