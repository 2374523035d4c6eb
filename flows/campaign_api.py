"""API of the bulk actions on a campaign's audits: remind now, extend, cancel, assign a
reviewer (``flows.campaign_bulk``)."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from audits.selectors.audits import campaign_get_for
from audits.serializers.audits import MAX_BULK
from backend.api.inputs import StrictFieldsMixin, validated_input
from flows.campaign_bulk import ACTIONS, campaign_bulk


class CampaignBulkSerializer(StrictFieldsMixin, serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    audits = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=MAX_BULK,
        required=False,
        help_text="The campaign's audits to act on; omitted: all of them.",
    )
    due_date = serializers.DateField(required=False, help_text="extend: the new due date.")
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="extend, cancel: what the suppliers read."
    )
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="assign_reviewer: a member of the buyer who reviews.",
    )


class CampaignBulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.DictField(
        child=serializers.CharField(), help_text="Audit id: why it was left as it was."
    )


class CampaignBulkApi(APIView):
    """POST ``{"action": "remind" | "extend" | "cancel" | "assign_reviewer", "audits": [ids]
    (omitted: all of the campaign), "due_date", "reason", "reviewer"}``. Audits in a state where
    the action makes no sense (or already reminded today) are listed under ``skipped`` with the
    reason. 403 for a role that does not issue audits, 409 while the campaign is issuing."""

    filter_backends: list = []

    @extend_schema(request=CampaignBulkSerializer, responses=CampaignBulkResultSerializer)
    def post(self, request, campaign_id: int):
        campaign = campaign_get_for(user=request.user, campaign_id=campaign_id)
        data = validated_input(CampaignBulkSerializer, request)
        result = campaign_bulk(
            campaign=campaign,
            actor=request.user,
            action=data["action"],
            audit_ids=data.get("audits"),
            due_date=data.get("due_date"),
            reason=data.get("reason", ""),
            reviewer=data.get("reviewer"),
        )
        return Response(CampaignBulkResultSerializer(asdict(result)).data)
