"""Log in / out, passwords, language and organization switching."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm
from accounts.languages import to_content_language, to_django_language
from accounts.middleware import ActiveOrganizationMiddleware

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
password_set_view = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/password_set.html",
    success_url=reverse_lazy("portal:login"),
    post_reset_login=False,
)


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
