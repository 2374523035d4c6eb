"""Share requests and shares (DESIGN section 4): a buyer asks for a supplier's latest accepted
assessment; the supplier grants, declines, publishes unprompted and revokes.

Views are thin: the selectors fetch and authorize (404 for what the caller may not see), the
services decide the rest (403 wrong role, 409 wrong state, 400 bad input)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.selectors.audits import audit_get_for
from audits.selectors.shares import (
    share_get_for,
    share_list_for,
    share_request_get_for,
    share_request_list_for,
)
from audits.serializers.shares import (
    SharePublishSerializer,
    ShareRequestCreateSerializer,
    ShareRequestDeclineSerializer,
    ShareRequestSerializer,
    ShareSerializer,
)
from audits.services import shares as services
from backend.api.inputs import validated_input
from backend.api.pagination import PageNumberPagination


def _request_response(request, request_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    share_request = share_request_get_for(user=request.user, request_id=request_id)
    return Response(ShareRequestSerializer(share_request).data, status=code)


class ShareRequestListApi(GenericAPIView):
    """GET: requests the caller's buyers made or the caller's suppliers received. POST (a
    buyer's administrator or officer): ask a supplier for its latest accepted assessment on a
    questionnaire."""

    serializer_class = ShareRequestSerializer
    filter_backends: list = []
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return share_request_list_for(user=self.request.user)

    @extend_schema(operation_id="share_requests_list", responses=ShareRequestSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ShareRequestSerializer(page, many=True).data)

    @extend_schema(request=ShareRequestCreateSerializer, responses={201: ShareRequestSerializer})
    def post(self, request):
        data = validated_input(ShareRequestCreateSerializer, request)
        created = services.share_request_create(actor=request.user, **data)
        return _request_response(request, created.pk, code=status.HTTP_201_CREATED)


class ShareRequestDetailApi(APIView):
    filter_backends: list = []

    @extend_schema(responses=ShareRequestSerializer)
    def get(self, request, request_id: int):
        return _request_response(request, request_id)


class ShareRequestGrantApi(APIView):
    """The supplier's administrator grants: the buyer reads the latest accepted assessment."""

    filter_backends: list = []

    @extend_schema(request=None, responses=ShareRequestSerializer)
    def post(self, request, request_id: int):
        share_request = share_request_get_for(user=request.user, request_id=request_id)
        services.share_request_grant(actor=request.user, request=share_request)
        return _request_response(request, request_id)


class ShareRequestDeclineApi(APIView):
    filter_backends: list = []

    @extend_schema(request=ShareRequestDeclineSerializer, responses=ShareRequestSerializer)
    def post(self, request, request_id: int):
        share_request = share_request_get_for(user=request.user, request_id=request_id)
        data = validated_input(ShareRequestDeclineSerializer, request)
        services.share_request_decline(actor=request.user, request=share_request, **data)
        return _request_response(request, request_id)


class ShareRequestWithdrawApi(APIView):
    filter_backends: list = []

    @extend_schema(request=None, responses=ShareRequestSerializer)
    def post(self, request, request_id: int):
        share_request = share_request_get_for(user=request.user, request_id=request_id)
        services.share_request_withdraw(actor=request.user, request=share_request)
        return _request_response(request, request_id)


class ShareListApi(GenericAPIView):
    """GET: shares the caller's buyers received or the caller's suppliers gave. POST (a
    supplier's administrator): share an accepted audit with a buyer, unprompted."""

    serializer_class = ShareSerializer
    filter_backends: list = []
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return share_list_for(user=self.request.user)

    @extend_schema(operation_id="shares_list", responses=ShareSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ShareSerializer(page, many=True).data)

    @extend_schema(request=SharePublishSerializer, responses={201: ShareSerializer})
    def post(self, request):
        data = validated_input(SharePublishSerializer, request)
        audit = audit_get_for(user=request.user, audit_id=data["audit"])
        share = services.share_publish(actor=request.user, audit=audit, buyer=data["buyer"])
        share = share_get_for(user=request.user, share_id=share.pk)
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)


class ShareRevokeApi(APIView):
    filter_backends: list = []

    @extend_schema(request=None, responses=ShareSerializer)
    def post(self, request, share_id: int):
        share = share_get_for(user=request.user, share_id=share_id)
        services.share_revoke(actor=request.user, share=share)
        return Response(ShareSerializer(share_get_for(user=request.user, share_id=share_id)).data)
