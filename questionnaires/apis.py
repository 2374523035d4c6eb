"""Questionnaire templates API (DESIGN section 8: /api/v1/questionnaires/ ...).

Buyers (issue audits or manage templates) list and read the shared library and their own
templates; buyer admins import, edit drafts, publish, retire, start new versions and export.
Suppliers never list templates: they read a version through their audits
(``versions/{number}/`` answers for a version used by an audit they can see).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.languages import request_language
from backend.api.pagination import PageNumberPagination
from backend.downloads import attachment
from questionnaires.render import render_version
from questionnaires.selectors import (
    can_list_templates,
    questionnaire_get_for,
    questionnaire_list,
    template_owner_for,
    version_get_for,
)
from questionnaires.serializers import (
    DocumentInputSerializer,
    DraftInputSerializer,
    ImportInputSerializer,
    questionnaire_summary,
    version_summary,
)
from questionnaires.services import (
    question_update,
    questionnaire_import,
    read_document,
    version_new_draft,
    version_publish,
    version_retire,
    version_update_draft,
)
from questionnaires.storage import document_from_version
from questionnaires.xlsx_io import XLSX_CONTENT_TYPE, write_xlsx
from questionnaires.yaml_io import write_yaml

TAGS = ["questionnaires"]
OBJ = OpenApiTypes.OBJECT
LANG = OpenApiParameter("lang", str, description="Content language (en, zh-Hans)")


def _schema(request=None, code=200, response=OBJ, **extra):
    return extend_schema(
        tags=TAGS, request=request, responses={code: response}, parameters=[LANG], **extra
    )


def _created(version, request, code=status.HTTP_201_CREATED) -> Response:
    return Response(render_version(version, request_language(request)), status=code)


class QuestionnaireListApi(APIView):
    """GET: the template catalogue. POST: create a template (or a new draft) from a JSON
    document ``{"document": {...}, "owner": <buyer id>, "publish": false}``."""

    @_schema(operation_id="questionnaires_list")
    def get(self, request):
        if not can_list_templates(request.user):
            raise PermissionDenied(_("Only buyers list questionnaire templates."))
        lang = request_language(request)
        paginator = PageNumberPagination()
        page = (
            paginator.paginate_queryset(questionnaire_list(user=request.user), request, self) or []
        )
        return paginator.get_paginated_response([questionnaire_summary(q, lang) for q in page])

    @_schema(DocumentInputSerializer, 201)
    def post(self, request):
        data = DocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _import(
            request,
            data.validated_data,
            lambda: read_document(content=data.validated_data["document"], fmt="json"),
        )


class QuestionnaireImportApi(APIView):
    """POST multipart ``file`` (.yaml or .xlsx), optional ``format``, ``owner``, ``publish``."""

    @_schema(ImportInputSerializer, 201)
    def post(self, request):
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _import(
            request,
            data.validated_data,
            lambda: read_document(
                content=data.validated_data["file"].read(), fmt=data.validated_data["format"]
            ),
        )


def _import(request, validated: dict, read: Callable[[], dict]) -> Response:
    """Import the document ``read`` returns for the owner the caller chose (checked first,
    so a caller without rights learns nothing about the document)."""
    owner = template_owner_for(user=request.user, owner_id=validated.get("owner"))
    version = questionnaire_import(
        document=read(), owner=owner, actor=request.user, publish=validated["publish"]
    )
    return _created(version, request)


class QuestionnaireDetailApi(APIView):
    """The template, its versions, and ``current`` (the latest published version, else the
    latest) rendered in the caller's language."""

    @_schema()
    def get(self, request, questionnaire_id: int):
        questionnaire = questionnaire_get_for(user=request.user, questionnaire_id=questionnaire_id)
        lang = request_language(request)
        versions = list(questionnaire.versions.order_by("-number"))
        current = next((v for v in versions if v.status == "published"), None) or (
            versions[0] if versions else None
        )
        body = {
            "id": questionnaire.pk,
            "code": questionnaire.code,
            "library": questionnaire.owner_id is None,
            "owner": (
                {"id": questionnaire.owner_id, "name": questionnaire.owner.name}
                if questionnaire.owner is not None
                else None
            ),
            "versions": [version_summary(v) for v in versions],
            "current": render_version(current, lang) if current else None,
        }
        return Response(body)


class VersionListApi(APIView):
    @_schema(
        operation_id="questionnaire_versions_list",
        response={"type": "array", "items": {"type": "object"}},
    )
    def get(self, request, questionnaire_id: int):
        questionnaire = questionnaire_get_for(user=request.user, questionnaire_id=questionnaire_id)
        return Response([version_summary(v) for v in questionnaire.versions.order_by("-number")])


class VersionDetailApi(APIView):
    """GET: the version rendered in the caller's language (Accept-Language or ?lang=).
    PUT ``{"document": {...}}``: replace a draft's content (409 once published)."""

    @_schema()
    def get(self, request, questionnaire_id: int, number: int):
        version = version_get_for(
            user=request.user, questionnaire_id=questionnaire_id, number=number
        )
        return Response(render_version(version, request_language(request)))

    @_schema(DraftInputSerializer)
    def put(self, request, questionnaire_id: int, number: int):
        version = version_get_for(
            user=request.user, questionnaire_id=questionnaire_id, number=number, manage=True
        )
        data = DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = read_document(content=data.validated_data["document"], fmt="json")
        version = version_update_draft(version=version, document=document, actor=request.user)
        return _created(version, request, status.HTTP_200_OK)


class QuestionUpdateApi(APIView):
    """PATCH one question of a draft with document keys (``{"text": {...}, "required": true}``)."""

    @_schema(OBJ)
    def patch(self, request, questionnaire_id: int, number: int, code: str):
        version = version_get_for(
            user=request.user, questionnaire_id=questionnaire_id, number=number, manage=True
        )
        if not isinstance(request.data, dict):
            raise ValidationError(_("Expected an object of question fields."))
        version = question_update(
            version=version, code=code, changes=dict(request.data), actor=request.user
        )
        return _created(version, request, status.HTTP_200_OK)


class _VersionActionApi(APIView):
    service = staticmethod(version_publish)
    success: int = status.HTTP_200_OK

    @_schema(None)
    def post(self, request, questionnaire_id: int, number: int):
        version = version_get_for(
            user=request.user, questionnaire_id=questionnaire_id, number=number, manage=True
        )
        version = self.service(version=version, actor=request.user)
        return _created(version, request, self.success)


class VersionPublishApi(_VersionActionApi):
    """draft -> published (409 otherwise)."""

    service = staticmethod(version_publish)


class VersionRetireApi(_VersionActionApi):
    """published -> retired: hidden from new audits; existing audits keep it (409 otherwise)."""

    service = staticmethod(version_retire)


class VersionNewDraftApi(_VersionActionApi):
    """Copy a published or retired version into a new draft (409 if a draft exists)."""

    service = staticmethod(version_new_draft)
    success = status.HTTP_201_CREATED


class VersionExportApi(APIView):
    """GET ?format=yaml|xlsx: the version as a file that imports back to the same content."""

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the file format here, not a DRF renderer; errors stay JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("format", str, enum=["yaml", "xlsx"])],
        responses={200: OpenApiTypes.BINARY},
    )
    def get(self, request, questionnaire_id: int, number: int):
        # Template files are for buyers; suppliers read versions through their audits only.
        questionnaire_get_for(user=request.user, questionnaire_id=questionnaire_id)
        version = version_get_for(
            user=request.user, questionnaire_id=questionnaire_id, number=number
        )
        fmt = request.query_params.get("format", "yaml")
        doc = document_from_version(version)
        filename = f"{version.questionnaire.code}-v{version.number}"
        if fmt == "yaml":
            response = HttpResponse(
                write_yaml(doc).encode("utf-8"), content_type="application/yaml; charset=utf-8"
            )
            filename += ".yaml"
        elif fmt == "xlsx":
            response = HttpResponse(write_xlsx(doc), content_type=XLSX_CONTENT_TYPE)
            filename += ".xlsx"
        else:
            raise ValidationError({"format": [_("Use format=yaml or format=xlsx.")]})
        return attachment(response, filename)


_version = "questionnaires/<int:questionnaire_id>/versions/<int:number>/"

urlpatterns = [
    path("questionnaires/", QuestionnaireListApi.as_view(), name="questionnaire-list"),
    path("questionnaires/import/", QuestionnaireImportApi.as_view(), name="questionnaire-import"),
    path(
        "questionnaires/<int:questionnaire_id>/",
        QuestionnaireDetailApi.as_view(),
        name="questionnaire-detail",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/versions/",
        VersionListApi.as_view(),
        name="questionnaire-version-list",
    ),
    path(_version, VersionDetailApi.as_view(), name="questionnaire-version-detail"),
    path(
        _version + "questions/<str:code>/",
        QuestionUpdateApi.as_view(),
        name="questionnaire-question",
    ),
    path(_version + "publish/", VersionPublishApi.as_view(), name="questionnaire-version-publish"),
    path(_version + "retire/", VersionRetireApi.as_view(), name="questionnaire-version-retire"),
    path(
        _version + "new-version/",
        VersionNewDraftApi.as_view(),
        name="questionnaire-version-new",
    ),
    path(_version + "export/", VersionExportApi.as_view(), name="questionnaire-version-export"),
]
