"""Users, organizations (buyer or supplier) and memberships with roles.

Each (organization, role) pair is carried by an auth ``Group`` so that django-guardian object
permissions can be granted to a whole organization role at once; a membership puts its user in
exactly one of those groups. Changing or removing a membership therefore takes effect on the
next request, since guardian reads permissions from the database every request.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Language(models.TextChoices):
    """Content languages. Values are BCP 47 tags as used in questionnaire files."""

    EN = "en", "English"
    ZH_HANS = "zh-Hans", "简体中文"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.EN
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Unread inbox entries, kept with the row so that every page shows the count for free.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def buyers(self) -> OrganizationQuerySet:
        return self.filter(kind=Organization.Kind.BUYER)

    def suppliers(self) -> OrganizationQuerySet:
        return self.filter(kind=Organization.Kind.SUPPLIER)

    def visible_to(self, user) -> OrganizationQuerySet:
        """Organizations the user is a member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organization(models.Model):
    class Kind(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SUPPLIER = "supplier", _("Supplier")

    class SizeClass(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_id = models.CharField(
        _("legal id"), max_length=64, help_text=_("Unified social credit code or company number")
    )
    country = CountryField(_("country"))
    province = models.CharField(_("province / region"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=8, help_text=_("ISIC Rev.4 division"))
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    # Buyers only: keep scores from suppliers until explicitly released.
    withhold_scores = models.BooleanField(_("withhold scores on acceptance"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "legal_id"], name="org_unique_legal_id_per_kind"
            )
        ]
        permissions = [
            ("manage_members", "Manage members"),
            ("manage_suppliers", "Manage the supplier network"),
            ("view_suppliers", "View the supplier network"),
            ("issue_audits", "Issue audits and campaigns"),
            ("view_all_audits", "View every audit of the organization"),
            ("manage_templates", "Manage questionnaires and rule sets"),
            ("export_register", "Export the risk register"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_buyer(self) -> bool:
        return self.kind == self.Kind.BUYER

    @property
    def is_supplier(self) -> bool:
        return self.kind == self.Kind.SUPPLIER


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user) -> MembershipQuerySet:
        """Memberships of the organizations the user belongs to (colleagues are visible)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organization__memberships__user=user).distinct()


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        OFFICER = "officer", _("Procurement officer")
        REVIEWER = "reviewer", _("Reviewer")
        RESPONDENT = "respondent", _("Respondent")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["admin", "officer", "reviewer", "respondent", "viewer"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class RoleGroup(models.Model):
    """The auth group that carries one role of one organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="role_groups"
    )
    role = models.CharField(max_length=12, choices=Membership.Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="fairlink_role")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "role"], name="rolegroup_unique")
        ]

    def __str__(self) -> str:
        return self.group.name


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class Invitation(models.Model):
    """An offer to join an organization with a role, accepted by the person owning ``email``.

    Adding someone by email never makes an existing account a member by itself: the account's
    owner accepts (logged in as that email), or, for an account created by the invitation,
    sets a first password through the mailed link. Only the SHA-256 of the token is stored."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=12, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "accepted_at"], name="invitation_email_open")]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organization} ({self.role})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Delivery(models.TextChoices):
    """How a user hears of one kind of notification."""

    IMMEDIATE = "immediate", _("Mail at once")
    DIGEST = "digest", _("Daily digest")
    INBOX = "inbox", _("Inbox only")


class Notification(models.Model):
    """One entry of a user's inbox: what a mail said (or would have said), with its link.

    ``name`` is the mail's template (``audits/email/returned``); ``context`` the data it was
    rendered from, so the inbox shows the subject in the reader's current language."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=24)
    context = models.JSONField(default=dict)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set for a digest delivery until the daily digest has listed it.
    digest_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(
                fields=["digest_pending", "user"],
                name="notification_digest_pending",
                condition=Q(digest_pending=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.user_id}"


class NotificationPreference(models.Model):
    """A user's choice of delivery for one kind; the default (no row) is mail at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_prefs")
    kind = models.CharField(max_length=24)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
