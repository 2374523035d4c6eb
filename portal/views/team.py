"""The organization pages of an administrator, buyer or supplier alike: the team (members,
roles, invitations) and the organization's profile.

Every member may open the team page and see who belongs; only administrators change anything
(the services check it again). A membership or invitation of another organization is a 404.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.industries import industry_choices
from accounts.invitations import (
    invitation_for_manager,
    invitation_resend,
    invitations_pending,
    member_invite,
)
from accounts.languages import request_language
from accounts.models import Language, Membership, Organization
from accounts.permissions import ROLES_BY_KIND, has_org_perm
from accounts.selectors import membership_list
from accounts.services import (
    BUYER_SETTINGS_FIELDS,
    PROFILE_FIELDS,
    membership_change_role,
    organization_update,
)
from audits.services.policy import READ_PERM as POLICY_READ_PERM
from flows.invitations import invitation_withdraw
from flows.services import membership_remove

from ..http import PortalRequest
from ._helpers import add_errors, member_page
from .buyer import run

MANAGE = "accounts.manage_members"


def _role_choices(organization: Organization) -> list[tuple[str, str]]:
    labels = dict(Membership.Role.choices)
    return [(role, str(labels[role])) for role in ROLES_BY_KIND[organization.kind]]


class InviteForm(forms.Form):
    email = forms.CharField(label=gettext_lazy("Email"), max_length=254)
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language of the mails"), choices=Language.choices
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = _role_choices(organization)


def _members(organization: Organization, row_errors: dict) -> list[dict[str, Any]]:
    """The members, each with the messages of a failed change on its row."""
    return [
        {"member": member, "errors": row_errors.get(member.pk, [])}
        for member in membership_list(organization=organization)
    ]


def _team_context(request: PortalRequest, **extra: Any) -> dict[str, Any]:
    organization = request.organization
    manager = has_org_perm(request.user, MANAGE, organization)
    context: dict[str, Any] = {
        "organization": organization,
        "manager": manager,
        "members": _members(organization, extra.pop("row_errors", {})),
        "invitations": invitations_pending(organization=organization) if manager else [],
        "roles": _role_choices(organization),
    }
    if manager and "invite_form" not in extra:
        language = request_language(request)
        # The least surprising role is preselected: an officer or a respondent, never an admin.
        context["invite_form"] = InviteForm(
            organization=organization,
            initial={"preferred_language": language, "role": ROLES_BY_KIND[organization.kind][1]},
        )
    context.update(extra)
    return context


def _member(request: PortalRequest, membership_id: int) -> Membership:
    membership = membership_list(organization=request.organization).filter(pk=membership_id).first()
    if membership is None:
        raise Http404(_("No such member."))
    return membership


@member_page
def team(request: PortalRequest) -> HttpResponse:
    return render(request, "portal/team.html", _team_context(request))


@member_page
def team_invite(request: PortalRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:team")
    organization = request.organization
    form = InviteForm(request.POST, organization=organization)
    if not form.is_valid():
        return render(
            request, "portal/team.html", _team_context(request, invite_form=form), status=400
        )
    data = form.cleaned_data
    invitation, errors, _conflict, status = run(
        lambda: member_invite(
            organization=organization,
            email=data["email"],
            role=data["role"],
            full_name=data["full_name"],
            preferred_language=data["preferred_language"],
            actor=request.user,
        )
    )
    if invitation is None:
        add_errors(form, ValidationError(errors or {}))
        return render(
            request, "portal/team.html", _team_context(request, invite_form=form), status=status
        )
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": data["email"]})
    return redirect("portal:team")


@member_page
def team_member(request: PortalRequest, membership_id: int) -> HttpResponse:
    """POST ``action=role`` with ``role``, or ``action=remove``."""
    membership = _member(request, membership_id)
    if request.method != "POST":
        return redirect("portal:team")
    action = request.POST.get("action")
    if action == "remove":
        result, errors, _conflict, status = run(
            lambda: membership_remove(membership=membership, actor=request.user) or True
        )
        done = _("%(email)s is no longer a member.") % {"email": membership.user.email}
    elif action == "role":
        # The service names the roles this kind of organization has when the role is wrong.
        role = request.POST.get("role", "")
        result, errors, _conflict, status = run(
            lambda: membership_change_role(membership=membership, role=role, actor=request.user)
        )
        done = _("The role of %(email)s was changed.") % {"email": membership.user.email}
    else:
        errors, status, result = {"action": [_("Choose what to do with this member.")]}, 400, None
    if result is None:
        row_errors = {membership.pk: [m for msgs in (errors or {}).values() for m in msgs]}
        return render(
            request,
            "portal/team.html",
            _team_context(request, row_errors=row_errors),
            status=status,
        )
    messages.success(request, done)
    if membership.user_id == request.user.pk and action == "remove":
        return redirect("portal:home")
    return redirect("portal:team")


@member_page
def team_invitation(request: PortalRequest, invitation_id: int) -> HttpResponse:
    """POST ``action=resend`` or ``action=withdraw``."""
    invitation = invitation_for_manager(
        user=request.user, organization=request.organization, pk=invitation_id
    )
    if request.method != "POST":
        return redirect("portal:team")
    action = request.POST.get("action")
    if action == "resend":
        invitation_resend(invitation=invitation, actor=request.user)
        messages.success(
            request, _("The invitation to %(email)s was sent again.") % {"email": invitation.email}
        )
    elif action == "withdraw":
        invitation_withdraw(invitation=invitation, actor=request.user)
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    else:
        problem = [_("Choose what to do with this invitation.")]
        return render(
            request, "portal/team.html", _team_context(request, problem=problem), status=400
        )
    return redirect("portal:team")


# ---------------------------------------------------------------------------------------------
# The organization's profile
# ---------------------------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=capfirst(Organization._meta.get_field("website").verbose_name),
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Organization
        fields = [*PROFILE_FIELDS, *BUYER_SETTINGS_FIELDS]

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"] = forms.ChoiceField(
            label=self.fields["industry"].label,
            choices=industry_choices(language),
            help_text=self.fields["industry"].help_text,
        )
        if not self.instance.is_buyer:
            for name in BUYER_SETTINGS_FIELDS:
                del self.fields[name]

    def _post_clean(self) -> None:
        """The service validates and saves; the form only parses."""


@member_page
def profile(request: PortalRequest) -> HttpResponse:
    organization = request.organization
    editable = has_org_perm(request.user, "accounts.change_organization", organization)
    language = request_language(request)
    form = ProfileForm(request.POST or None, instance=organization, language=language)
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only the organization's administrators edit its profile."))
        status = 400
        if form.is_valid():
            changes = {
                name: value
                for name, value in form.cleaned_data.items()
                if name in form.changed_data
            }
            org, errors, _conflict, status = run(
                lambda: organization_update(
                    organization=organization, actor=request.user, **changes
                )
            )
            if org is not None:
                messages.success(request, _("The organization's profile was saved."))
                return redirect("portal:profile")
            add_errors(form, ValidationError(errors or {}))
    return render(
        request,
        "portal/profile.html",
        {
            "form": form,
            "editable": editable,
            "organization": organization,
            # The buyer's staff read (administrators change) its re-assessment policy.
            "policy_link": organization.is_buyer
            and has_org_perm(request.user, POLICY_READ_PERM, organization),
        },
        status=status,
    )
