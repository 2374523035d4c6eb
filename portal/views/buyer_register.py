"""The buyer's risk register page: filters, direct download links (the API answers them with
the session), and a background export with a progress fragment polled until it is done."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.languages import CONTENT_LANGUAGES, request_language, to_content_language
from portal.http import PortalRequest
from register.columns import PRIORITIES, RATINGS
from register.models import ExportJob
from register.selectors import (
    direct_limit,
    register_buyer_for,
    register_filters_clean,
    register_relationships,
)
from register.services import export_create, export_is_expired
from register.tables import FILTER_KEYS
from suppliers.models import SupplierRelationship

from ._helpers import error_map
from .buyer import buyer_page, query_without_page, rating_label, run
from .buyer_register_rows import register_page

FORMATS = ("xlsx", "csv", "json")


def _raw_filters(data) -> dict[str, list[str]]:
    """Filters from a query string or form: repeatable keys, comma lists for free text."""
    raw: dict[str, list[str]] = {}
    for key in FILTER_KEYS:
        values = [v.strip() for item in data.getlist(key) for v in item.split(",") if v.strip()]
        if values:
            raw[key] = values
    return raw


def _language(data, request: PortalRequest) -> str:
    value = data.get("language")
    return to_content_language(value) if value else request_language(request)


def _register_context(request: PortalRequest, data, **extra) -> dict:
    buyer = register_buyer_for(user=request.user, buyer_id=request.organization.pk)
    raw = _raw_filters(data)
    language = _language(data, request)
    errors: dict[str, list[str]] = {}
    try:
        filters = register_filters_clean(raw)
    except ValidationError as exc:
        errors = error_map(exc)
        filters = {}
    count = register_relationships(buyer=buyer, filters=filters).count()
    pairs = [(k, v) for k, values in filters.items() for v in values] + [("lang", language)]
    base = reverse("risk-register")
    links = [
        {"format": fmt, "url": f"{base}?{urlencode([('format', fmt), *pairs])}"} for fmt in FORMATS
    ]
    categories = list(
        SupplierRelationship.objects.filter(buyer=buyer, active=True)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    context = {
        "buyer": buyer,
        "filters": filters,
        "raw": raw,
        "errors": errors,
        "language": language,
        "languages": CONTENT_LANGUAGES,
        "count": count,
        "limit": direct_limit(),
        "direct": count <= direct_limit(),
        "links": links,
        "ratings": [(r, rating_label(r)) for r in RATINGS],
        "priorities": PRIORITIES,
        "criticalities": SupplierRelationship.Criticality.choices,
        "categories": categories,
        "country_text": ", ".join(raw.get("country", [])),
        "formats": FORMATS,
        "recent": list(
            ExportJob.objects.visible_to(request.user)
            .filter(buyer=buyer)
            .order_by("-created_at", "-pk")[:5]
        ),
    }
    context.update(extra)
    return context


@buyer_page
def register(request: PortalRequest) -> HttpResponse:
    context = _register_context(request, request.GET)
    status = 400 if context["errors"] else 200
    if not context["errors"]:
        context.update(
            register_page(
                request,
                buyer=context["buyer"],
                filters=context["filters"],
                language=request_language(request),
            ),
            query=query_without_page(request),
        )
    return render(request, "portal/buyer/register.html", context, status=status)


@require_POST
@buyer_page
def export_new(request: PortalRequest) -> HttpResponse:
    buyer = register_buyer_for(user=request.user, buyer_id=request.organization.pk)
    fmt = request.POST.get("format", "xlsx")
    job, errors, _conflict, status = run(
        lambda: export_create(
            buyer=buyer,
            actor=request.user,
            format=fmt,
            filters=_raw_filters(request.POST),
            language=_language(request.POST, request),
        )
    )
    if job is not None:
        job = _job(request, job.pk)
        if request.htmx:
            return render(request, "portal/buyer/_export_progress.html", _job_context(job))
        return redirect("portal:buyer_export", export_id=job.pk)
    context = _register_context(request, request.POST, export_errors=errors or {})
    return render(request, "portal/buyer/register.html", context, status=status)


def _job(request: PortalRequest, export_id: int) -> ExportJob:
    job = (
        ExportJob.objects.visible_to(request.user)
        .filter(pk=export_id, buyer=request.organization)
        .first()
    )
    if job is None:
        raise Http404
    return job


def _job_context(job: ExportJob) -> dict:
    finished = job.status in (
        ExportJob.Status.DONE,
        ExportJob.Status.FAILED,
        ExportJob.Status.EXPIRED,
    )
    return {
        "job": job,
        "finished": finished,
        "expired": export_is_expired(job),
        "download_url": reverse("export-download", args=[job.pk]),
    }


@buyer_page
def export_detail(request: PortalRequest, export_id: int) -> HttpResponse:
    register_buyer_for(user=request.user, buyer_id=request.organization.pk)
    job = _job(request, export_id)
    return render(request, "portal/buyer/export_detail.html", _job_context(job))


@buyer_page
def export_progress(request: PortalRequest, export_id: int) -> HttpResponse:
    register_buyer_for(user=request.user, buyer_id=request.organization.pk)
    job = _job(request, export_id)
    return render(request, "portal/buyer/_export_progress.html", _job_context(job))
