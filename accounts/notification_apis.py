"""The inbox API: ``/api/v1/notifications/`` (DESIGN section 4, notifications).

Every user reads and marks only their own entries: another user's entry is a 404.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.inputs import StrictFieldsMixin, reject_unknown_query_params
from backend.api.pagination import PageNumberPagination

from . import notifications
from .apis import error_responses, request_user
from .languages import request_language, to_django_language
from .models import Delivery, Notification


class NotificationSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "link", "created_at", "read", "read_at"]

    def get_subject(self, obj: Notification) -> str:
        return notifications.subject(obj, obj.user, self.context["language"])

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class PreferencesInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """``{kind: delivery}`` for any of the kinds; the others keep their choice."""

    def get_fields(self):
        return {
            kind: serializers.ChoiceField(choices=Delivery.choices, required=False)
            for kind in notifications.KINDS
        }


def _context(request: Request) -> dict:
    return {"language": to_django_language(request_language(request))}


LIST_PARAMETERS = [
    OpenApiParameter("unread", bool, description="Only entries not read yet."),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class NotificationListApi(GenericAPIView):
    """The caller's inbox, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = PageNumberPagination
    filter_backends: list = []

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=NotificationSerializer(many=True),
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        reject_unknown_query_params(request, {"unread", "page", "page_size", "lang"})
        unread = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        entries = notifications.inbox_for(request_user(request), unread=unread).select_related(
            "user"
        )
        page = self.paginate_queryset(entries)
        data = NotificationSerializer(page, many=True, context=_context(request)).data
        return self.get_paginated_response(data)


class NotificationReadApi(APIView):
    """Mark one entry read."""

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, **error_responses(401, 404)},
        tags=["notifications"],
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        if not notifications.inbox_for(user).filter(pk=pk).exists():
            raise Http404
        notifications.mark_read(user, [pk])
        entry = Notification.objects.select_related("user").get(pk=pk)
        return Response(NotificationSerializer(entry, context=_context(request)).data)


class NotificationReadAllApi(APIView):
    """Mark every entry of the caller read."""

    @extend_schema(
        request=None,
        responses={200: MarkedSerializer, **error_responses(401)},
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        marked = notifications.mark_read(user)
        return Response({"marked": marked, "unread": user.unread_notifications})


class NotificationPreferencesApi(APIView):
    """How the caller hears of each kind: ``immediate`` (a mail at once, the default),
    ``digest`` (one mail a day) or ``inbox`` (no mail)."""

    @extend_schema(
        responses={200: PreferenceSerializer(many=True), **error_responses(401)},
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        return Response(self._payload(request))

    @extend_schema(
        request=PreferencesInputSerializer,
        responses={200: PreferenceSerializer(many=True), **error_responses(400, 401)},
        tags=["notifications"],
    )
    def patch(self, request: Request) -> Response:
        data = PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notifications.preferences_set(request_user(request), dict(data.validated_data))
        return Response(self._payload(request))

    def _payload(self, request: Request) -> list[dict]:
        chosen = notifications.preferences_of(request_user(request))
        return [
            {"kind": kind, "title": str(label), "delivery": chosen[kind]}
            for kind, (label, _names) in notifications.KINDS.items()
        ]
