"""Template loading split by kind (see settings.TEMPLATES).

``*.txt`` templates are plain text (mail subjects and bodies): the ``text`` engine renders them
without HTML escaping. Every other template is markup, rendered by the escaping engine.
``render_to_string`` asks the engines in order, so each name reaches exactly one of them.
"""

from __future__ import annotations

from django.template.loaders import app_directories

PLAIN_TEXT_SUFFIX = ".txt"


class MarkupLoader(app_directories.Loader):
    """App-directories templates except plain text."""

    def get_template_sources(self, template_name):
        if not template_name.endswith(PLAIN_TEXT_SUFFIX):
            yield from super().get_template_sources(template_name)


class PlainTextLoader(app_directories.Loader):
    """App-directories templates that are plain text."""

    def get_template_sources(self, template_name):
        if template_name.endswith(PLAIN_TEXT_SUFFIX):
            yield from super().get_template_sources(template_name)
