"""Rule-set payloads: the list row, the detail with its document, the import request."""

from __future__ import annotations

from rest_framework import serializers

from accounts.languages import pick
from rulesets.models import RuleSet


class RuleSetSerializer(serializers.ModelSerializer):
    # A plain string in the schema: several models have a "status" choice set.
    status = serializers.CharField(read_only=True, help_text="draft | published | retired")
    library = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()

    class Meta:
        model = RuleSet
        fields = [
            "id",
            "code",
            "version",
            "owner",
            "library",
            "questionnaire_code",
            "status",
            "title",
            "source_hash",
            "created_at",
            "published_at",
        ]

    def get_library(self, obj: RuleSet) -> bool:
        return obj.owner_id is None

    def get_title(self, obj: RuleSet) -> str:
        return pick(obj.title, self.context.get("lang", "en")) or obj.code


class RuleSetDetailSerializer(RuleSetSerializer):
    class Meta(RuleSetSerializer.Meta):
        fields = [*RuleSetSerializer.Meta.fields, "document"]


class RuleSetImportSerializer(serializers.Serializer):
    """One of ``document`` (the rule set as JSON), ``yaml`` (its YAML text) or ``file`` (a
    YAML upload). ``owner`` is the buyer, needed only for someone managing several."""

    document = serializers.DictField(required=False)
    yaml = serializers.CharField(required=False, trim_whitespace=False)
    file = serializers.FileField(required=False)
    owner = serializers.IntegerField(required=False)
    publish = serializers.BooleanField(default=False)

    def validate(self, attrs: dict) -> dict:
        given = [k for k in ("document", "yaml", "file") if attrs.get(k) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"document": ["Send exactly one of document, yaml or file."]}
            )
        return attrs
