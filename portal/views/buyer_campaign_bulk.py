"""The campaign page's bulk actions: remind now, extend the due date, cancel, assign a reviewer,
on the ticked rows or on every audit of the campaign (``audits.services.campaign_bulk``)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from audits.models import Campaign
from flows.campaign_bulk import BulkResult, campaign_bulk

from ..http import PortalRequest
from .buyer import buyer_page, run
from .buyer_campaigns import campaign_of, reviewers_of
from .buyer_forms import _model_choices


class CampaignBulkForm(forms.Form):
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
    audits = forms.TypedMultipleChoiceField(coerce=int, required=False)
    due_date = forms.DateField(label=gettext_lazy("New due date"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason (the suppliers read it)"), required=False)
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Reviewer"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        audits = cast(forms.TypedMultipleChoiceField, self.fields["audits"])
        audits.choices = [(pk, pk) for pk in campaign.audits.values_list("pk", flat=True)]
        _model_choices(self, "reviewer").queryset = reviewers_of(campaign.buyer_id)


def _say(request: PortalRequest, result: BulkResult) -> None:
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
    form = CampaignBulkForm(request.POST, campaign=campaign)
    if not form.is_valid():
        for name, invalid in form.errors.items():
            for message in invalid:
                messages.error(request, f"{form.fields[name].label or name}: {message}")
        return back
    data = form.cleaned_data
    everything = data["scope"] == "all"
    if not everything and not data["audits"]:
        messages.error(request, _("Tick the suppliers to act on, or choose all of them."))
        return back
    result, errors, conflict, _status = run(
        lambda: campaign_bulk(
            campaign=campaign,
            actor=request.user,
            action=data["action"],
            audit_ids=None if everything else data["audits"],
            due_date=data["due_date"],
            reason=data["reason"],
            reviewer=data["reviewer"],
        )
    )
    for field, field_errors in (errors or {}).items():
        label = form.fields[field].label if field in form.fields else None
        for error in field_errors:
            messages.error(request, f"{label}: {error}" if label else error)
    if conflict:
        messages.error(request, conflict)
    if result is not None:
        _say(request, result)
    return back
