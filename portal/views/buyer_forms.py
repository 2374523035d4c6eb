"""Forms of the buyer pages: they only parse and label the input. Validation and permission
rules live in the services, whose errors are put back on these forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.languages import pick
from accounts.models import Membership, Organization, User
from questionnaires.models import QuestionnaireVersion
from questionnaires.selectors import questionnaire_list
from rulesets.models import RuleSet
from rulesets.selectors import rulesets_for
from suppliers.models import SupplierRelationship
from suppliers.selectors import relationship_list_for


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: QuestionnaireVersion) -> str:
        title = pick(obj.title, get_language(), obj.languages or ())
        return f"{obj.questionnaire.code} v{obj.number} — {title}"


class RuleSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RuleSet) -> str:
        return f"{obj.code} v{obj.version} ({obj.questionnaire_code})"


class SupplierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name} ({obj.legal_id})"


class SupplierMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name} ({obj.legal_id})"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


def _model_choices(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """A model choice field of ``form``; ``form.fields`` is typed with the base Field."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def _published_versions(user) -> QuerySet[QuestionnaireVersion]:
    return (
        QuestionnaireVersion.objects.filter(
            questionnaire__in=questionnaire_list(user=user).order_by(),
            status=QuestionnaireVersion.Status.PUBLISHED,
        )
        .select_related("questionnaire")
        .order_by("questionnaire__code", "-number")
    )


def _network(user, buyer: Organization):
    return Organization.objects.filter(
        pk__in=relationship_list_for(user=user)
        .filter(buyer=buyer, active=True)
        .values("supplier_id")
    ).order_by("name")


def _reviewer_choices(buyer: Organization):
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization=buyer,
            memberships__role__in=[
                Membership.Role.ADMIN,
                Membership.Role.OFFICER,
                Membership.Role.REVIEWER,
            ],
        )
        .distinct()
        .order_by("full_name", "email")
    )


class _TemplateFields(forms.Form):
    questionnaire_version = VersionChoiceField(
        label=_("Questionnaire version"), queryset=QuestionnaireVersion.objects.none()
    )
    ruleset = RuleSetChoiceField(
        label=_("Scoring rule set"),
        queryset=RuleSet.objects.none(),
        required=False,
        empty_label=_("(no scoring)"),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, buyer: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "questionnaire_version").queryset = _published_versions(user)
        _model_choices(self, "ruleset").queryset = (
            rulesets_for(user).published().order_by("code", "-version")
        )


class AuditIssueForm(_TemplateFields):
    supplier = SupplierChoiceField(label=_("Supplier"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Message to the supplier"), widget=forms.Textarea, required=False
    )
    reviewers = MemberMultipleChoiceField(
        label=_("Reviewers"), queryset=User.objects.none(), required=False
    )

    field_order = ["supplier", "questionnaire_version", "ruleset", "due_date", "title", "message"]

    def __init__(self, *args, user, buyer: Organization, **kwargs):
        super().__init__(*args, user=user, buyer=buyer, **kwargs)
        _model_choices(self, "supplier").queryset = _network(user, buyer)
        _model_choices(self, "reviewers").queryset = _reviewer_choices(buyer)


class CampaignForm(_TemplateFields):
    name = forms.CharField(
        label=_("Campaign name"),
        max_length=200,
        help_text=_("For your team only; suppliers do not see it."),
    )
    title = forms.CharField(
        label=_("Title for the suppliers"),
        max_length=200,
        required=False,
        help_text=_(
            "What each supplier reads as the audit's title. Leave it empty to use the questionnaire's title in the supplier's language."
        ),
    )
    message = forms.CharField(
        label=_("Message to the suppliers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown at the top of every supplier's audit and in the mail that announces it."
        ),
    )
    country = forms.CharField(
        label=_("Suppliers in country (ISO code, e.g. CN)"), max_length=2, required=False
    )
    criticality = forms.ChoiceField(
        label=_("Suppliers of criticality"),
        choices=[("", "—"), *SupplierRelationship.Criticality.choices],
        required=False,
    )
    category = forms.CharField(label=_("Suppliers in purchasing category"), required=False)
    suppliers = SupplierMultipleChoiceField(
        label=_("Or choose suppliers"), queryset=Organization.objects.none(), required=False
    )

    field_order = ["name", "title", "message", "questionnaire_version", "ruleset", "due_date"]

    def __init__(self, *args, user, buyer: Organization, **kwargs):
        super().__init__(*args, user=user, buyer=buyer, **kwargs)
        self.network = _network(user, buyer)
        _model_choices(self, "suppliers").queryset = self.network

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            key: (data.get(key) or "").strip().upper() if key == "country" else data.get(key)
            for key in ("country", "criticality", "category")
            if data.get(key)
        }

    def contact_rows(self) -> list[dict[str, Any]]:
        """One row per chosen supplier (ticked on the supplier list, or posted): the supplier
        and the contact typed for it, blank when its administrators answer."""
        data = cast("QueryDict", self.data)
        chosen = data.getlist("suppliers") if self.is_bound else self.initial["suppliers"]
        ids = [int(i) for i in chosen if str(i).isdigit()]
        suppliers = self.network.filter(pk__in=ids)
        return [
            {
                "supplier": supplier,
                "email": self.data.get(f"contact_email_{supplier.pk}", "").strip(),
                "full_name": self.data.get(f"contact_name_{supplier.pk}", "").strip(),
            }
            for supplier in suppliers
        ]

    def contacts(self) -> list[dict[str, Any]]:
        """The named contacts for ``campaign_create`` (rows left blank are not named)."""
        return [
            {"supplier": row["supplier"].pk, "email": row["email"], "full_name": row["full_name"]}
            for row in self.contact_rows()
            if row["email"] or row["full_name"]
        ]


class ReviewersForm(forms.Form):
    users = MemberMultipleChoiceField(label=_("Reviewers to assign"), queryset=User.objects.none())

    def __init__(self, *args, buyer: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "users").queryset = _reviewer_choices(buyer)


class DraftForm(_TemplateFields):
    """A draft's page: what may change before it is sent (``audit_update_draft``)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Message to the supplier"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    field_order = ["questionnaire_version", "ruleset", "due_date", "title", "message"]

    @classmethod
    def for_audit(cls, audit, *, user, buyer: Organization, data=None) -> DraftForm:
        initial = {
            "questionnaire_version": audit.questionnaire_version_id,
            "ruleset": audit.ruleset_id,
            "due_date": audit.due_date,
            "title": audit.title,
            "message": audit.message,
        }
        return cls(data, initial=initial, user=user, buyer=buyer)
