"""The corrective-action list's bulk form: extend the due date of, or cancel, the ticked
actions of the active buyer, all of them or none (``actions.services.actions_bulk``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import Membership
from actions.selectors import action_list
from actions.services import actions_bulk

from ..http import PortalRequest
from .buyer import buyer_page, run
from .buyer_campaign_bulk import IdsField, show_errors, ticked_rows
from .lists import back_to_list

# The roles that extend and cancel actions (the service checks each action as well).
BULK_ROLES = (Membership.Role.ADMIN, Membership.Role.OFFICER, Membership.Role.REVIEWER)


class ActionsBulkForm(forms.Form):
    move = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            ("extend", gettext_lazy("Extend the due date")),
            ("cancel", gettext_lazy("Cancel the corrective actions")),
        ],
    )
    actions = IdsField(required=False)
    due_date = forms.DateField(label=gettext_lazy("New due date"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason (the suppliers read it)"), required=False)


def can_bulk(request: PortalRequest) -> bool:
    membership = request.membership
    return membership is not None and membership.role in BULK_ROLES


@require_POST
@buyer_page
def actions_bulk_view(request: PortalRequest) -> HttpResponse:
    back = redirect(back_to_list(request, "portal:buyer_actions"))
    form = ActionsBulkForm(request.POST)
    if not form.is_valid():
        show_errors(request, form, form.errors)
        return back
    data = form.cleaned_data
    visible = action_list(user=request.user).filter(buyer=request.organization)
    chosen = ticked_rows(
        request, data["actions"], visible, none_ticked=_("Tick the corrective actions to act on.")
    )
    if chosen is None:
        return back
    done, errors, conflict, _status = run(
        lambda: actions_bulk(
            actions=chosen,
            actor=request.user,
            move=data["move"],
            due_date=data["due_date"],
            reason=data["reason"],
        )
    )
    show_errors(request, form, errors or {})
    if conflict:
        messages.error(request, conflict)
    if done is not None:
        n = len(done)
        messages.success(
            request,
            ngettext("Done for %(n)s corrective action.", "Done for %(n)s corrective actions.", n)
            % {"n": n},
        )
    return back
