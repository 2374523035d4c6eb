"""The caller's buyer's re-assessment policy (DESIGN section 4): read by its administrators,
officers and viewers, changed by its administrators."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.serializers.policy import ReassessmentPolicySerializer
from audits.services.policy import policy_buyer_for, policy_get, policy_set
from backend.api.inputs import reject_unknown_query_params, validated_input

BUYER = OpenApiParameter("buyer", OpenApiTypes.INT, description="Buyer organization id")


class ReassessmentPolicyApi(APIView):
    def _buyer(self, request, *, change: bool):
        reject_unknown_query_params(request, ["buyer"])
        return policy_buyer_for(
            user=request.user, buyer_id=request.query_params.get("buyer"), change=change
        )

    @extend_schema(
        parameters=[BUYER],
        responses={
            200: ReassessmentPolicySerializer,
            403: OpenApiResponse(description="Not a buyer's administrator, officer or viewer"),
        },
    )
    def get(self, request):
        buyer = self._buyer(request, change=False)
        return Response(ReassessmentPolicySerializer(policy_get(buyer)).data)

    @extend_schema(
        parameters=[BUYER],
        request=ReassessmentPolicySerializer,
        responses={
            200: ReassessmentPolicySerializer,
            400: OpenApiResponse(description="Bad input, per field"),
            403: OpenApiResponse(description="Not a buyer's administrator"),
        },
    )
    def put(self, request):
        buyer = self._buyer(request, change=True)
        data = validated_input(ReassessmentPolicySerializer, request)
        policy = policy_set(buyer=buyer, data=data)
        return Response(ReassessmentPolicySerializer(policy).data)
