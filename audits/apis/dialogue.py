"""API of the review dialogue: the comments on single questions (both sides read them; the
buyer's reviewers resolve them) and what changed since the last submission (the buyer side).

The return itself, with its ``question_comments``, is ``AuditReturnApi``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.selectors.audits import audit_get_for
from audits.selectors.dialogue import (
    audit_changes,
    is_audit_buyer_member,
    question_comment_get_for,
    question_comments_for,
)
from audits.serializers.dialogue import ChangesSerializer, QuestionCommentSerializer
from audits.services.dialogue import question_comment_resolve
from questionnaires.spec import questions_for_version


class AuditCommentsApi(APIView):
    """GET: the reviewer's comments on the audit's questions, oldest first, open and
    resolved."""

    filter_backends: list = []

    @extend_schema(responses=QuestionCommentSerializer(many=True))
    def get(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        comments = question_comments_for(audit)
        return Response(QuestionCommentSerializer(comments, many=True).data)


class AuditCommentResolveApi(APIView):
    """POST: resolve a comment (the audit's reviewers; 409 when resolved already)."""

    filter_backends: list = []

    @extend_schema(request=None, responses=QuestionCommentSerializer)
    def post(self, request, audit_id: int, comment_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        comment = question_comment_get_for(audit=audit, comment_id=comment_id)
        comment = question_comment_resolve(comment=comment, actor=request.user)
        comment = question_comment_get_for(audit=audit, comment_id=comment.pk)
        return Response(QuestionCommentSerializer(comment).data)


class AuditChangesApi(APIView):
    """GET: what changed since the submission before this round, per question: the answer
    before and after, the files added and removed (the members of the audit's buyer; 403
    for its supplier and for a buyer it was shared with)."""

    filter_backends: list = []

    @extend_schema(responses=ChangesSerializer)
    def get(self, request, audit_id: int):
        audit = audit_get_for(user=request.user, audit_id=audit_id)
        if not is_audit_buyer_member(request.user, audit):
            raise PermissionDenied(_("The changes between submissions are the buyer's view."))
        order = list(questions_for_version(audit.questionnaire_version))
        changes = audit_changes(audit, order) or {"since": None, "questions": []}
        return Response(ChangesSerializer(changes).data)
