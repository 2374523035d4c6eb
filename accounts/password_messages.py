"""Django's password messages that its bundled Chinese catalogue lacks or words awkwardly.

Django 5.2 words the minimum-length message with ``%d``; its own zh_Hans catalogue still holds
the older ``%(min_length)d`` wording, so the message stayed English on Chinese pages. Naming the
messages here keeps them in Fairlink's catalogue (``makemessages`` finds them), which Django
reads before its own because it is in ``LOCALE_PATHS``. Nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
)
