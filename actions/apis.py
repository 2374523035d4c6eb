"""Corrective-action API (DESIGN section 8): the list and detail, one view per move, the
comment thread and evidence files.

Views are thin: the selectors fetch and authorize (404 for an action the caller may not see),
the services decide the rest (403 wrong side, 409 wrong state, 400 bad input)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from actions import services as services
from actions.selectors import (
    action_api_list,
    action_detail_for,
    action_evidence_get_for,
    action_get_for,
    action_list_count,
    action_thread,
)
from actions.serializers import (
    ActionDetailOutputSerializer,
    ActionListOutputSerializer,
    ActionListRowSerializer,
    CancelInputSerializer,
    CommentInputSerializer,
    EventOutputSerializer,
    EvidenceOutputSerializer,
    EvidenceUploadInputSerializer,
    ExtendInputSerializer,
    SubmitEvidenceInputSerializer,
    SubmitPlanInputSerializer,
    ThreadCommentInputSerializer,
)
from audits.http import evidence_response
from backend.api.inputs import validated_input
from backend.api.pagination import PageNumberPagination
from backend.api.parsers import JSONParser


class _ActionApi(APIView):
    # Visibility is decided by the selectors (``action_get_for``), not by the default filter.
    filter_backends: list = []

    def _detail(self, request, action_id: int) -> Response:
        action = action_detail_for(user=request.user, action_id=action_id)
        return Response(ActionDetailOutputSerializer(action, context={"request": request}).data)


LIST_PARAMETERS = [
    OpenApiParameter("status", str, many=True, description="open, plan_submitted, ..."),
    OpenApiParameter("severity", str, many=True, description="critical, major, minor"),
    OpenApiParameter("supplier", int),
    OpenApiParameter("buyer", int),
    OpenApiParameter("audit", int),
    OpenApiParameter("overdue", str, enum=["true", "false"]),
    OpenApiParameter("suggested_verification", str, enum=["true", "false"]),
    OpenApiParameter("due_before", str, description="YYYY-MM-DD, inclusive"),
    OpenApiParameter("due_after", str, description="YYYY-MM-DD, inclusive"),
]


class ActionListApi(_ActionApi):
    pagination_class = PageNumberPagination  # documents the page envelope the view answers

    @extend_schema(responses=ActionListOutputSerializer(many=True), parameters=LIST_PARAMETERS)
    def get(self, request):
        filters = request.query_params.copy()
        for key in ("page", "page_size", "lang"):
            filters.pop(key, None)
        qs = action_api_list(user=request.user, filters=filters)
        count = action_list_count(user=request.user, params=request.query_params)
        paginator = PageNumberPagination()
        page = paginator.paginate(qs, request, self, count=count)
        data = ActionListRowSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class ActionDetailApi(_ActionApi):
    @extend_schema(responses=ActionDetailOutputSerializer)
    def get(self, request, action_id: int):
        return self._detail(request, action_id)


class ActionSubmitPlanApi(_ActionApi):
    @extend_schema(request=SubmitPlanInputSerializer, responses=ActionDetailOutputSerializer)
    def post(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        data = validated_input(SubmitPlanInputSerializer, request)
        services.action_submit_plan(action=action, actor=request.user, **data)
        return self._detail(request, action_id)


def _comment_move(service, doc: str):
    class Api(_ActionApi):
        @extend_schema(request=CommentInputSerializer, responses=ActionDetailOutputSerializer)
        def post(self, request, action_id: int):
            action = action_get_for(user=request.user, action_id=action_id)
            data = validated_input(CommentInputSerializer, request)
            service(action=action, actor=request.user, comment=data["comment"])
            return self._detail(request, action_id)

    Api.__doc__ = doc
    Api.__name__ = Api.__qualname__ = f"Action{service.__name__.title().replace('_', '')}Api"
    return Api


ActionAcceptPlanApi = _comment_move(
    services.action_accept_plan, "Buyer: accept the plan (optional comment)."
)
ActionRejectPlanApi = _comment_move(
    services.action_reject_plan, "Buyer: reject the plan (comment required)."
)
ActionVerifyApi = _comment_move(services.action_verify, "Buyer: verify (optional comment).")
ActionRejectEvidenceApi = _comment_move(
    services.action_reject_evidence, "Buyer: reject the evidence (comment required)."
)


class ActionSubmitEvidenceApi(_ActionApi):
    """Supplier: completion note plus optional files (multipart ``files``, repeatable)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=SubmitEvidenceInputSerializer, responses=ActionDetailOutputSerializer)
    def post(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        note = request.data.get("completion_note", "")
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        services.action_submit_evidence(
            action=action,
            actor=request.user,
            completion_note=note if isinstance(note, str) else "",
            files=files,
        )
        return self._detail(request, action_id)


class ActionCancelApi(_ActionApi):
    @extend_schema(request=CancelInputSerializer, responses=ActionDetailOutputSerializer)
    def post(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        data = validated_input(CancelInputSerializer, request)
        services.action_cancel(action=action, actor=request.user, reason=data["reason"])
        return self._detail(request, action_id)


class ActionExtendApi(_ActionApi):
    @extend_schema(request=ExtendInputSerializer, responses=ActionDetailOutputSerializer)
    def post(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        data = validated_input(ExtendInputSerializer, request)
        services.action_extend_due_date(
            action=action, actor=request.user, due_date=data["due_date"], reason=data["reason"]
        )
        return self._detail(request, action_id)


class ActionCommentsApi(_ActionApi):
    @extend_schema(responses=EventOutputSerializer(many=True))
    def get(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        events = action_thread(user=request.user, action=action)
        return Response(EventOutputSerializer(events, many=True).data)

    @extend_schema(request=ThreadCommentInputSerializer, responses=EventOutputSerializer)
    def post(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        data = validated_input(ThreadCommentInputSerializer, request)
        event = services.action_comment(
            action=action, actor=request.user, text=data["text"], internal=data["internal"]
        )
        return Response(EventOutputSerializer(event).data, status=status.HTTP_201_CREATED)


class ActionEvidenceApi(_ActionApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=EvidenceOutputSerializer(many=True))
    def get(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        files = action.evidence.select_related("uploaded_by").order_by("created_at", "pk")
        return Response(EvidenceOutputSerializer(files, many=True).data)

    @extend_schema(request=EvidenceUploadInputSerializer, responses=EvidenceOutputSerializer)
    def post(self, request, action_id: int):
        action = action_get_for(user=request.user, action_id=action_id)
        evidence = services.action_evidence_add(
            action=action, actor=request.user, file=request.FILES.get("file")
        )
        return Response(EvidenceOutputSerializer(evidence).data, status=status.HTTP_201_CREATED)


class ActionEvidenceDownloadApi(_ActionApi):
    """The file, only to callers who may see the action (404 otherwise)."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, action_id: int, evidence_id: int):
        evidence = action_evidence_get_for(
            user=request.user, action_id=action_id, evidence_id=evidence_id
        )
        return evidence_response(evidence)


P = "corrective-actions/<int:action_id>/"

urlpatterns = [
    path("corrective-actions/", ActionListApi.as_view(), name="action-list"),
    path(P, ActionDetailApi.as_view(), name="action-detail"),
    path(P + "submit-plan/", ActionSubmitPlanApi.as_view(), name="action-submit-plan"),
    path(P + "accept-plan/", ActionAcceptPlanApi.as_view(), name="action-accept-plan"),
    path(P + "reject-plan/", ActionRejectPlanApi.as_view(), name="action-reject-plan"),
    path(P + "submit-evidence/", ActionSubmitEvidenceApi.as_view(), name="action-submit-evidence"),
    path(P + "verify/", ActionVerifyApi.as_view(), name="action-verify"),
    path(P + "reject-evidence/", ActionRejectEvidenceApi.as_view(), name="action-reject-evidence"),
    path(P + "cancel/", ActionCancelApi.as_view(), name="action-cancel"),
    path(P + "extend/", ActionExtendApi.as_view(), name="action-extend"),
    path(P + "comments/", ActionCommentsApi.as_view(), name="action-comments"),
    path(P + "evidence/", ActionEvidenceApi.as_view(), name="action-evidence"),
    path(
        P + "evidence/<int:evidence_id>/download/",
        ActionEvidenceDownloadApi.as_view(),
        name="action-evidence-download",
    ),
]
