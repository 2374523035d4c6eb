"""Plain-language sentences about a score, in the active language, shared by the portal and
the risk register (the reasons themselves are ``scoring.risk.rating_reason``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rulesets.models import Rating

from .models import Severity
from .risk import RatingReason


def rating_reason_text(reason: RatingReason) -> str:
    """ "Score band: Medium risk", "Capped at High risk: 2 critical findings.", or "" for a
    supplier that is not rated."""
    rating = str(Rating(reason.rating).label) if reason.rating in Rating.values else reason.rating
    if reason.kind == "band":
        return _("Score band: %(rating)s") % {"rating": rating}
    if reason.kind != "capped":
        return ""
    if reason.severity is None:
        return _("Capped at %(rating)s by the findings.") % {"rating": rating}
    return ngettext(
        "Capped at %(rating)s: %(n)s %(severity)s finding.",
        "Capped at %(rating)s: %(n)s %(severity)s findings.",
        reason.count,
    ) % {
        "rating": rating,
        "n": reason.count,
        "severity": str(Severity(reason.severity).label).lower(),
    }
