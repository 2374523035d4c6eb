"""A respondent named when a campaign issued the audit who is not a member of the supplier yet:
they were invited to it, and become the audit's respondent when they accept
(``flows.invitations``). Withdrawing the invitation drops the row; until then the supplier's
administrators see the name on the audit's page as invited, not yet accepted.

Imported by ``audits.models`` (Django finds an app's models there); the audit is named by lazy
reference, so this module imports nothing from it."""

from __future__ import annotations

from django.db import models


class PendingRespondent(models.Model):
    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, related_name="pending_respondents"
    )
    # Lower case, as the invitation stores it.
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "email"], name="pending_respondent_unique")
        ]
        indexes = [models.Index(fields=["email"], name="pending_respondent_email")]

    def __str__(self) -> str:
        return f"{self.email} -> audit {self.audit_id}"
