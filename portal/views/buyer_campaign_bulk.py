"""The campaign page's bulk actions: remind now, extend the due date, cancel, assign a reviewer,
on the ticked rows or on every audit of the campaign (``audits.services.campaign_bulk``)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from flows.campaign_bulk import BulkResult, campaign_bulk

from ..http import PortalRequest
from .buyer import buyer_page, run
from .buyer_campaigns import campaign_of, reviewers_of
from .buyer_forms import _model_choices


class IdsField(forms.Field):
    """Ticked row ids (``name=audits`` repeated); each must be a whole number."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if not all(str(v).isdigit() and len(str(v)) < 19 for v in values):
            raise forms.ValidationError(_("Tick rows of this list only."))
        return sorted({int(v) for v in values})


class BulkForm(forms.Form):
    """The bulk action form of the campaign page and of the audit list."""

    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            ("remind", gettext_lazy("Remind now")),
            ("extend", gettext_lazy("Extend the due date")),
            ("cancel", gettext_lazy("Cancel the audits")),
            ("assign_reviewer", gettext_lazy("Assign a reviewer")),
        ],
    )
    scope = forms.ChoiceField(
        choices=[("selected", "selected"), ("all", "all")], initial="selected", required=False
    )
    audits = IdsField(required=False)
    due_date = forms.DateField(label=gettext_lazy("New due date"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason (the suppliers read it)"), required=False)
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Reviewer"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, buyer_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "reviewer").queryset = reviewers_of(buyer_id)


def ticked_rows(request: PortalRequest, ids: list[int], rows, *, none_ticked: str) -> list | None:
    """The rows of ``rows`` (the list's visible queryset) that were ticked, or None after
    saying why not: nothing ticked, or an id that is not on the list (nothing changes)."""
    if not ids:
        messages.error(request, none_ticked)
        return None
    chosen = list(rows.filter(pk__in=ids))
    if len(chosen) != len(ids):
        messages.error(request, _("Tick rows of this list only."))
        return None
    return chosen


def show_errors(request: PortalRequest, form: forms.Form, errors) -> None:
    """Each message as a page message, prefixed with its field's label."""
    for name, messages_ in errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in messages_:
            messages.error(request, f"{label}: {message}" if label else str(message))


def apply_bulk(request: PortalRequest, form: BulkForm, act: Callable[..., BulkResult]) -> None:
    """Run ``act`` with the form's action and inputs, and say what came of it."""
    data = form.cleaned_data
    result, errors, conflict, _status = run(
        lambda: act(
            actor=request.user,
            action=data["action"],
            due_date=data["due_date"],
            reason=data["reason"],
            reviewer=data["reviewer"],
        )
    )
    show_errors(request, form, errors or {})
    if conflict:
        messages.error(request, conflict)
    if result is not None:
        say_result(request, result)


def say_result(request: PortalRequest, result: BulkResult) -> None:
    if result.done:
        n = len(result.done)
        messages.success(
            request, ngettext("Done for %(n)s audit.", "Done for %(n)s audits.", n) % {"n": n}
        )
    if result.skipped:
        left = ", ".join(f"#{pk} ({why})" for pk, why in sorted(result.skipped.items()))
        messages.info(request, _("Left as they were: %(list)s.") % {"list": left})


@require_POST
@buyer_page
def campaign_bulk_view(request: PortalRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_of(request, campaign_id)
    back = redirect("portal:buyer_campaign", campaign_id=campaign.pk)
    form = BulkForm(request.POST, buyer_id=campaign.buyer_id)
    if not form.is_valid():
        show_errors(request, form, form.errors)
        return back
    data = form.cleaned_data
    everything = data["scope"] == "all"
    if not everything and not data["audits"]:
        messages.error(request, _("Tick the suppliers to act on, or choose all of them."))
        return back
    apply_bulk(
        request,
        form,
        lambda **common: campaign_bulk(
            campaign=campaign, audit_ids=None if everything else data["audits"], **common
        ),
    )
    return back
