from .actions import (
    CorrectiveAction,
    CorrectiveActionGroupObjectPermission,
    CorrectiveActionUserObjectPermission,
    Finding,
)
from .audits import (
    ActivityEvent,
    Answer,
    Audit,
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    Campaign,
    Evidence,
    ReminderLog,
)
from .questionnaires import Category, Question, Questionnaire, QuestionnaireVersion, Section

__all__ = [
    "ActivityEvent",
    "Answer",
    "Audit",
    "AuditGroupObjectPermission",
    "AuditUserObjectPermission",
    "Campaign",
    "Category",
    "CorrectiveAction",
    "CorrectiveActionGroupObjectPermission",
    "CorrectiveActionUserObjectPermission",
    "Evidence",
    "Finding",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "ReminderLog",
    "Section",
]
