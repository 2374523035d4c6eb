"""Log in / out, passwords, language and organization switching."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import LoginForm
from accounts.invitations import invitation_get_for, invitations_open_for
from accounts.languages import to_content_language, to_django_language
from accounts.middleware import ActiveOrganizationMiddleware
from backend.errors import Conflict
from flows.invitations import (
    invitation_accept,
    invitation_accept_open,
    invitations_accept_on_first_password,
)

login_view = auth_views.LoginView.as_view(
    template_name="portal/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout_view = auth_views.LogoutView.as_view()
password_reset_view = auth_views.PasswordResetView.as_view(
    template_name="portal/password_reset.html",
    email_template_name="portal/password_reset_email.txt",
    subject_template_name="portal/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password_reset_done"),
)
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/password_reset_done.html"
)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Set a password through a mailed link. An account created by an invitation has no
    password yet: setting the first one proves the mailbox's owner got the invitation, so the
    invitations waiting for that address are accepted."""

    template_name = "portal/password_set.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        first_password = not form.user.has_usable_password()
        response = super().form_valid(form)
        if first_password:
            invitations_accept_on_first_password(user=form.user)
        return response


password_set_view = PasswordSetView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """Show an invitation to the logged-in owner of its email; POST accepts it."""
    invite = invitation_get_for(user=request.user, token=token)
    error = None
    if request.method == "POST":
        try:
            membership = invitation_accept(user=request.user, token=token)
        except (ValidationError, Conflict) as exc:
            error = exc.message if isinstance(exc, Conflict) else " ".join(exc.messages)
        else:
            return _joined(request, membership)
    return render(request, "portal/invitation.html", {"invitation": invite, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def invitations_open(request):
    """The invitations waiting for the signed-in user's email, each with an Accept button (the
    inbox's invitation entries open this page)."""
    error, status = None, 200
    if request.method == "POST":
        try:
            invitation_id = int(request.POST.get("invitation", ""))
        except ValueError:
            invitation_id = 0
        try:
            membership = invitation_accept_open(user=request.user, invitation_id=invitation_id)
        except Conflict as exc:
            error, status = exc.message, 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            return _joined(request, membership)
    invitations = list(invitations_open_for(user=request.user))
    return render(
        request,
        "portal/invitations.html",
        {"invitations": invitations, "error": error},
        status=status,
    )


def _joined(request, membership) -> HttpResponseRedirect:
    request.session[ActiveOrganizationMiddleware.SESSION_KEY] = membership.organization_id
    messages.success(
        request, _("You are now a member of %(org)s.") % {"org": membership.organization.name}
    )
    return HttpResponseRedirect(reverse_lazy("portal:home"))


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user's choice is remembered on the account."""
    language = to_content_language(request.POST.get("language"))
    if request.user.is_authenticated and request.user.preferred_language != language:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        to_django_language(language),
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_POST
@login_required
def switch_organization(request):
    """Act for another of the user's organizations (only ones they are a member of)."""
    try:
        org_id = int(request.POST.get("organization", ""))
    except ValueError:
        org_id = None
    if org_id and request.user.memberships.filter(organization_id=org_id).exists():
        request.session[ActiveOrganizationMiddleware.SESSION_KEY] = org_id
    return HttpResponseRedirect(reverse_lazy("portal:home"))
