"""Share requests and shares, in and out."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Organization
from accounts.serializers import OrganizationRefSerializer
from audits.models import Audit, Share, ShareRequest
from audits.serializers.audits import UserRefSerializer
from backend.api.inputs import StrictFieldsMixin
from questionnaires.models import Questionnaire


class QuestionnaireBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.JSONField()


class ShareRequestCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    buyer = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.buyers(), required=False, allow_null=True
    )
    supplier = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.suppliers())
    questionnaire = serializers.PrimaryKeyRelatedField(queryset=Questionnaire.objects.all())
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ShareRequestDeclineSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SharePublishSerializer(StrictFieldsMixin, serializers.Serializer):
    audit = serializers.IntegerField(min_value=1)
    buyer = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.buyers())


class ShareRequestSerializer(serializers.ModelSerializer):
    buyer = OrganizationRefSerializer()
    supplier = OrganizationRefSerializer()
    questionnaire = QuestionnaireBriefSerializer()
    requested_by = UserRefSerializer(allow_null=True)
    decided_by = UserRefSerializer(allow_null=True)
    status = serializers.CharField(
        read_only=True, help_text="requested | granted | declined | withdrawn"
    )
    share = serializers.SerializerMethodField()

    class Meta:
        model = ShareRequest
        fields = [
            "id",
            "status",
            "buyer",
            "supplier",
            "questionnaire",
            "message",
            "comment",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "share",
        ]

    def get_share(self, request: ShareRequest) -> int | None:
        """The share a grant made (its id), for the caller to follow."""
        shares = list(request.shares.all())
        return shares[0].pk if shares else None


class SharedAuditSerializer(serializers.ModelSerializer):
    supplier = OrganizationRefSerializer()
    questionnaire = QuestionnaireBriefSerializer(source="questionnaire_version.questionnaire")
    version = serializers.IntegerField(source="questionnaire_version.number")

    class Meta:
        model = Audit
        fields = ["id", "supplier", "questionnaire", "version", "accepted_at"]


class ShareSerializer(serializers.ModelSerializer):
    audit = SharedAuditSerializer()
    buyer = OrganizationRefSerializer()
    granted_by = UserRefSerializer(allow_null=True)
    revoked_by = UserRefSerializer(allow_null=True)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Share
        fields = [
            "id",
            "audit",
            "buyer",
            "request",
            "active",
            "granted_by",
            "granted_at",
            "revoked_by",
            "revoked_at",
        ]
