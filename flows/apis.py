"""API views of the cross-app steps: submit, accept, assignments, member removal, accepting
an invitation (paths of DESIGN section 8).

They differ from their neighbours in ``audits`` and ``accounts`` only in calling
``flows.services``, where the step spans apps."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import apis as accounts_apis
from accounts.languages import request_language
from audits.apis.audits import _AuditApi
from audits.selectors.audits import (
    audit_get_for,
)
from audits.serializers.audits import (
    AuditDetailSerializer,
    CommentSerializer,
    UsersSerializer,
)
from backend.api.inputs import validated_input
from flows import invitations as flows_invitations
from flows import services as flows
from scoring import selectors
from scoring.serializers import (
    ScoreSerializer,
)


class AuditSubmitApi(_AuditApi):
    @extend_schema(request=None, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        flows.audit_submit(audit=audit, actor=request.user)
        return self._detail(request, audit_id)


class AuditAcceptApi(_AuditApi):
    @extend_schema(request=CommentSerializer, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(CommentSerializer, request)
        flows.audit_accept(audit=audit, comment=data["comment"], actor=request.user)
        return self._detail(request, audit_id)


class _AssignApi(_AuditApi):
    """POST adds users, DELETE removes them: ``{"users": [ids]}``."""

    assign = staticmethod(flows.audit_assign_respondents)
    unassign = staticmethod(flows.audit_unassign_respondents)

    @extend_schema(request=UsersSerializer, responses=AuditDetailSerializer)
    def post(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(UsersSerializer, request)
        self.assign(audit=audit, users=data["users"], actor=request.user)
        return self._detail(request, audit_id)

    @extend_schema(request=UsersSerializer, responses=AuditDetailSerializer)
    def delete(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        data = validated_input(UsersSerializer, request)
        self.unassign(audit=audit, users=data["users"], actor=request.user)
        return self._detail(request, audit_id)


class AuditRespondentsApi(_AssignApi):
    pass


class AuditReviewersApi(_AssignApi):
    assign = staticmethod(flows.audit_assign_reviewers)
    unassign = staticmethod(flows.audit_unassign_reviewers)


class MemberDetailApi(accounts_apis.MemberDetailApi):
    """A member of one's organization: change the role, or remove (with their assignments)."""

    @extend_schema(responses={204: None, **accounts_apis.error_responses(400, 401, 403, 404)})
    def delete(self, request, organization_id: int, pk: int) -> Response:
        flows.membership_remove(
            membership=self._membership("accounts.manage_members"), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(accounts_apis.InvitationAcceptApi):
    """The logged-in owner of an invited email accepts the invitation with its token; the
    audits a buyer named them for when issuing become theirs to answer."""

    accept = staticmethod(flows_invitations.invitation_accept)


class AuditScoreReleaseApi(APIView):
    """Release a withheld final score to the supplier."""

    @extend_schema(request=None, responses=ScoreSerializer, operation_id="audits_score_release")
    def post(self, request, audit_id: int):
        audit = selectors.audit_visible(request.user, audit_id)
        flows.score_release(audit=audit, actor=request.user)
        audit, score = selectors.score_get_for(request.user, audit_id)
        data = ScoreSerializer.payload(
            score, released=audit.score_released, lang=request_language(request)
        )
        return Response(ScoreSerializer(data).data)
