"""Small input / output serializers of the audit API. No business logic here: inputs are
parsed and ids resolved to objects, services decide the rest."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization, User
from accounts.serializers import OrganizationRefSerializer
from activity.models import ActivityEvent
from audits.models import Answer, Audit, Campaign, Evidence
from audits.selectors.dialogue import last_decision
from audits.serializers.contacts import CampaignContactSerializer
from backend.api.inputs import StrictFieldsMixin, reject_unknown_fields
from questionnaires.models import QuestionnaireVersion
from rulesets.models import RuleSet


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class QuestionnaireRefSerializer(serializers.Serializer):
    version_id = serializers.IntegerField(source="id")
    code = serializers.CharField(source="questionnaire.code")
    version = serializers.IntegerField(source="number")
    title = serializers.JSONField()


class AuditSerializer(serializers.ModelSerializer):
    buyer = OrganizationRefSerializer()
    supplier = OrganizationRefSerializer()
    questionnaire = QuestionnaireRefSerializer(source="questionnaire_version")
    respondents = UserRefSerializer(many=True)
    reviewers = UserRefSerializer(many=True)
    overdue = serializers.SerializerMethodField()
    # Plain strings in the schema: state names are documented in docs/audits.md, and one enum
    # per model called "status" would collide in the OpenAPI components.
    status = serializers.CharField(
        read_only=True,
        help_text="draft | sent | in_progress | submitted | returned | accepted | cancelled",
    )

    class Meta:
        model = Audit
        fields = [
            "id",
            "title",
            "status",
            "buyer",
            "supplier",
            "questionnaire",
            "ruleset",
            "campaign",
            "due_date",
            "overdue",
            "respondents",
            "reviewers",
            "created_at",
            "issued_at",
            "submitted_at",
            "accepted_at",
            "cancelled_at",
        ]

    def get_overdue(self, audit: Audit) -> bool:
        return audit.is_overdue()


DECISION_MOVES = {"audit.returned": "return", "audit.accepted": "accept"}


class DecisionSerializer(serializers.Serializer):
    """The latest accept or return, with the reviewer's comment (both sides read it)."""

    move = serializers.SerializerMethodField(help_text="return | accept")
    comment = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")

    def get_move(self, event: ActivityEvent) -> str:
        return DECISION_MOVES[event.verb]


class AuditDetailSerializer(AuditSerializer):
    permissions = serializers.SerializerMethodField()
    last_decision = serializers.SerializerMethodField()
    pending_respondents = serializers.SerializerMethodField(
        help_text="Emails a campaign named to answer who have not accepted their invitation "
        "to the supplier yet; they become respondents when they do."
    )

    class Meta(AuditSerializer.Meta):
        fields = [
            *AuditSerializer.Meta.fields,
            "message",
            "score_released",
            "permissions",
            "last_decision",
            "pending_respondents",
        ]

    def get_pending_respondents(self, audit: Audit) -> list[str]:
        return list(audit.pending_respondents.values_list("email", flat=True))

    def get_permissions(self, audit: Audit) -> list[str]:
        """The caller's permissions on this audit (what the client may offer)."""
        return sorted(self.context.get("permissions", []))

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_last_decision(self, audit: Audit) -> dict | None:
        event = last_decision(audit)
        return None if event is None else DecisionSerializer(event).data


class AuditIssueSerializer(serializers.Serializer):
    buyer = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.buyers(), required=False, allow_null=True
    )
    supplier = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.suppliers())
    questionnaire_version = serializers.PrimaryKeyRelatedField(
        queryset=QuestionnaireVersion.objects.select_related("questionnaire")
    )
    ruleset = serializers.PrimaryKeyRelatedField(
        queryset=RuleSet.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    message = serializers.CharField(required=False, allow_blank=True)
    respondents = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False
    )
    reviewers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False
    )
    send = serializers.BooleanField(default=True)


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code")
    updated_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = Answer
        fields = ["question", "value", "not_applicable", "updated_by", "updated_at"]


class AnswersOutputSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True)
    visible = serializers.ListField(child=serializers.CharField())
    missing = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.CharField()
    value = serializers.JSONField(required=False, allow_null=True)
    not_applicable = serializers.BooleanField(required=False, default=False)


ANSWER_FIELDS = ("question", "value", "not_applicable")


class AnswerItemField(serializers.DictField):
    """One answer: ``{question, value, not_applicable}``; any other key is a 400."""

    def to_internal_value(self, data):
        reject_unknown_fields(data, ANSWER_FIELDS)
        return super().to_internal_value(data)


class AnswersInputSerializer(StrictFieldsMixin, serializers.Serializer):
    answers = serializers.ListField(child=AnswerItemField(), allow_empty=False)


class EvidenceSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", allow_null=True)
    uploaded_by = UserRefSerializer(allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "question",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, evidence: Evidence) -> str:
        return reverse("audit-evidence-detail", args=[evidence.audit_id, evidence.pk])


class EvidenceUploadSerializer(serializers.Serializer):
    question = serializers.CharField()
    file = serializers.FileField(allow_empty_file=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendSerializer(StrictFieldsMixin, serializers.Serializer):
    """A later due date and the reason the supplier reads (both checked by the service, so a
    missing one is a 400 on its field after permission and state)."""

    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DraftUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a draft's page may change before it is sent; a field left out stays as it is."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    message = serializers.CharField(required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)
    questionnaire_version = serializers.PrimaryKeyRelatedField(
        queryset=QuestionnaireVersion.objects.select_related("questionnaire"), required=False
    )
    ruleset = serializers.PrimaryKeyRelatedField(
        queryset=RuleSet.objects.all(), required=False, allow_null=True
    )


MAX_BULK = 1000


class BulkExtendSerializer(ExtendSerializer):
    audits = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=MAX_BULK,
    )


class BulkExtendResultSerializer(serializers.Serializer):
    audits = serializers.ListField(child=serializers.IntegerField())
    due_date = serializers.DateField()


class UsersSerializer(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)


class EventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(allow_null=True)

    class Meta:
        model = ActivityEvent
        fields = [
            "id",
            "verb",
            "actor",
            "from_status",
            "to_status",
            "comment",
            "data",
            "created_at",
        ]


class PrefillSourceSerializer(serializers.Serializer):
    audit = serializers.IntegerField()
    questionnaire_version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class PrefillResultSerializer(serializers.Serializer):
    # A declared field, taken off the class by DRF's metaclass: not Field.source.
    source = PrefillSourceSerializer(allow_null=True)  # type: ignore[assignment]
    copied = serializers.ListField(child=serializers.CharField())
    skipped = serializers.DictField(child=serializers.CharField())


class CampaignSerializer(serializers.ModelSerializer):
    buyer = OrganizationRefSerializer()
    contacts = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text="Who answers, by supplier id: {email, full_name}; a supplier not named here "
        "is answered by its administrators.",
    )
    questionnaire = QuestionnaireRefSerializer(source="questionnaire_version")
    progress = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="queued | running | done | failed")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "title",
            "message",
            "buyer",
            "questionnaire",
            "ruleset",
            "due_date",
            "filters",
            "contacts",
            "status",
            "total",
            "processed",
            "progress",
            "error",
            "created_at",
            "finished_at",
        ]


class CampaignCreateSerializer(serializers.Serializer):
    buyer = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.buyers(), required=False, allow_null=True
    )
    name = serializers.CharField(max_length=200, help_text="For the buyer's team.")
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="What suppliers read as the audit's title; blank: the questionnaire's title.",
    )
    message = serializers.CharField(
        required=False, allow_blank=True, help_text="A message every supplier reads."
    )
    questionnaire_version = serializers.PrimaryKeyRelatedField(
        queryset=QuestionnaireVersion.objects.select_related("questionnaire")
    )
    ruleset = serializers.PrimaryKeyRelatedField(
        queryset=RuleSet.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField()
    supplier_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_empty=True
    )
    filters = serializers.DictField(required=False)
    contacts = CampaignContactSerializer(
        many=True,
        required=False,
        help_text="Per supplier chosen in supplier_ids, who answers instead of its "
        "administrators: a member is assigned, anyone else is invited as a respondent.",
    )

    def validate(self, attrs):
        if not attrs.get("supplier_ids") and not attrs.get("filters"):
            raise serializers.ValidationError(
                {"supplier_ids": [_("Give a list of suppliers or a filter.")]}
            )
        return attrs
