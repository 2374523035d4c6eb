"""Input and output shapes of the corrective-action API. No business logic here: inputs only
parse types; the services decide what is required and valid."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from accounts.languages import pick, request_language
from accounts.models import User
from actions.models import ActionEvidence, CorrectiveAction
from audits.serializers.audits import EventSerializer
from backend.api.rows import moments


def _lang(context) -> str:
    request = context.get("request")
    return request_language(request) if request is not None else "en"


class _OrgSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ActionListOutputSerializer(serializers.ModelSerializer):
    buyer = _OrgSerializer()
    supplier = _OrgSerializer()
    rule_code = serializers.CharField(source="finding.rule_code")
    category = serializers.CharField(source="finding.category")
    title = serializers.SerializerMethodField()
    guidance = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "audit",
            "finding",
            "buyer",
            "supplier",
            "rule_code",
            "severity",
            "category",
            "title",
            "guidance",
            "status",
            "due_date",
            "original_due_date",
            "overdue",
            "days_overdue",
            "target_date",
            "suggested_verification",
            "suggested_by_audit",
            "created_at",
            "updated_at",
            "verified_at",
            "cancelled_at",
        ]

    def _today(self) -> datetime.date:
        # One date for the whole response. DRF's context is the root serializer's dict; the
        # stubs type it read-only.
        context = cast("dict[str, Any]", self.context)
        if "today" not in context:
            context["today"] = timezone.localdate()
        return context["today"]

    def get_title(self, obj: CorrectiveAction) -> str:
        return pick(obj.finding.title, _lang(self.context))

    def get_guidance(self, obj: CorrectiveAction) -> str:
        return pick(obj.finding.guidance, _lang(self.context))

    def get_overdue(self, obj: CorrectiveAction) -> bool:
        return obj.is_overdue(self._today())

    def get_days_overdue(self, obj: CorrectiveAction) -> int:
        return (self._today() - obj.due_date).days if obj.is_overdue(self._today()) else 0


_MOMENTS = ("created_at", "updated_at", "verified_at", "cancelled_at")


class ActionListRowSerializer(ActionListOutputSerializer):
    """``ActionListOutputSerializer``'s output, built directly for the list's pages (the
    generic field machinery cost more than the rows' database work). Its schema is the
    parent's; a test holds both outputs equal."""

    def to_representation(self, instance: CorrectiveAction) -> dict:
        lang, today, finding = _lang(self.context), self._today(), instance.finding
        overdue = instance.is_overdue(today)
        return {
            "id": instance.pk,
            "audit": instance.audit_id,
            "finding": instance.finding_id,
            "buyer": {"id": instance.buyer_id, "name": instance.buyer.name},
            "supplier": {"id": instance.supplier_id, "name": instance.supplier.name},
            "rule_code": finding.rule_code,
            "severity": instance.severity,
            "category": finding.category,
            "title": pick(finding.title, lang),
            "guidance": pick(finding.guidance, lang),
            "status": instance.status,
            "due_date": instance.due_date.isoformat(),
            "original_due_date": instance.original_due_date.isoformat(),
            "overdue": overdue,
            "days_overdue": (today - instance.due_date).days if overdue else 0,
            "target_date": instance.target_date.isoformat() if instance.target_date else None,
            "suggested_verification": instance.suggested_verification,
            "suggested_by_audit": instance.suggested_by_audit_id,
            **moments(instance, _MOMENTS),
        }


class EvidenceOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    uploaded_by = serializers.StringRelatedField[User]()

    class Meta:
        model = ActionEvidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, obj: ActionEvidence) -> str:
        return reverse(
            "action-evidence-download",
            kwargs={"action_id": obj.corrective_action_id, "evidence_id": obj.pk},
        )


class ActionDetailOutputSerializer(ActionListOutputSerializer):
    evidence = serializers.SerializerMethodField()
    allowed_moves = serializers.SerializerMethodField()

    class Meta(ActionListOutputSerializer.Meta):
        fields = [
            *ActionListOutputSerializer.Meta.fields,
            "root_cause",
            "plan",
            "responsible_person",
            "completion_note",
            "evidence",
            "allowed_moves",
        ]

    def get_evidence(self, obj: CorrectiveAction) -> list[dict]:
        files = list(obj.evidence.all())  # read once by ``action_detail_for``
        # many=True makes a ListSerializer, whose data is a list; the stubs type it a dict.
        return EvidenceOutputSerializer(files, many=True, context=self.context).data  # type: ignore[return-value]

    def get_allowed_moves(self, obj: CorrectiveAction) -> list[str]:
        from actions.services import allowed_moves

        request = self.context.get("request")
        return allowed_moves(action=obj, user=request.user) if request else []


class EventOutputSerializer(EventSerializer):
    """An event of the action thread; ``internal`` marks buyer notes (never sent to suppliers)."""

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "internal"]


class SubmitPlanInputSerializer(serializers.Serializer):
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    plan = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="")
    target_date = serializers.DateField(required=False, allow_null=True, default=None)


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendInputSerializer(serializers.Serializer):
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitEvidenceInputSerializer(serializers.Serializer):
    completion_note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )


class ThreadCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    internal = serializers.BooleanField(required=False, default=False)


class EvidenceUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, allow_null=True, allow_empty_file=True)
