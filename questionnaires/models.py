"""Questionnaire templates: Questionnaire -> QuestionnaireVersion -> Section -> Question.

Texts are dicts keyed by language tag (``{"en": ..., "zh-Hans": ...}``); see
``audits.i18n.pick`` for the fallback to the version's first language. A published version is
immutable: services refuse to change it (409) and audits keep pointing at it when retired.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import template_buyers


class Category(models.TextChoices):
    MANAGEMENT = "management", _("Responsibility management")
    EMPLOYEE = "employee", _("Employees")
    ENVIRONMENT = "environment", _("Environment")
    MARKET = "market", _("Market")
    COMMUNITY = "community", _("Community")


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def visible_to(self, user) -> QuestionnaireQuerySet:
        """The shared library plus the templates of buyers where the user manages templates
        or issues audits. Suppliers see none: they meet a version only through an audit."""
        if not user.is_authenticated:
            return self.none()
        buyers = template_buyers(user)
        if not buyers.exists():
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner__in=buyers))


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=64)
    owner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
        help_text=_("The buyer that owns it; empty for the shared library."),
    )
    title = models.JSONField(_("title"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(owner__isnull=True), name="questionnaire_library_code"
            ),
            models.UniqueConstraint(fields=["owner", "code"], name="questionnaire_owner_code"),
        ]

    def __str__(self) -> str:
        return self.code


class QuestionnaireVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    languages = models.JSONField(_("languages"), default=list)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    # sha256 of the canonical document it was loaded from; lets load_library stay idempotent.
    source_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["questionnaire__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code}@{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(max_length=32)
    position = models.PositiveIntegerField(default=0)
    title = models.JSONField(default=dict)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="section_unique")]

    def __str__(self) -> str:
        return self.code


class Question(models.Model):
    class Type(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTI_CHOICE = "multi_choice", _("Multiple choice")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Text")
        DATE = "date", _("Date")

    class Evidence(models.TextChoices):
        NONE = "none", _("None")
        OPTIONAL = "optional", _("Optional")
        REQUIRED = "required", _("Required")

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=32)
    type = models.CharField(max_length=16, choices=Type.choices)
    text = models.JSONField(default=dict)
    help = models.JSONField(default=dict, blank=True)
    # [{"value": "yes", "label": {"en": "...", "zh-Hans": "..."}}, ...]
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    allow_na = models.BooleanField(default=False)
    evidence = models.CharField(max_length=10, choices=Evidence.choices, default=Evidence.NONE)
    visible_if = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    refs = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    integer = models.BooleanField(default=False)
    unit = models.JSONField(default=dict, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["version", "section__position", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="question_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def choice_values(self) -> list[str]:
        if self.type == self.Type.YES_NO:
            return ["yes", "no"]
        return [c["value"] for c in self.choices]
