"""Certificates API: a supplier's admins record their certificates; the buyers that work with
the supplier read them and verify them; the document downloads after the same check."""

from __future__ import annotations

from django.http import FileResponse, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.apis import error_responses as _errors
from accounts.apis import request_user
from accounts.serializers import ErrorSerializer
from backend.api.parsers import JSONParser

from . import serializers as s
from .certificates import (
    certificate_create,
    certificate_delete,
    certificate_get_for,
    certificate_update,
    certificate_verify,
    supplier_for,
)
from .filters import CertificateFilter
from .http import certificate_document_response
from .models import Certificate

_MULTIPART = {
    "multipart/form-data": s.CertificateInputSerializer,
    "application/json": s.CertificateInputSerializer,
}


class CertificateViewMixin(generics.GenericAPIView[Certificate]):
    queryset = Certificate.objects.select_related("supplier", "verified_by", "verified_buyer")
    serializer_class = s.CertificateSerializer
    filterset_class = CertificateFilter
    ordering_fields = ["valid_to", "kind", "created_at"]
    ordering = ["kind", "-valid_to", "pk"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    object_perms = {"*": None}  # checked by certificate_get_for


@extend_schema(tags=["certificates"])
class CertificateListApi(CertificateViewMixin, generics.ListAPIView):
    """Certificates the caller may read: its own supplier's, and those of the suppliers its
    buyer works with (``?supplier=`` for one)."""

    @extend_schema(responses={200: s.CertificateSerializer(many=True), **_errors(400, 401)})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=_MULTIPART,
        responses={201: s.CertificateSerializer, **_errors(400, 401, 403, 404)},
        description=(
            "Record a certificate of your supplier (its administrators only). valid_to is the "
            "last day of validity; the document is checked like evidence."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.CertificateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = request_user(request)
        supplier = supplier_for(user=user, supplier_id=values.pop("supplier", None))
        cert = certificate_create(supplier=supplier, actor=user, **values)
        return Response(self.get_serializer(cert).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["certificates"])
class CertificateDetailApi(CertificateViewMixin):
    def get_object(self) -> Certificate:
        action = "view" if self.request.method == "GET" else "change"
        return certificate_get_for(
            user=request_user(self.request), certificate_id=self.kwargs["pk"], action=action
        )

    @extend_schema(responses={200: s.CertificateSerializer, **_errors(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request={
            "multipart/form-data": s.CertificateUpdateSerializer,
            "application/json": s.CertificateUpdateSerializer,
        },
        responses={200: s.CertificateSerializer, **_errors(400, 401, 403, 404)},
        description="Change a certificate; a change of what it certifies clears verification.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        cert = self.get_object()
        data = s.CertificateUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cert = certificate_update(
            certificate=cert, actor=request_user(request), **data.validated_data
        )
        return Response(self.get_serializer(cert).data)

    @extend_schema(responses={204: None, **_errors(401, 403, 404)})
    def delete(self, request: Request, pk: int) -> Response:
        certificate_delete(certificate=self.get_object(), actor=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["certificates"])
class CertificateVerifyApi(CertificateViewMixin):
    @extend_schema(
        request=None,
        responses={
            200: s.CertificateSerializer,
            **_errors(401, 403, 404),
            409: OpenApiResponse(ErrorSerializer, description="Already verified."),
        },
        description="Mark the certificate verified (a buyer's admins and officers).",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        cert = certificate_get_for(user=user, certificate_id=pk, action="verify")
        cert = certificate_verify(certificate=cert, actor=user)
        return Response(self.get_serializer(cert).data)


@extend_schema(tags=["certificates"])
class CertificateDocumentApi(CertificateViewMixin):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **_errors(401, 404)}
    )
    def get(self, request: Request, pk: int) -> FileResponse | JsonResponse:
        cert = certificate_get_for(user=request_user(request), certificate_id=pk)
        return certificate_document_response(cert)
