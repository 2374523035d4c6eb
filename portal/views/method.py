"""The published scoring method (docs/scoring.md), as a page in the reader's language: the
same text suppliers and buyers can read in the repository, linked from every score."""

from __future__ import annotations

from functools import lru_cache

import markdown
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from accounts.languages import request_language

SOURCE = "docs/scoring.md"
ENGLISH, CHINESE = "## English", "## 简体中文"


@lru_cache(maxsize=2)
def method_html(language: str) -> SafeString:
    """The method's part in ``language`` ("en" or "zh-Hans") as HTML. The text is the
    project's own document, never user input, so it is marked safe once rendered."""
    text = (settings.BASE_DIR / SOURCE).read_text(encoding="utf-8")
    english = text[text.index(ENGLISH) : text.index(CHINESE)].rsplit("\n---", 1)[0]
    chinese = text[text.index(CHINESE) :]
    part = chinese if language == "zh-Hans" else english
    body = markdown.markdown(part.split("\n", 1)[1], extensions=["tables", "toc"])
    return mark_safe(body)


def method(request: HttpRequest) -> HttpResponse:
    """Open to everyone: a supplier reads how it will be scored before it answers."""
    return render(request, "portal/method.html", {"body": method_html(request_language(request))})
