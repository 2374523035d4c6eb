"""Landing page: sends the user to the dashboard of the organization they act for."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch


@login_required
def home(request):
    organization = request.organization
    if organization is not None:
        name = "portal:buyer_dashboard" if organization.is_buyer else "portal:supplier_dashboard"
        try:
            return redirect(name)
        except NoReverseMatch:
            pass
    return render(request, "portal/home.html", {})
