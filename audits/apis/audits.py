"""Audit API (DESIGN section 8): list / issue, detail, answers, evidence, one view per move,
events, prefill, campaigns. Assigning respondents and reviewers is in ``flows.apis`` (it
reaches the audit's corrective actions).

Views are thin: ``audit_get_for`` fetches and authorizes (404 for an audit the caller may not
see), services decide the rest (403 wrong role, 409 wrong state, 400 bad input)."""

from __future__ import annotations

from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from guardian.core import ObjectPermissionChecker
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.apis import shares
from audits.apis.dialogue import AuditChangesApi, AuditCommentResolveApi, AuditCommentsApi
from audits.apis.policy import ReassessmentPolicyApi
from audits.http import evidence_response
from audits.selectors.audits import (
    API_LIST_VALUES,
    AuditFilter,
    answer_values_for,
    audit_api_list_for,
    audit_get_for,
    audit_list_count,
    audit_people,
    audits_get_for,
    campaign_get_for,
    campaign_list_for,
    events_for,
    evidence_for,
    evidence_get_for,
)
from audits.serializers.audits import (
    AnswersInputSerializer,
    AnswersOutputSerializer,
    AuditDetailSerializer,
    AuditIssueSerializer,
    AuditSerializer,
    BulkExtendResultSerializer,
    BulkExtendSerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    DraftUpdateSerializer,
    EventSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ExtendSerializer,
    PrefillResultSerializer,
    ReasonSerializer,
)
from audits.serializers.dialogue import ReturnSerializer
from audits.serializers.rows import answer_rows, audit_list_rows
from audits.services import audits as services
from audits.services.campaigns import campaign_resume
from audits.services.drafts import audit_update_draft
from audits.services.due_dates import audit_extend_due_date, audits_extend_due_date
from audits.services.evidence import evidence_delete, evidence_upload
from backend.api.inputs import validated_input
from backend.api.pagination import PageNumberPagination, paginate
from scoring.engine import AnswerValue


def _detail_response(request, audit_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    audit = audit_get_for(user=request.user, audit_id=audit_id)
    perms = ObjectPermissionChecker(request.user).get_perms(audit)
    data = AuditDetailSerializer(audit, context={"request": request, "permissions": perms}).data
    return Response(data, status=code)


class _AuditApi(APIView):
    # Visibility is decided by the selectors (``audit_get_for``), not by the default filter.
    filter_backends: list = []

    def _detail(self, request, audit_id: int) -> Response:
        return _detail_response(request, audit_id)


class AuditListApi(GenericAPIView):
    """GET: the audits the caller may see (filters: status, supplier, buyer, campaign,
    questionnaire, overdue, due_before, due_after). POST: issue one audit."""

    serializer_class = AuditSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditFilter
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return audit_api_list_for(user=self.request.user)

    @extend_schema(operation_id="audits_list", responses=AuditSerializer(many=True))
    def get(self, request):
        qs = self.filter_queryset(self.get_queryset())
        count = audit_list_count(user=request.user, params=request.query_params)
        page = paginate(self, qs, request, values=API_LIST_VALUES, count=count)
        people = audit_people(row["id"] for row in page)
        return self.get_paginated_response(audit_list_rows(page, people))

    @extend_schema(request=AuditIssueSerializer, responses={201: AuditDetailSerializer})
    def post(self, request):
        data = validated_input(AuditIssueSerializer, request)
        audit = services.audit_issue(
            actor=request.user,
            buyer=data.get("buyer"),
            supplier=data["supplier"],
            questionnaire_version=data["questionnaire_version"],
            ruleset=data.get("ruleset"),
            due_date=data["due_date"],
            title=data.get("title", ""),
            message=data.get("message", ""),
            respondents=data.get("respondents", []),
            reviewers=data.get("reviewers", []),
            send=data["send"],
        )
        return _detail_response(request, audit.pk, code=status.HTTP_201_CREATED)


class AuditDetailApi(_AuditApi):
    """GET the audit. PATCH a draft's title, message, due date, questionnaire version or rule
    set (``null`` removes it) before it is sent: 409 once sent."""

    @extend_schema(responses=AuditDetailSerializer)
    def get(self, request, audit_id: int):
        return self._detail(request, audit_id)

    @extend_schema(request=DraftUpdateSerializer, responses=AuditDetailSerializer)
    def patch(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(DraftUpdateSerializer, request)
        clear = "ruleset" in data and data["ruleset"] is None
        audit_update_draft(audit=audit, actor=request.user, clear_ruleset=clear, **data)
        return self._detail(request, audit_id)


class AuditAnswersApi(_AuditApi):
    """GET the answers (with the visible question codes and what still blocks submission);
    PATCH upserts a batch ``{"answers": [{"question", "value", "not_applicable"}]}``."""

    def _answers(self, audit) -> Response:
        # The answers are read once, as values: listed (rows built directly, the schema is
        # AnswersOutputSerializer's), and the values visibility and submission read.
        answers = answer_values_for(audit)
        values = {
            a["question__code"]: AnswerValue(value=a["value"], not_applicable=a["not_applicable"])
            for a in answers
        }
        data = {
            "answers": answer_rows(answers),
            "visible": sorted(services.visible_codes(audit, values)),
            "missing": services.missing_for_submit(audit, values) if audit.is_editable else {},
        }
        return Response(data)

    @extend_schema(responses=AnswersOutputSerializer)
    def get(self, request, audit_id: int):
        return self._answers(audit_get_for(user=request.user, audit_id=audit_id, answering=True))

    @extend_schema(request=AnswersInputSerializer, responses=AnswersOutputSerializer)
    def patch(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id, answering=True)
        data = validated_input(AnswersInputSerializer, request)
        # answers_save keeps ``audit.status`` up to date (the first save starts the audit).
        services.answers_save(audit=audit, answers=data["answers"], actor=request.user)
        return self._answers(audit)


class AuditEvidenceListApi(_AuditApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=EvidenceSerializer(many=True))
    def get(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        return Response(EvidenceSerializer(evidence_for(audit), many=True).data)

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceSerializer})
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(EvidenceUploadSerializer, request)
        evidence = evidence_upload(
            audit=audit, question_code=data["question"], file=data["file"], actor=request.user
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class AuditEvidenceDetailApi(_AuditApi):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}
    )
    def get(self, request, audit_id: int, evidence_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        evidence = evidence_get_for(audit=audit, evidence_id=evidence_id)
        return evidence_response(evidence)

    @extend_schema(responses={204: None})
    def delete(self, request, audit_id: int, evidence_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        evidence = evidence_get_for(audit=audit, evidence_id=evidence_id)
        evidence_delete(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditReturnApi(_AuditApi):
    """Return a submitted audit: ``comment`` (required) and, optionally,
    ``question_comments: [{question, text}]`` the supplier reads at each question."""

    @extend_schema(request=ReturnSerializer, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(ReturnSerializer, request)
        services.audit_return(
            audit=audit,
            comment=data["comment"],
            question_comments=data["question_comments"],
            actor=request.user,
        )
        return self._detail(request, audit_id)


class AuditCancelApi(_AuditApi):
    @extend_schema(request=ReasonSerializer, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(ReasonSerializer, request)
        services.audit_cancel(audit=audit, reason=data["reason"], actor=request.user)
        return self._detail(request, audit_id)


class AuditExtendApi(_AuditApi):
    """A later due date with the reason the supplier reads (buyer officers and admins)."""

    @extend_schema(request=ExtendSerializer, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(ExtendSerializer, request)
        audit_extend_due_date(audit=audit, actor=request.user, **data)
        return self._detail(request, audit_id)


class AuditBulkExtendApi(APIView):
    """The same extension for several audits, all or none: ``{"audits": [ids], "due_date",
    "reason"}``. An id the caller cannot see is a 400 naming it."""

    filter_backends: list = []

    @extend_schema(
        operation_id="v1_audits_bulk_extend",
        request=BulkExtendSerializer,
        responses=BulkExtendResultSerializer,
    )
    def post(self, request):
        data = validated_input(BulkExtendSerializer, request)
        audits = audits_get_for(user=request.user, audit_ids=data.pop("audits"))
        done = audits_extend_due_date(audits=audits, actor=request.user, **data)
        result = {"audits": [a.pk for a in done], "due_date": data["due_date"]}
        return Response(BulkExtendResultSerializer(result).data)


class AuditSendApi(_AuditApi):
    @extend_schema(request=None, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        services.audit_send(audit=audit, actor=request.user)
        return self._detail(request, audit_id)


class AuditEventsApi(_AuditApi):
    @extend_schema(responses=EventSerializer(many=True))
    def get(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        return Response(EventSerializer(events_for(user=request.user, audit=audit), many=True).data)


class AuditPrefillApi(_AuditApi):
    @extend_schema(request=None, responses=PrefillResultSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        result = services.audit_prefill(audit=audit, actor=request.user)
        return Response(PrefillResultSerializer(result).data)


class CampaignListApi(GenericAPIView):
    """GET: the campaigns of the caller's buyers. POST: issue to many suppliers at once (by
    ``supplier_ids`` or ``filters``: country, criticality, category; with ``supplier_ids``,
    ``contacts`` names who answers for some of them); answers 202 with the campaign, whose
    ``processed`` / ``progress`` show how far issuing has got."""

    serializer_class = CampaignSerializer
    filter_backends: list = []
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return campaign_list_for(user=self.request.user)

    @extend_schema(operation_id="campaigns_list", responses=CampaignSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(request=CampaignCreateSerializer, responses={202: CampaignSerializer})
    def post(self, request):
        data = validated_input(CampaignCreateSerializer, request)
        campaign = services.campaign_create(
            actor=request.user,
            buyer=data.get("buyer"),
            name=data["name"],
            title=data.get("title", ""),
            message=data.get("message", ""),
            questionnaire_version=data["questionnaire_version"],
            ruleset=data.get("ruleset"),
            due_date=data["due_date"],
            supplier_ids=data.get("supplier_ids") or None,
            filters=data.get("filters") or None,
            contacts=data.get("contacts") or (),
        )
        campaign = campaign_get_for(user=request.user, campaign_id=campaign.pk)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_202_ACCEPTED)


class CampaignDetailApi(APIView):
    filter_backends: list = []

    @extend_schema(responses=CampaignSerializer)
    def get(self, request, campaign_id: int):
        campaign = campaign_get_for(user=request.user, campaign_id=campaign_id)
        return Response(CampaignSerializer(campaign).data)


class CampaignResumeApi(APIView):
    """POST: queue a failed campaign again; it issues only to the suppliers without an audit
    of it yet (202). 409 unless the campaign failed; 403 for a buyer member who does not issue
    audits."""

    filter_backends: list = []

    @extend_schema(request=None, responses={202: CampaignSerializer})
    def post(self, request, campaign_id: int):
        campaign = campaign_get_for(user=request.user, campaign_id=campaign_id)
        campaign_resume(campaign=campaign, actor=request.user)
        campaign = campaign_get_for(user=request.user, campaign_id=campaign_id)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_202_ACCEPTED)


A = "audits/<int:audit_id>/"
R = "share-requests/<int:request_id>/"
urlpatterns = [
    path("audits/", AuditListApi.as_view(), name="audit-list"),
    path(A, AuditDetailApi.as_view(), name="audit-detail"),
    path(A + "answers/", AuditAnswersApi.as_view(), name="audit-answers"),
    path(A + "evidence/", AuditEvidenceListApi.as_view(), name="audit-evidence"),
    path(
        A + "evidence/<int:evidence_id>/",
        AuditEvidenceDetailApi.as_view(),
        name="audit-evidence-detail",
    ),
    path("audits/extend/", AuditBulkExtendApi.as_view(), name="audit-bulk-extend"),
    path(A + "extend/", AuditExtendApi.as_view(), name="audit-extend"),
    path(A + "send/", AuditSendApi.as_view(), name="audit-send"),
    path(A + "return/", AuditReturnApi.as_view(), name="audit-return"),
    path(A + "cancel/", AuditCancelApi.as_view(), name="audit-cancel"),
    path(A + "events/", AuditEventsApi.as_view(), name="audit-events"),
    path(A + "prefill/", AuditPrefillApi.as_view(), name="audit-prefill"),
    path(A + "comments/", AuditCommentsApi.as_view(), name="audit-comments"),
    path(
        A + "comments/<int:comment_id>/resolve/",
        AuditCommentResolveApi.as_view(),
        name="audit-comment-resolve",
    ),
    path(A + "changes/", AuditChangesApi.as_view(), name="audit-changes"),
    path("reassessment-policy/", ReassessmentPolicyApi.as_view(), name="reassessment-policy"),
    path("share-requests/", shares.ShareRequestListApi.as_view(), name="share-request-list"),
    path(R, shares.ShareRequestDetailApi.as_view(), name="share-request-detail"),
    path(R + "grant/", shares.ShareRequestGrantApi.as_view(), name="share-request-grant"),
    path(R + "decline/", shares.ShareRequestDeclineApi.as_view(), name="share-request-decline"),
    path(R + "withdraw/", shares.ShareRequestWithdrawApi.as_view(), name="share-request-withdraw"),
    path("shares/", shares.ShareListApi.as_view(), name="share-list"),
    path("shares/<int:share_id>/revoke/", shares.ShareRevokeApi.as_view(), name="share-revoke"),
    path("campaigns/", CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<int:campaign_id>/", CampaignDetailApi.as_view(), name="campaign-detail"),
    path(
        "campaigns/<int:campaign_id>/resume/",
        CampaignResumeApi.as_view(),
        name="campaign-resume",
    ),
]
