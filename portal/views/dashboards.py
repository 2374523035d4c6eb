"""Landing pages: the buyer or supplier dashboard of the active organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "portal/home.html", {})
