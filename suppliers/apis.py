"""Supplier-network API: a buyer's suppliers, add by legal id, edit, deactivate, import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.apis import error_responses as _errors
from accounts.apis import request_user
from accounts.languages import request_language
from accounts.models import Membership, User
from accounts.serializers import ErrorSerializer

from . import serializers as s
from .filters import RelationshipFilter
from .imports import suppliers_import
from .models import SupplierRelationship
from .selectors import buyer_for, relationship_get_for
from .services import relationship_deactivate, relationship_update, supplier_add


def _owner(buyer, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    membership = (
        Membership.objects.select_related("user")
        .filter(organization=buyer, user_id=owner_id)
        .first()
    )
    if membership is None:
        raise ValidationError({"owner": _("The owner must be a member of the buyer.")})
    return membership.user


class RelationshipViewMixin(generics.GenericAPIView[SupplierRelationship]):
    queryset = SupplierRelationship.objects.select_related("buyer", "supplier", "owner")
    serializer_class = s.RelationshipSerializer
    filterset_class = RelationshipFilter
    ordering_fields = ["supplier__name", "criticality", "created_at", "buyer_ref"]
    ordering = ["supplier__name", "pk"]
    object_perms = {"*": None}  # manage_suppliers is checked on the buyer by the selector

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        context["language"] = request_language(self.request)
        return context


@extend_schema(tags=["suppliers"])
class RelationshipListApi(RelationshipViewMixin, generics.ListAPIView):
    """The supplier networks the caller may view; buyers' admins and officers add suppliers."""

    @extend_schema(responses={200: s.RelationshipSerializer(many=True), **_errors(401)})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.RelationshipCreateSerializer,
        responses={201: s.RelationshipSerializer, **_errors(400, 401, 403, 404)},
        description=(
            "Add a supplier by legal id. A supplier already on Fairlink is linked (its profile "
            "stays its own); otherwise it is created from the given profile and its "
            "administrator (admin_email) is invited."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RelationshipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        buyer = buyer_for(
            user=request_user(request),
            buyer_id=values.pop("buyer", None),
            perm="accounts.manage_suppliers",
        )
        values["owner"] = _owner(buyer, values.pop("owner", None))
        result = supplier_add(buyer=buyer, actor=request_user(request), **values)
        body = self.get_serializer(result.relationship).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["suppliers"])
class RelationshipDetailApi(RelationshipViewMixin, generics.GenericAPIView):
    def get_object(self) -> SupplierRelationship:
        perm = None if self.request.method == "GET" else "accounts.manage_suppliers"
        return relationship_get_for(
            user=request_user(self.request), relationship_id=self.kwargs["pk"], perm=perm
        )

    @extend_schema(responses={200: s.RelationshipSerializer, **_errors(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=s.RelationshipUpdateSerializer,
        responses={200: s.RelationshipSerializer, **_errors(400, 401, 403, 404)},
        description="Edit the buyer's own fields; the supplier's profile is read-only here.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        rel = self.get_object()
        data = s.RelationshipUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "owner" in values:
            values["owner"] = _owner(rel.buyer, values["owner"])
        rel = relationship_update(relationship=rel, actor=request_user(request), **values)
        return Response(self.get_serializer(rel).data)


@extend_schema(tags=["suppliers"])
class RelationshipDeactivateApi(RelationshipViewMixin, generics.GenericAPIView):
    @extend_schema(
        request=None,
        responses={
            200: s.RelationshipSerializer,
            **_errors(401, 403, 404),
            409: OpenApiResponse(ErrorSerializer, description="Already inactive."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        rel = relationship_get_for(
            user=request_user(request), relationship_id=pk, perm="accounts.manage_suppliers"
        )
        rel = relationship_deactivate(relationship=rel, actor=request_user(request))
        return Response(self.get_serializer(rel).data)


@extend_schema(tags=["suppliers"])
class SupplierImportApi(RelationshipViewMixin, generics.GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={200: s.ImportSummarySerializer, **_errors(400, 401, 403, 404)},
        description=(
            "Import suppliers from CSV or XLSX. Every row is validated first; a bad file "
            'answers 400 with errors keyed "row N" (the header is row 1) and saves nothing. '
            "Re-importing the same file changes nothing."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        buyer = buyer_for(
            user=request_user(request),
            buyer_id=data.validated_data.get("buyer"),
            perm="accounts.manage_suppliers",
        )
        summary = suppliers_import(
            buyer=buyer, file=data.validated_data["file"], actor=request_user(request)
        )
        return Response(summary.as_dict())
