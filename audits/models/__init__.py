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

__all__ = [
    "ActivityEvent",
    "Answer",
    "Audit",
    "AuditGroupObjectPermission",
    "AuditUserObjectPermission",
    "Campaign",
    "CorrectiveAction",
    "CorrectiveActionGroupObjectPermission",
    "CorrectiveActionUserObjectPermission",
    "Evidence",
    "Finding",
    "ReminderLog",
]
