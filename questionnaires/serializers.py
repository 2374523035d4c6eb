"""Input and output shapes of the questionnaire API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.languages import pick

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class DocumentInputSerializer(serializers.Serializer):
    """A template as JSON (the YAML structure of DESIGN section 5)."""

    document = serializers.DictField()
    owner = serializers.IntegerField(required=False)
    publish = serializers.BooleanField(default=False)


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=["yaml", "xlsx"], required=False)
    owner = serializers.IntegerField(required=False)
    publish = serializers.BooleanField(default=False)

    def validate_file(self, file):
        if file.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is larger than 5 MB."))
        return file

    def validate(self, attrs):
        if "format" not in attrs:
            name = (attrs["file"].name or "").lower()
            if name.endswith((".yaml", ".yml")):
                attrs["format"] = "yaml"
            elif name.endswith(".xlsx"):
                attrs["format"] = "xlsx"
            else:
                raise serializers.ValidationError(
                    {"format": [_("Give format (yaml or xlsx) or a .yaml / .xlsx file name.")]}
                )
        return attrs


class DraftInputSerializer(serializers.Serializer):
    document = serializers.DictField()


def version_summary(version) -> dict:
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        "languages": list(version.languages),
        "created_at": version.created_at.isoformat(),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "retired_at": version.retired_at.isoformat() if version.retired_at else None,
    }


def questionnaire_summary(questionnaire, lang: str) -> dict:
    """A catalogue entry; expects ``versions`` prefetched newest first."""
    versions = list(questionnaire.versions.all())
    languages = versions[0].languages if versions else []
    published = next((v for v in versions if v.status == "published"), None)
    return {
        "id": questionnaire.pk,
        "code": questionnaire.code,
        "title": pick(questionnaire.title, lang, languages),
        "library": questionnaire.owner_id is None,
        "owner": (
            {"id": questionnaire.owner_id, "name": questionnaire.owner.name}
            if questionnaire.owner_id
            else None
        ),
        "latest_published": published.number if published else None,
        "versions": [version_summary(v) for v in versions],
    }
