"""Scoring API: an audit's score, findings, rule sets (DESIGN section 8). Thin views: reads go
through ``scoring.selectors``, writes through ``scoring.services``."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.languages import request_language
from backend.api.filters import FilterSet
from backend.api.pagination import paginate
from questionnaires.models import Category
from rulesets.apis import LanguageMixin
from scoring.models import Finding, Severity

from . import selectors
from .serializers import (
    FindingRowSerializer,
    FindingSerializer,
    ScoreSerializer,
)

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


# ---------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------


class FindingFilter(FilterSet):
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)
    supplier = django_filters.NumberFilter(field_name="supplier_id")
    audit = django_filters.NumberFilter(field_name="audit_id")

    class Meta:
        model = Finding
        fields = ["severity", "category", "supplier", "audit"]


class FindingListApi(LanguageMixin, generics.ListAPIView):
    """Findings of the audits the caller sees; suppliers only those of released scores."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["created_at", "severity", "rule_code"]
    queryset = selectors.findings_for_list()

    def list(self, request, *args, **kwargs):
        # Rows built by FindingRowSerializer (the same output, faster); the schema stays
        # FindingSerializer's.
        qs = self.filter_queryset(self.get_queryset())
        count = selectors.finding_list_count(user=request.user, params=request.query_params)
        page = paginate(self, qs, request, count=count)
        rows = FindingRowSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(rows)


# ---------------------------------------------------------------------------------------------
# Rule sets
# ---------------------------------------------------------------------------------------------
