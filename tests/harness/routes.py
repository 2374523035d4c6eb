"""The routes under test, read from the URL configuration rather than listed by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Portal views are functions; they answer GET and POST at most (anything else is 405).
FUNCTION_VIEW_METHODS = ("get", "post")


@dataclass(frozen=True)
class Route:
    route: str  # "api/v1/audits/<int:audit_id>/", the key of the tables
    methods: tuple[str, ...]

    @property
    def params(self) -> list[str]:
        return [m["name"] for m in PARAM.finditer(self.route)]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    def url(self, values: dict[str, object]) -> str:
        return "/" + PARAM.sub(lambda m: str(values[m["name"]]), self.route)


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _methods(callback) -> tuple[str, ...]:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return FUNCTION_VIEW_METHODS
    return tuple(
        m
        for m in view_class.http_method_names
        if m not in ("options", "head", "trace") and hasattr(view_class, m)
    )


def all_routes() -> list[Route]:
    return [Route(route, _methods(cb)) for route, cb in _walk(get_resolver().url_patterns)]


def api_routes() -> list[Route]:
    return [r for r in all_routes() if r.is_api]


def portal_object_routes() -> list[Route]:
    """Portal pages with an object id in their path (``<int:...>``)."""
    return [
        r
        for r in all_routes()
        if not r.route.startswith(("api/", "admin/", "i18n/")) and "<int:" in r.route
    ]
