"""System checks of the project's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_development_one(app_configs, **kwargs) -> list[Error]:
    """The embedded development key is public (it is in the repository): sessions, password
    links and invitation tokens signed with it can be forged."""
    if settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY:
        return []
    return [
        Error(
            "SECRET_KEY is the development key from backend/settings.py.",
            hint="Set DJANGO_SECRET_KEY to 50 or more random characters, kept secret.",
            id="fairlink.E001",
        )
    ]
