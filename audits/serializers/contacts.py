"""Input of a campaign's named contacts (who answers for a supplier chosen by id)."""

from __future__ import annotations

from rest_framework import serializers

from backend.api.inputs import StrictFieldsMixin


class CampaignContactSerializer(StrictFieldsMixin, serializers.Serializer):
    supplier = serializers.IntegerField(help_text="One of the campaign's supplier_ids.")
    email = serializers.CharField(
        max_length=254, help_text="Who answers; invited as a respondent unless a member."
    )
    full_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="For a new account."
    )
