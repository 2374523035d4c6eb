"""Rule-set API (DESIGN section 8): list, read, import, export, publish. Reads go through
``rulesets.selectors``, writes through ``rulesets.services``."""

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
from backend.api.filters import FilterSet
from backend.downloads import attachment
from rulesets import selectors, services
from rulesets.models import RuleSet
from rulesets.serializers import RuleSetDetailSerializer, RuleSetImportSerializer, RuleSetSerializer


class LanguageMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()  # type: ignore[misc]
        context["lang"] = request_language(self.request)  # type: ignore[attr-defined]
        return context


class RuleSetFilter(FilterSet):
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
        responses={
            # Both are the rule set's document (a mapping), written as YAML or as JSON.
            (200, "application/yaml"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def get(self, request, pk: int, format=None):
        ruleset = selectors.ruleset_get_for(request.user, pk)
        filename = f"{ruleset.code}-v{ruleset.version}.yaml"
        if request.accepted_renderer.format == "json":
            return Response(ruleset.document)
        response = Response(services.ruleset_export_yaml(ruleset=ruleset))
        return attachment(response, filename)


class RuleSetPublishApi(APIView):
    """Publish a draft rule set of the caller's buyer (the library is read-only)."""

    @extend_schema(request=None, responses=RuleSetDetailSerializer)
    def post(self, request, pk: int):
        ruleset = selectors.ruleset_get_for(request.user, pk, manage=True)
        ruleset = services.ruleset_publish(ruleset=ruleset, actor=request.user)
        context = {"lang": request_language(request), "request": request}
        return Response(RuleSetDetailSerializer(ruleset, context=context).data)
