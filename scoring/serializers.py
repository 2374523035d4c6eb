"""Output / input serializers of the scoring API. Texts come out in the caller's language
(``context["lang"]``, a content tag from ``accounts.languages.request_language``)."""

from __future__ import annotations

from django.utils import translation
from rest_framework import serializers

from accounts.languages import pick, to_django_language
from backend.api.rows import moments
from questionnaires.models import Category
from scoring.models import Finding, Severity

from .models import Rating, Score


def _label(choices, value: str | None, lang: str) -> str:
    if not value:
        return ""
    with translation.override(to_django_language(lang)):
        try:
            return str(choices(value).label)
        except ValueError:
            return value


def category_name(code: str, lang: str) -> str:
    return _label(Category, code, lang)


def localized_findings(findings: list[dict], lang: str) -> list[dict]:
    """Engine findings (``Score.findings``) with title and guidance in ``lang``."""
    return [
        {
            "code": f["code"],
            "severity": f["severity"],
            "severity_label": _label(Severity, f["severity"], lang),
            "category": f["category"],
            "category_name": category_name(f["category"], lang),
            "title": pick(f.get("title"), lang),
            "guidance": pick(f.get("guidance"), lang),
            "due_days": f.get("due_days"),
            "due_date": f.get("due_date"),
            "values": f.get("values", {}),
        }
        for f in findings
    ]


class ScoreCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.CharField(allow_null=True)
    score = serializers.CharField(allow_null=True)


class ScoreFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    severity_label = serializers.CharField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    title = serializers.CharField()
    guidance = serializers.CharField()
    due_days = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    values = serializers.DictField()


class ScoreSerializer(serializers.Serializer):
    """The score of an audit, as ``GET /api/v1/audits/{id}/score/`` returns it."""

    audit = serializers.IntegerField()
    ruleset = serializers.CharField(help_text="code@version")
    ruleset_id = serializers.IntegerField()
    final = serializers.BooleanField()
    released = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    overall = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    rating = serializers.ChoiceField(choices=Rating.choices)
    rating_label = serializers.CharField()
    categories = ScoreCategorySerializer(many=True)
    findings = ScoreFindingSerializer(many=True)
    trace = serializers.DictField()
    language = serializers.CharField()

    @staticmethod
    def payload(score: Score, *, released: bool, lang: str) -> dict:
        weights = score.ruleset.document.get("categories", {})
        return {
            "audit": score.audit_id,
            "ruleset": str(score.ruleset),
            "ruleset_id": score.ruleset_id,
            "final": score.final,
            "released": released,
            "created_at": score.created_at,
            "overall": score.overall,
            "rating": score.rating,
            "rating_label": _label(Rating, score.rating, lang),
            "categories": [
                {
                    "code": code,
                    "name": category_name(code, lang),
                    "weight": None if weights.get(code) is None else str(weights[code]),
                    "score": value,
                }
                for code, value in score.categories.items()
            ],
            "findings": localized_findings(score.findings, lang),
            "trace": score.trace,
            "language": lang,
        }


class FindingSerializer(serializers.ModelSerializer):
    """A recorded finding (final score) in the caller's language."""

    supplier = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    guidance = serializers.SerializerMethodField()
    category_name = serializers.SerializerMethodField()
    corrective_action = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "audit",
            "score",
            "supplier",
            "rule_code",
            "severity",
            "category",
            "category_name",
            "title",
            "guidance",
            "values",
            "corrective_action",
            "created_at",
        ]

    def _lang(self) -> str:
        return self.context.get("lang", "en")

    def get_supplier(self, obj: Finding) -> dict:
        supplier = obj.supplier
        return {"id": supplier.pk, "name": supplier.name}

    def get_title(self, obj: Finding) -> str:
        return pick(obj.title, self._lang())

    def get_guidance(self, obj: Finding) -> str:
        return pick(obj.guidance, self._lang())

    def get_category_name(self, obj: Finding) -> str:
        return category_name(obj.category, self._lang())

    def get_corrective_action(self, obj: Finding) -> dict | None:
        action = getattr(obj, "action", None)
        if action is None:
            return None
        return {"id": action.pk, "status": action.status, "due_date": action.due_date}


class FindingRowSerializer(FindingSerializer):
    """``FindingSerializer``'s output, built directly for the list's pages (the generic field
    machinery cost more than the rows' database work). Its schema is the parent's; a test
    holds both outputs equal."""

    def to_representation(self, instance: Finding) -> dict:
        lang = self._lang()
        action = getattr(instance, "action", None)
        return {
            "id": instance.pk,
            "audit": instance.audit_id,
            "score": instance.score_id,
            "supplier": {"id": instance.supplier_id, "name": instance.supplier.name},
            "rule_code": instance.rule_code,
            "severity": instance.severity,
            "category": instance.category,
            "category_name": category_name(instance.category, lang),
            "title": pick(instance.title, lang),
            "guidance": pick(instance.guidance, lang),
            "values": instance.values,
            "corrective_action": None
            if action is None
            else {"id": action.pk, "status": action.status, "due_date": action.due_date},
            **moments(instance, ("created_at",)),
        }
