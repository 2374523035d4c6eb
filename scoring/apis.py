"""Scoring API: an audit's score, findings, rule sets (DESIGN section 8). Thin views: reads go
through ``scoring.selectors``, writes through ``scoring.services``."""

from __future__ import annotations

import django_filters
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, renderers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.languages import request_language
from audits.models import Finding
from audits.models.actions import Severity
from questionnaires.models import Category

from . import selectors, services
from .models import RuleSet
from .serializers import (
    FindingSerializer,
    RuleSetDetailSerializer,
    RuleSetImportSerializer,
    RuleSetSerializer,
    ScoreSerializer,
)


class LanguageMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()  # type: ignore[misc]
        context["lang"] = request_language(self.request)  # type: ignore[attr-defined]
        return context


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------


class AuditScoreApi(APIView):
    """The score of an audit in the caller's language: the buyer's side sees the latest score
    (preliminary from submission, final from acceptance), the supplier only the released final
    score (403 before release)."""

    @extend_schema(responses=ScoreSerializer, operation_id="audits_score_retrieve")
    def get(self, request, audit_id: int):
        audit, score = selectors.score_get_for(request.user, audit_id)
        data = ScoreSerializer.payload(
            score, released=audit.score_released, lang=request_language(request)
        )
        return Response(ScoreSerializer(data).data)


class AuditScoreReleaseApi(APIView):
    """Release a withheld final score to the supplier."""

    @extend_schema(request=None, responses=ScoreSerializer, operation_id="audits_score_release")
    def post(self, request, audit_id: int):
        audit = selectors.audit_visible(request.user, audit_id)
        services.score_release(audit=audit, actor=request.user)
        audit, score = selectors.score_get_for(request.user, audit_id)
        data = ScoreSerializer.payload(
            score, released=audit.score_released, lang=request_language(request)
        )
        return Response(ScoreSerializer(data).data)


# ---------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------


class FindingFilter(django_filters.FilterSet):
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)
    supplier = django_filters.NumberFilter(field_name="audit__supplier_id")
    audit = django_filters.NumberFilter(field_name="audit_id")

    class Meta:
        model = Finding
        fields = ["severity", "category", "supplier", "audit"]


class FindingListApi(LanguageMixin, generics.ListAPIView):
    """Findings of the audits the caller sees; suppliers only those of released scores."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["created_at", "severity", "rule_code"]
    queryset = Finding.objects.select_related("audit__supplier", "action").order_by(
        "-created_at", "pk"
    )


# ---------------------------------------------------------------------------------------------
# Rule sets
# ---------------------------------------------------------------------------------------------


class RuleSetFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=RuleSet.Status.choices)
    questionnaire = django_filters.CharFilter(field_name="questionnaire_code")
    library = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull")

    class Meta:
        model = RuleSet
        fields = ["code", "status", "questionnaire", "library"]


class RuleSetListApi(LanguageMixin, generics.ListAPIView):
    """The library's rule sets and the caller's buyers' own."""

    serializer_class = RuleSetSerializer
    filterset_class = RuleSetFilter
    queryset = RuleSet.objects.all()


class RuleSetDetailApi(LanguageMixin, generics.RetrieveAPIView):
    serializer_class = RuleSetDetailSerializer
    queryset = RuleSet.objects.all()


class RuleSetImportApi(APIView):
    """Import a rule set (JSON document, YAML text or YAML file) as a draft, or published with
    ``publish``. Every problem is a 400 located by rule or question code; nothing is saved."""

    @extend_schema(
        request=RuleSetImportSerializer,
        responses={201: RuleSetDetailSerializer, 200: RuleSetDetailSerializer},
    )
    def post(self, request):
        buyers = list(selectors.managed_buyers(request.user))
        if not buyers:
            raise PermissionDenied(_("Only a buyer's administrators import rule sets."))
        serializer = RuleSetImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        owner = self._owner(buyers, data.get("owner"))
        document = data.get("document")
        if document is None:
            text = data.get("yaml")
            if text is None:
                raw = data["file"].read()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from exc
            try:
                document = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ValidationError(
                    {"yaml": [_("Not valid YAML: %(error)s") % {"error": exc}]}
                ) from exc
        before = RuleSet.objects.filter(owner=owner).count()
        ruleset = services.ruleset_import(
            document=document, owner=owner, actor=request.user, publish=data["publish"]
        )
        created = RuleSet.objects.filter(owner=owner).count() > before
        context = {"lang": request_language(request), "request": request}
        return Response(
            RuleSetDetailSerializer(ruleset, context=context).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @staticmethod
    def _owner(buyers, owner_id):
        if owner_id is None:
            if len(buyers) > 1:
                raise ValidationError(
                    {"owner": [_("You manage several buyers: say which one owns the rule set.")]}
                )
            return buyers[0]
        for buyer in buyers:
            if buyer.pk == owner_id:
                return buyer
        raise ValidationError({"owner": [_("You do not manage rule sets of this buyer.")]})


class YAMLRenderer(renderers.BaseRenderer):
    media_type = "application/yaml"
    format = "yaml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(self.charset)


class RuleSetExportApi(APIView):
    """The rule set as YAML (``?format=yaml``, the default) or as its JSON document."""

    renderer_classes = [YAMLRenderer, renderers.JSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["yaml", "json"], required=False)
        ],
        responses={(200, "application/yaml"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request, pk: int, format=None):
        ruleset = selectors.ruleset_get_for(request.user, pk)
        filename = f"{ruleset.code}-v{ruleset.version}.yaml"
        if request.accepted_renderer.format == "json":
            return Response(ruleset.document)
        response = Response(services.ruleset_export_yaml(ruleset=ruleset))
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class RuleSetPublishApi(APIView):
    """Publish a draft rule set of the caller's buyer (the library is read-only)."""

    @extend_schema(request=None, responses=RuleSetDetailSerializer)
    def post(self, request, pk: int):
        ruleset = selectors.ruleset_get_for(request.user, pk, manage=True)
        ruleset = services.ruleset_publish(ruleset=ruleset, actor=request.user)
        context = {"lang": request_language(request), "request": request}
        return Response(RuleSetDetailSerializer(ruleset, context=context).data)
