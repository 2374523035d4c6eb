"""The readable words of the register's codes in one language, from Django's catalogue (the
model choices and the industry table), for the XLSX and CSV writers (``columns.Labels``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.industries import INDUSTRIES, industry_name
from accounts.models import Organization
from actions.models import CorrectiveAction
from audits.models import Audit
from questionnaires.models import Category
from rulesets.models import Rating
from scoring.models import Severity
from scoring.risk import UNKNOWN
from suppliers.models import SupplierRelationship

from .columns import PRIORITY_NOTE_INHERENT_UNKNOWN, Labels


def register_labels(language: str) -> Labels:
    """``{code list: {code: word}}`` in ``language`` (``en`` / ``zh-Hans``); see
    ``columns.Column.codes`` for which column uses which list. ``method_text`` holds the
    Method sheet's plain-words explanation per topic (``columns.METHOD_TOPICS``)."""
    with translation.override(language):
        words: dict[str, dict[Any, str]] = {
            name: {code: str(text) for code, text in choices}
            for name, choices in (
                ("rating", Rating.choices),
                ("severity", Severity.choices),
                ("size_class", Organization.SizeClass.choices),
                ("csr_category", Category.choices),
                ("action_status", CorrectiveAction.Status.choices),
                ("criticality", SupplierRelationship.Criticality.choices),
                ("audit_status", Audit.Status.choices),
                ("country", countries),
            )
        }
        words["industry"] = {code: industry_name(code, language) for code in INDUSTRIES}
        words["bool"] = {True: _("Yes"), False: _("No")}
        words["inherent"] = {**words["rating"], UNKNOWN: _("Unknown")}
        words["priority_note"] = {
            PRIORITY_NOTE_INHERENT_UNKNOWN: _("Inherent risk unknown: counted as medium")
        }
        words["method_text"] = _method_text()
    return words


def _method_text() -> dict[str, str]:
    """How the register's figures are made, in the active language, with the address of the
    full method page (the configured site URL and the portal's route, never request data)."""
    url = settings.SITE_URL.rstrip("/") + reverse("portal:method")
    return {
        "score": _(
            "Each answer earns points under the rule set. A category score is the share of the "
            "points available in that category (0 to 100); the overall score is the weighted "
            "mean of the category scores (weights below)."
        ),
        "rating": _(
            "The rating is the band of the overall score (bands below). Findings can make it "
            "worse: each severity sets the best rating a supplier can keep (floors below). The "
            "Rating reason column says which applied."
        ),
        "inherent": _(
            "Inherent risk is the higher of the country and the industry risk level of the "
            "reference tables; Unknown when the tables cannot place the supplier."
        ),
        "priority": _(
            "Priority combines the rating and the inherent risk: P1 needs attention first, P4 "
            "last. A supplier not yet assessed counts like a high rating, an unknown inherent "
            "risk like a medium one."
        ),
        "expiry": _(
            "A score expires when the re-assessment interval of its priority has passed since "
            "the audit was accepted: the buyer's re-assessment policy, by default 12 months for "
            "P1, 18 for P2, 24 for P3 and 36 for P4."
        ),
        "full_method": _("The full method: %(url)s") % {"url": url},
    }
