"""The demo steps run on audits made by the actions suite's fixture."""

from tests.actions.conftest import _fast_passwords, accepted_audit

__all__ = ["_fast_passwords", "accepted_audit"]
