"""Login forms of the portal and the admin: Django's, telling a locked-out user so."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from backend import login_throttle


class LoginForm(AuthenticationForm):
    """Email + password. Past the failure limit (backend.login_throttle) the password is not
    checked at all and the form says how long to wait."""

    def clean(self):
        email = self.cleaned_data.get("username")
        if email and self.cleaned_data.get("password"):
            wait = login_throttle.lockout_seconds(self.request, email)
            if wait:
                raise forms.ValidationError(login_throttle.lockout_message(wait), code="locked_out")
        return super().clean()


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's login form (staff only) with the same limit."""
