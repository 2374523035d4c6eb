"""The re-assessment policy, in and out."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from audits.models import ReassessmentPolicy
from backend.api.inputs import StrictFieldsMixin

MONTHS = {"min_value": 1, "max_value": 120}

FIELDS = [
    "months_p1",
    "months_p2",
    "months_p3",
    "months_p4",
    "lead_days",
    "mode",
    "questionnaire_version",
    "ruleset",
]


class ReassessmentPolicySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    buyer = serializers.IntegerField(source="buyer_id", read_only=True)
    saved = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = ReassessmentPolicy
        fields = ["buyer", *FIELDS, "saved", "updated_at"]
        extra_kwargs = {
            "months_p1": MONTHS,
            "months_p2": MONTHS,
            "months_p3": MONTHS,
            "months_p4": MONTHS,
            "lead_days": {"min_value": 0, "max_value": 365},
        }

    def get_saved(self, policy: ReassessmentPolicy) -> bool:
        """False while the buyer has no policy: these are the defaults and nothing runs."""
        return policy.pk is not None

    def validate(self, attrs):
        policy = ReassessmentPolicy(**attrs)
        shortest = min(policy.months(f"P{n}") for n in range(1, 5))
        if policy.lead_days >= shortest * 28:
            raise serializers.ValidationError(
                {"lead_days": [_("The lead time must be shorter than the shortest interval.")]}
            )
        return attrs
