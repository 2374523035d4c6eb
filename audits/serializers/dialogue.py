"""Serializers of the review dialogue: the return with comments on single questions, the
comments, the changes since the last submission and the last decision."""

from __future__ import annotations

from rest_framework import serializers

from audits.models import QuestionComment
from audits.serializers.audits import UserRefSerializer
from backend.api.inputs import reject_unknown_fields

QUESTION_COMMENT_FIELDS = ("question", "text")


class QuestionCommentItemField(serializers.DictField):
    """One comment of a return: ``{question, text}``; any other key is a 400. The service
    checks the code and the text (a message per item)."""

    def to_internal_value(self, data):
        reject_unknown_fields(data, QUESTION_COMMENT_FIELDS)
        return super().to_internal_value(data)


class ReturnSerializer(serializers.Serializer):
    """The return's body. Other top-level fields are ignored, as by ``CommentSerializer`` of
    the other moves (clients post ``comment`` and ``reason`` alike to every move); an unknown
    key inside a ``question_comments`` item is a 400."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")
    question_comments = serializers.ListField(
        child=QuestionCommentItemField(child=serializers.CharField(allow_blank=True)),
        required=False,
        default=list,
        max_length=500,
        help_text="Comments on single questions: [{question: code, text}].",
    )


class QuestionCommentSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question_code")
    author = UserRefSerializer(allow_null=True)
    resolved_by = UserRefSerializer(allow_null=True)
    submission = serializers.IntegerField(
        source="submission.number",
        allow_null=True,
        help_text="The number of the submission the reviewer commented on (the round).",
    )
    resolved = serializers.SerializerMethodField()

    class Meta:
        model = QuestionComment
        fields = [
            "id",
            "question",
            "text",
            "author",
            "created_at",
            "submission",
            "resolved",
            "resolved_by",
            "resolved_at",
        ]

    def get_resolved(self, comment: QuestionComment) -> bool:
        return comment.resolved_at is not None


class _AnswerStateSerializer(serializers.Serializer):
    value = serializers.JSONField(allow_null=True)
    not_applicable = serializers.BooleanField()


class _FileRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QuestionChangeSerializer(serializers.Serializer):
    question = serializers.CharField()
    before = _AnswerStateSerializer()
    after = _AnswerStateSerializer()
    answer_changed = serializers.BooleanField()
    files_added = _FileRefSerializer(many=True)
    files_removed = _FileRefSerializer(many=True)


class _SinceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class ChangesSerializer(serializers.Serializer):
    """``since``: the submission compared with (null on a first submission, with no
    ``questions``)."""

    since = _SinceSerializer(allow_null=True)
    questions = QuestionChangeSerializer(many=True)
