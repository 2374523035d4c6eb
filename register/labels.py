"""The readable words of the register's codes in one language, from Django's catalogue (the
model choices and the industry table), for the XLSX and CSV writers (``columns.Labels``)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.industries import INDUSTRIES, industry_name
from accounts.models import Organization
from actions.models import CorrectiveAction
from questionnaires.models import Category
from rulesets.models import Rating
from scoring.models import Severity
from suppliers.models import SupplierRelationship

from .columns import Labels


def register_labels(language: str) -> Labels:
    """``{code list: {code: word}}`` in ``language`` (``en`` / ``zh-Hans``); see
    ``columns.Column.codes`` for which column uses which list."""
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
            )
        }
        words["industry"] = {code: industry_name(code, language) for code in INDUSTRIES}
        words["bool"] = {True: _("Yes"), False: _("No")}
    return words
