"""The inbox page: every user's notifications, newest first, in the reader's language, and the
choice per kind of how to hear of them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import notifications
from accounts.models import Delivery

from ..http import SignedInRequest

PAGE_SIZE = 30


@login_required
def inbox(request: SignedInRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    entries = notifications.inbox_for(request.user, unread=unread_only)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    language = get_language()
    rows = [
        {"entry": n, "subject": notifications.subject(n, request.user, language)}
        for n in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "unread_only": unread_only,
        "query": "unread=1" if unread_only else "",
    }
    return render(request, "portal/inbox.html", context)


@login_required
@require_POST
def inbox_open(request: SignedInRequest, notification_id: int) -> HttpResponse:
    """Mark an entry read and go to what it is about."""
    entry = notifications.inbox_for(request.user).filter(pk=notification_id).first()
    if entry is None:
        raise Http404
    notifications.mark_read(request.user, [entry.pk])
    target = entry.link or "portal:inbox"
    if entry.link and not url_has_allowed_host_and_scheme(entry.link, allowed_hosts=None):
        target = "portal:inbox"
    return redirect(target)


@login_required
@require_POST
def inbox_read_all(request: SignedInRequest) -> HttpResponse:
    marked = notifications.mark_read(request.user)
    messages.success(request, _("%(n)s notifications marked as read.") % {"n": marked})
    return redirect("portal:inbox")


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, (label, _names) in notifications.KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect
            )


@login_required
def inbox_settings(request: SignedInRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=notifications.preferences_of(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            notifications.preferences_set(request.user, form.cleaned_data)
            messages.success(request, _("Your notification settings were saved."))
            return redirect("portal:inbox_settings")
        status = 400
    context = {"form": form, "deliveries": Delivery.choices}
    return render(request, "portal/inbox_settings.html", context, status=status)
