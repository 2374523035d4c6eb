"""Input and output serializers of the accounts API. No business logic: services validate."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .industries import industry_name
from .models import Invitation, Language, Membership, Organization, User


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know (a typo is a 400 naming the field, not silently lost)."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if hasattr(data, "keys") else []
        errors: dict[str, Any] = {name: [_("Unknown field.")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                errors.update(exc.detail)
            else:
                errors.setdefault("non_field_errors", []).extend(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return value


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]


class MyMembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer()

    class Meta:
        model = Membership
        fields = ["id", "organization", "role"]


class MeSerializer(serializers.ModelSerializer):
    # The view passes them in the context (fetched with their organizations in one query).
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language", "is_staff", "memberships"]

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        # many=True makes a ListSerializer, whose data is a list; the stubs type it a dict.
        return MyMembershipSerializer(self.context["memberships"], many=True).data  # type: ignore[return-value]


class MeUpdateSerializer(StrictSerializer):
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)


class OrganizationRefSerializer(serializers.ModelSerializer):
    """An organization named in another object's payload (an audit's buyer, a relationship's
    buyer): its id and name."""

    class Meta:
        model = Organization
        fields = ["id", "name"]


# The profile of an organization as both its members and its buyers read it.
PROFILE_FIELDS = [
    "name",
    "legal_id",
    "country",
    "province",
    "industry",
    "industry_name",
    "size_class",
    "headcount",
    "website",
    "contact_email",
]


# A profile's website and contact email may be blank: the schema says "a URL / an email, or
# the empty string", as the body holds.
# (CharFields checked in ``to_internal_value``: a URLField / EmailField, or a validator in
# ``validators``, would add its format to the whole.)
class _BlankableFormatField(serializers.CharField):
    check: Any = None

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                self.check(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(list(exc.messages)) from exc
        return value


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class BlankableURLField(_BlankableFormatField):
    check = URLValidator(message=_("Enter a valid URL."))


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class BlankableEmailField(_BlankableFormatField):
    check = EmailValidator(message=_("Enter a valid email address."))


class IndustryNameMixin:
    """``industry_name``: the organization's ISIC division in the reader's language
    (``context["language"]``, English by default)."""

    def get_industry_name(self, obj: Organization) -> str:
        return industry_name(obj.industry, self.context.get("language", "en"))  # type: ignore[attr-defined]


class OrganizationSerializer(IndustryNameMixin, serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    website = BlankableURLField(allow_blank=True)
    contact_email = BlankableEmailField(allow_blank=True)
    industry_name = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "kind",
            *PROFILE_FIELDS,
            "withhold_scores",
            "my_role",
            "created_at",
            "updated_at",
        ]

    def get_my_role(self, obj: Organization) -> str | None:
        return self.context.get("roles", {}).get(obj.pk)


class OrganizationUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    country = serializers.CharField(max_length=2, required=False)
    province = serializers.CharField(max_length=100, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=8, required=False)
    size_class = serializers.ChoiceField(choices=Organization.SizeClass.choices, required=False)
    headcount = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    website = BlankableURLField(required=False, allow_blank=True)
    contact_email = BlankableEmailField(required=False, allow_blank=True)
    withhold_scores = serializers.BooleanField(
        required=False, help_text=_("Buyers only: keep scores from suppliers until released.")
    )


class MemberUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language"]


class MemberSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer()

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class MemberCreateSerializer(StrictSerializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)


class InvitationSerializer(serializers.ModelSerializer):
    """A pending invitation; the same shape whether or not the email has an account."""

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at"]


class InvitationAcceptSerializer(StrictSerializer):
    token = serializers.CharField(max_length=100)


class MemberUpdateSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (``backend.api.errors``)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    # DRF's serializer metaclass takes declared fields off the class, so this field does not
    # replace Serializer.errors; the stubs see a plain class attribute.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_('Per field, question code or "row N": the messages.'),
    )
