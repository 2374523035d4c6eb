"""The review dialogue's rows (DESIGN section 4): what each submission held (``Submission``)
and the reviewer's comments on single questions (``QuestionComment``).

Imported by ``audits.models`` (Django finds an app's models there); the audit is named by lazy
reference, so this module imports nothing from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """What one submit held: ``snapshot`` is ``{code: {"value", "not_applicable", "files":
    [{"id", "name"}]}}``, written in the submit's transaction; the reviewer's "changes since
    the returned submission" compare it with the answers now (``audits.selectors.dialogue``)."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="submission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} submission {self.number}"


class QuestionComment(models.Model):
    """A reviewer's comment on one question, made when returning the ``submission`` it is
    about (the round); the supplier reads it at the question until a reviewer resolves it."""

    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, related_name="question_comments"
    )
    submission = models.ForeignKey(
        "audits.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    question_code = models.CharField(max_length=64)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["audit", "question_code"], name="qcomment_audit_code")]

    def __str__(self) -> str:
        return f"{self.audit_id}:{self.question_code}"
