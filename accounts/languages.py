"""Language tags: content uses BCP 47 (``zh-Hans``), Django's catalogues use ``zh-hans``."""

from __future__ import annotations

CONTENT_LANGUAGES = ("en", "zh-Hans")


def to_content_language(tag: str | None) -> str:
    """Map any tag (``zh-hans``, ``zh-CN``, ``zh``, ``en-US``...) to a content language."""
    if not tag:
        return "en"
    tag = tag.strip().lower()
    if tag.startswith("zh"):
        return "zh-Hans"
    return "en"


def to_django_language(tag: str | None) -> str:
    return "zh-hans" if to_content_language(tag) == "zh-Hans" else "en"


def pick(texts: dict | None, language: str | None, fallback_order: list[str] | tuple = ()) -> str:
    """The text in ``language``, else in the first of ``fallback_order`` that has one."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    lang = to_content_language(language)
    if texts.get(lang):
        return texts[lang]
    for other in (*fallback_order, "en", "zh-Hans"):
        if texts.get(other):
            return texts[other]
    return next((v for v in texts.values() if v), "")


def request_language(request) -> str:
    """The content language of a request: ``?lang=``, the language cookie, the user's
    preference (session or token user), then Accept-Language."""
    from django.conf import settings
    from django.utils import translation

    explicit = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if explicit:
        return to_content_language(explicit)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE")
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and not (header and request.path.startswith("/api/"))
    ):
        return to_content_language(user.preferred_language)
    return to_content_language(translation.get_language_from_request(request) if header else None)
