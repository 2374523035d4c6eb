"""Risk register API (DESIGN sections 7 and 8).

``GET /api/v1/risk-register/?format=json|csv|xlsx`` answers directly up to a number of suppliers
(``register.selectors.direct_limit``: ``settings.FAIRLINK_REGISTER_DIRECT_LIMIT`` for CSV and
XLSX, ``FAIRLINK_REGISTER_JSON_LIMIT`` for JSON); above it a 400 with code ``use_export_job``
points to ``POST /api/v1/exports/``. JSON and CSV are streamed a few thousand rows at a time. Export jobs: ``/api/v1/exports/``
(list, create), ``/api/v1/exports/<id>/`` (status, progress), ``.../download/`` (the file;
410 once expired). Only buyer administrators and procurement officers (``export_register``).
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.languages import request_language
from accounts.permissions import organizations_with_perm
from backend.api.inputs import StrictFieldsMixin, reject_unknown_query_params
from backend.api.pagination import PageNumberPagination
from backend.downloads import attachment
from backend.errors import Conflict

from . import services as exports
from .labels import register_labels
from .models import ExportJob
from .selectors import (
    EXPORT_PERM,
    ONLY_BUYER_STAFF,
    direct_limit,
    register_buyer_for,
    register_filters_clean,
    register_relationships,
)
from .tables import FILTER_KEYS
from .writers import iter_csv, iter_json

FORMATS = tuple(ExportJob.Format.values)
REGISTER_QUERY_PARAMS = ("format", "buyer", "lang", *FILTER_KEYS)


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """``?format=`` names the export format here, not a DRF renderer: errors and JSON bodies
    are always rendered as JSON; CSV and XLSX are plain Django responses."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This export has expired; create a new one."
    default_code = "expired"


def _query_filters(request) -> dict[str, list[str]]:
    """``?rating=high&rating=critical`` or ``?rating=high,critical`` -> cleaned filters."""
    raw: dict[str, list[str]] = {}
    for key in FILTER_KEYS:
        values = [v for item in request.query_params.getlist(key) for v in item.split(",")]
        if values:
            raw[key] = values
    return register_filters_clean(raw)


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    attachment(response, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


_FILTER_PARAMS = [
    OpenApiParameter(key, OpenApiTypes.STR, many=True, description="Repeatable filter value")
    for key in FILTER_KEYS
]


class RiskRegisterApi(APIView):
    """The caller's buyer's risk register, filtered, as JSON, CSV or XLSX."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnlyNegotiation

    @extend_schema(
        operation_id="risk_register_retrieve",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS)),
            OpenApiParameter("buyer", OpenApiTypes.INT, description="Buyer organization id"),
            OpenApiParameter("lang", OpenApiTypes.STR, enum=["en", "zh-Hans"]),
            *_FILTER_PARAMS,
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Register (JSON) or a file"),
            400: OpenApiResponse(description="Bad filter, or too large for a direct file"),
            403: OpenApiResponse(description="Not a buyer administrator or officer"),
        },
    )
    def get(self, request):
        reject_unknown_query_params(request, REGISTER_QUERY_PARAMS)
        buyer = register_buyer_for(user=request.user, buyer_id=request.query_params.get("buyer"))
        fmt = request.query_params.get("format") or "json"
        if fmt not in FORMATS:
            raise exceptions.ValidationError(
                {"format": [_("Use one of: %s.") % ", ".join(FORMATS)]}
            )
        filters = _query_filters(request)
        language = request_language(request)

        refused = _too_large_for_direct(buyer, filters, fmt)
        if refused is not None:
            return refused
        now = timezone.now()
        tables = exports.register_build(
            buyer=buyer, filters=filters, language=language, details=exports.export_details(fmt)
        )
        if fmt == "json":
            head = {
                "buyer": {"id": buyer.pk, "name": buyer.name},
                "generated_at": timezone.localtime(now).isoformat(),
                "filters": filters,
            }
            return StreamingHttpResponse(
                iter_json(tables, head=head), content_type=exports.CONTENT_TYPES[fmt]
            )
        name = exports.export_filename(buyer=buyer, fmt=fmt, on=timezone.localdate(now))
        if fmt == "csv":
            stream = StreamingHttpResponse(
                iter_csv(tables, language=language, labels=register_labels(language)),
                content_type=exports.CONTENT_TYPES[fmt],
            )
            return _attachment(stream, name)
        buffer = io.BytesIO()
        exports.register_write(
            tables, buffer, fmt=fmt, buyer=buyer, language=language, generated_at=now
        )
        response = HttpResponse(buffer.getvalue(), content_type=exports.CONTENT_TYPES[fmt])
        return _attachment(response, name)


def _too_large_for_direct(buyer, filters: dict[str, list[str]], fmt: str) -> Response | None:
    """A 400 pointing to the export jobs when the register has more suppliers than ``fmt`` is
    served directly (``direct_limit``), else None."""
    limit = direct_limit(fmt)
    count = register_relationships(buyer=buyer, filters=filters).count()
    if count <= limit:
        return None
    message = _(
        "The register has %(count)d suppliers, more than %(limit)d for a direct "
        "download: create an export with POST /api/v1/exports/."
    ) % {"count": count, "limit": limit}
    return Response(
        {"detail": message, "code": "use_export_job", "errors": {"format": [message]}},
        status=status.HTTP_400_BAD_REQUEST,
    )


# ---------------------------------------------------------------------------------------------
# Export jobs
# ---------------------------------------------------------------------------------------------


class ExportCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    buyer = serializers.IntegerField(required=False)
    format = serializers.ChoiceField(choices=FORMATS, default="xlsx")
    language = serializers.ChoiceField(choices=["en", "zh-Hans"], required=False)
    filters = serializers.DictField(required=False, default=dict)


class ExportJobSerializer(serializers.ModelSerializer):
    buyer = serializers.SerializerMethodField()
    urls = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "buyer",
            "format",
            "language",
            "filters",
            "status",
            "progress",
            "rows",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "expired",
            "urls",
        ]

    def get_buyer(self, job: ExportJob) -> dict:
        return {"id": job.buyer_id, "name": job.buyer.name}

    def get_expired(self, job: ExportJob) -> bool:
        return exports.export_is_expired(job)

    def get_urls(self, job: ExportJob) -> dict:
        return {
            "self": reverse("export-detail", args=[job.pk]),
            "download": reverse("export-download", args=[job.pk]),
        }


def _export_get_for(user, pk: int) -> ExportJob:
    """An export job of a buyer where ``user`` exports the register; 404 otherwise."""
    job = ExportJob.objects.visible_to(user).select_related("buyer").filter(pk=pk).first()
    if job is None:
        raise Http404(_("No such export."))
    return job


class ExportListCreateApi(APIView):
    """The export jobs of the caller's buyers (newest first), and queueing a new one."""

    renderer_classes = [JSONRenderer]
    pagination_class = PageNumberPagination  # documents the page envelope the list answers

    @extend_schema(operation_id="exports_list", responses=ExportJobSerializer(many=True))
    def get(self, request):
        if not organizations_with_perm(request.user, EXPORT_PERM).exists():
            raise PermissionDenied(str(ONLY_BUYER_STAFF))
        jobs = ExportJob.objects.visible_to(request.user).select_related("buyer")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(jobs.order_by("-created_at", "-pk"), request, view=self)
        return paginator.get_paginated_response(ExportJobSerializer(page, many=True).data)

    @extend_schema(
        operation_id="exports_create",
        request=ExportCreateSerializer,
        responses={202: ExportJobSerializer},
    )
    def post(self, request):
        data = ExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        buyer_id = data.validated_data.get("buyer", request.query_params.get("buyer"))
        buyer = register_buyer_for(user=request.user, buyer_id=buyer_id)
        job = exports.export_create(
            buyer=buyer,
            actor=request.user,
            format=data.validated_data["format"],
            filters=data.validated_data["filters"],
            language=data.validated_data.get("language") or request_language(request),
        )
        # In-process mode has already run the job on commit: answer its current state.
        job = ExportJob.objects.select_related("buyer").get(pk=job.pk)
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(operation_id="exports_retrieve", responses=ExportJobSerializer)
    def get(self, request, pk: int):
        return Response(ExportJobSerializer(_export_get_for(request.user, pk)).data)


class ExportDownloadApi(APIView):
    """The finished file: 409 while queued / running / failed, 410 once expired."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="exports_download",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="Not finished"),
            410: OpenApiResponse(description="Expired"),
        },
    )
    def get(self, request, pk: int):
        job = _export_get_for(request.user, pk)
        if exports.export_is_expired(job):
            raise Gone()
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Conflict(
                _("The export is %(status)s; download it once it is done.")
                % {"status": job.get_status_display().lower()},
                code="export_not_ready",
            )
        name = exports.export_filename(
            buyer=job.buyer,
            fmt=job.format,
            on=timezone.localdate(job.finished_at or job.created_at),
        )
        response = FileResponse(job.file.open("rb"), content_type=exports.CONTENT_TYPES[job.format])
        return _attachment(response, name)
