"""Accounts API: token, the caller (``/me/``), own organizations and their members.

Thin views: input serializers check shapes, services decide and write, selectors fetch and
authorize (404 for what the caller may not see, 403 for a forbidden action).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import login_throttle
from backend.api.permissions import AllowAnyAuthenticatedOrAnonymous

from . import serializers as s
from .invitations import invitation_accept, member_invite
from .languages import request_language
from .models import Membership, Organization, User
from .selectors import membership_get_for, organization_get_for, user_memberships
from .services import (
    membership_change_role,
    organization_update,
    user_update_profile,
)

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Bad input: messages per field."),
    401: OpenApiResponse(s.ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(s.ErrorSerializer, description="Visible, but not allowed."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found or not visible."),
}


def error_responses(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


def request_user(request: Request) -> User:
    """The signed-in caller of a view that requires one (the permission class let it in)."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user


class TokenApi(APIView):
    """Exchange email + password for an API token (``Authorization: Token <key>``).

    Wrong passwords are limited per account and per client address (backend.login_throttle):
    past the limit the answer is 429 with ``Retry-After``, whatever the password."""

    authentication_classes: list = []
    permission_classes = [AllowAnyAuthenticatedOrAnonymous]

    def get_authenticate_header(self, request):
        # Makes a failed login a 401 (DRF answers 403 when no scheme is announced).
        return "Token"

    @extend_schema(
        operation_id="auth_token_create",
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenResponseSerializer,
            **error_responses(400, 401),
            429: OpenApiResponse(s.ErrorSerializer, description="Too many failed logins."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].lower()
        wait = login_throttle.lockout_seconds(request._request, email)
        if wait:
            raise exceptions.Throttled(wait=wait, detail=login_throttle.lockout_message(wait))
        user = authenticate(request._request, email=email, password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Wrong email or password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    @extend_schema(responses={200: s.MeSerializer, **error_responses(401)}, tags=["me"])
    def get(self, request: Request) -> Response:
        return Response(self._payload(request))

    @extend_schema(
        request=s.MeUpdateSerializer,
        responses={200: s.MeSerializer, **error_responses(400, 401)},
        tags=["me"],
    )
    def patch(self, request: Request) -> Response:
        data = s.MeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        user_update_profile(user=user, actor=user, **data.validated_data)
        return Response(self._payload(request))

    def _payload(self, request: Request) -> dict:
        user = request_user(request)
        memberships = list(user_memberships(user=user))
        return s.MeSerializer(user, context={"memberships": memberships}).data


class OrganizationViewMixin(generics.GenericAPIView[Organization]):
    queryset = Organization.objects.all()
    serializer_class = s.OrganizationSerializer
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        user = self.request.user
        if user.is_authenticated:
            context["roles"] = dict(
                Membership.objects.filter(user=user).values_list("organization_id", "role")
            )
        context["language"] = request_language(self.request)
        return context


@extend_schema(
    tags=["organizations"], responses={200: s.OrganizationSerializer, **error_responses(401)}
)
class OrganizationListApi(OrganizationViewMixin, generics.ListAPIView):
    """The organizations the caller belongs to."""

    filterset_fields = ["kind"]


@extend_schema(tags=["organizations"])
class OrganizationDetailApi(OrganizationViewMixin, generics.GenericAPIView):
    """One of the caller's organizations; its administrators edit the profile."""

    object_perms = {"PATCH": "accounts.change_organization", "*": None}

    @extend_schema(responses={200: s.OrganizationSerializer, **error_responses(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=s.OrganizationUpdateSerializer,
        responses={200: s.OrganizationSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        organization = self.get_object()
        data = s.OrganizationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_update(
            organization=organization, actor=request_user(request), **data.validated_data
        )
        return Response(self.get_serializer(organization).data)


class MemberViewMixin(generics.GenericAPIView[Membership]):
    queryset = Membership.objects.all()
    serializer_class = s.MemberSerializer
    ordering_fields = ["created_at", "role"]
    object_perms = {"*": None}  # manage_members is checked on the organization by the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organization = organization_get_for(
            user=request_user(self.request), organization_id=self.kwargs["organization_id"]
        )
        return Membership.objects.filter(organization=organization).select_related("user")


@extend_schema(tags=["organizations"])
class MemberListApi(MemberViewMixin, generics.ListAPIView):
    """Members of one of the caller's organizations; administrators add (invite) members."""

    filterset_fields = ["role"]

    @extend_schema(responses={200: s.MemberSerializer(many=True), **error_responses(401, 404)})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.MemberCreateSerializer,
        responses={201: s.InvitationSerializer, **error_responses(400, 401, 403, 404)},
        description=str(
            _(
                "Invites a person by email. Nobody becomes a member until the owner of the "
                "address accepts (a new address first receives a link to set a password). The "
                "answer does not tell whether the address has an account."
            )
        ),
    )
    def post(self, request: Request, organization_id: int) -> Response:
        organization = organization_get_for(
            user=request_user(request),
            organization_id=organization_id,
            perm="accounts.manage_members",
        )
        data = s.MemberCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = member_invite(
            organization=organization, actor=request_user(request), **data.validated_data
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAcceptApi(APIView):
    """The logged-in owner of an invited email accepts the invitation with its token (routed
    through ``flows.apis``, whose ``accept`` also assigns the audits waiting for them)."""

    accept = staticmethod(invitation_accept)

    @extend_schema(
        request=s.InvitationAcceptSerializer,
        responses={
            200: s.MyMembershipSerializer,
            **error_responses(400, 401, 404),
            409: OpenApiResponse(s.ErrorSerializer, description="Already used or a member."),
        },
        tags=["organizations"],
    )
    def post(self, request: Request) -> Response:
        data = s.InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = self.accept(user=request_user(request), token=data.validated_data["token"])
        return Response(s.MyMembershipSerializer(membership).data)


@extend_schema(tags=["organizations"])
class MemberDetailApi(MemberViewMixin, generics.GenericAPIView):
    def _membership(self, perm: str | None = None) -> Membership:
        return membership_get_for(
            user=request_user(self.request),
            organization_id=self.kwargs["organization_id"],
            membership_id=self.kwargs["pk"],
            perm=perm,
        )

    @extend_schema(responses={200: s.MemberSerializer, **error_responses(401, 404)})
    def get(self, request: Request, organization_id: int, pk: int) -> Response:
        return Response(s.MemberSerializer(self._membership()).data)

    @extend_schema(
        request=s.MemberUpdateSerializer,
        responses={200: s.MemberSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, organization_id: int, pk: int) -> Response:
        membership = self._membership("accounts.manage_members")
        data = s.MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(
            membership=membership, role=data.validated_data["role"], actor=request_user(request)
        )
        return Response(s.MemberSerializer(membership).data)
