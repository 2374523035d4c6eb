"""Import a buyer's suppliers from a CSV or XLSX file (columns: docs/suppliers.md).

Every row is validated first; one bad row rejects the whole file with every problem listed
per row (``"row 3": ["country: 'XX' is not an ISO 3166 country code"]``, the header being row
1 as in a spreadsheet), and nothing is saved. A good file is saved in one transaction. The
import is idempotent on (buyer, legal id): importing the same file again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.industries import validate_industry
from accounts.models import Organization, User
from accounts.permissions import has_org_perm
from accounts.services import validate_country, validate_language
from activity.events import Verb, organization_event

from .models import SupplierRelationship
from .reading import read_table
from .selectors import existing_supplier_legal_ids
from .services import normalize_legal_id, supplier_add

REQUIRED_COLUMNS = ("legal_id", "name", "country", "industry", "size_class")
OPTIONAL_COLUMNS = (
    "province",
    "headcount",
    "buyer_ref",
    "criticality",
    "category",
    "admin_email",
    "admin_name",
    "admin_language",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_LENGTHS = {
    "legal_id": 64,
    "name": 200,
    "province": 100,
    "buyer_ref": 64,
    "category": 100,
    "admin_name": 150,
}
HEADER_ROW = 1


def _max_rows() -> int:
    return getattr(settings, "FAIRLINK_IMPORT_MAX_ROWS", 5000)


def _row_key(number: int) -> str:
    return f"row {number}"


@dataclass
class ImportSummary:
    created: int = 0
    linked: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "linked": self.linked,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class SupplierValues(TypedDict):
    """One row, cleaned: what ``supplier_add`` takes."""

    legal_id: str
    name: str
    country: str
    industry: str
    size_class: str
    province: str
    headcount: int | None
    buyer_ref: str
    criticality: str
    category: str
    admin_email: str
    admin_name: str
    admin_language: str


@dataclass
class _Row:
    number: int
    values: SupplierValues


# -- validating ------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _header_errors(columns: list[str]) -> list[str]:
    errors = []
    counts = Counter(columns)
    for column, count in counts.items():
        if count > 1:
            errors.append(_("column '%(c)s' appears %(n)d times") % {"c": column, "n": count})
    for column in columns:
        if column not in COLUMNS:
            errors.append(
                _("unknown column '%(c)s' (allowed: %(allowed)s)")
                % {"c": column, "allowed": ", ".join(COLUMNS)}
            )
    for column in REQUIRED_COLUMNS:
        if column not in counts:
            errors.append(_("missing required column '%(c)s'") % {"c": column})
    return errors


def _validate_row(raw: dict[str, str], existing: set[str]) -> tuple[SupplierValues, list[str]]:
    """Clean one row; returns the values and a message per bad column."""
    errors: list[str] = []

    def bad(column: str, message: str) -> None:
        errors.append(f"{column}: {message}")

    def text(column: str) -> str:
        return raw.get(column, "")

    for column, limit in MAX_LENGTHS.items():
        if len(text(column)) > limit:
            bad(column, _("longer than %(n)d characters") % {"n": limit})

    values = SupplierValues(
        legal_id=normalize_legal_id(text("legal_id")),
        name=text("name"),
        country=text("country"),
        industry=text("industry"),
        size_class=text("size_class"),
        province=text("province"),
        headcount=None,
        buyer_ref=text("buyer_ref"),
        criticality=text("criticality"),
        category=text("category"),
        admin_email=text("admin_email"),
        admin_name=text("admin_name"),
        admin_language=text("admin_language"),
    )
    legal_id = values["legal_id"]
    if not legal_id:
        bad("legal_id", _("required"))
    is_new = legal_id not in existing
    if not values["name"] and is_new:
        bad("name", _("required for a supplier not yet on Fairlink"))
    _clean_profile(values, text("headcount"), is_new, bad)
    _clean_criticality(values, bad)
    _clean_admin(values, bool(legal_id) and is_new, bad)
    return values, errors


def _clean_profile(
    values: SupplierValues, headcount: str, is_new: bool, bad: Callable[[str, str], None]
) -> None:
    """Country, industry, size class (required for a new supplier) and headcount."""
    country = values["country"]
    if country or is_new:
        try:
            values["country"] = validate_country(country)
        except ValidationError as exc:
            bad("country", exc.messages[0] if country else _("required"))

    industry = values["industry"]
    if industry or is_new:
        try:
            values["industry"] = validate_industry(industry)
        except ValidationError as exc:
            bad("industry", exc.messages[0] if industry else _("required"))

    size_class = values["size_class"].lower()
    values["size_class"] = size_class
    if (size_class or is_new) and size_class not in Organization.SizeClass.values:
        bad(
            "size_class",
            _("'%(v)s' is not one of: %(choices)s")
            % {"v": values["size_class"], "choices": ", ".join(Organization.SizeClass.values)},
        )

    if headcount:
        try:
            number = float(str(headcount).replace(",", ""))
            if number < 0 or number != int(number):
                raise ValueError
            values["headcount"] = int(number)
        except ValueError:
            bad("headcount", _("'%(v)s' is not a whole number") % {"v": headcount})
    else:
        values["headcount"] = None


def _clean_criticality(values: SupplierValues, bad: Callable[[str, str], None]) -> None:
    criticality = values["criticality"].lower() or SupplierRelationship.Criticality.MEDIUM
    values["criticality"] = criticality
    if criticality not in SupplierRelationship.Criticality.values:
        bad(
            "criticality",
            _("'%(v)s' is not one of: %(choices)s")
            % {
                "v": criticality,
                "choices": ", ".join(SupplierRelationship.Criticality.values),
            },
        )


def _clean_admin(
    values: SupplierValues, needs_admin: bool, bad: Callable[[str, str], None]
) -> None:
    """The first administrator's email (required for a supplier not yet on Fairlink) and
    language."""
    email = values["admin_email"].lower()
    values["admin_email"] = email
    if email:
        try:
            validate_email(email)
        except ValidationError:
            bad("admin_email", _("'%(v)s' is not an email address") % {"v": email})
    elif needs_admin:
        bad("admin_email", _("required for a supplier not yet on Fairlink"))

    language = values["admin_language"]
    if language:
        try:
            values["admin_language"] = validate_language(language)
        except ValidationError as exc:
            bad("admin_language", exc.messages[0])


def validate_table(frame: pd.DataFrame) -> list[_Row]:
    """Every row checked; raises one ValidationError listing all bad rows, else the rows."""
    columns = [str(c).strip().lower() for c in frame.columns]
    header = _header_errors(columns)
    if header:
        raise ValidationError({_row_key(HEADER_ROW): header})
    frame = frame.set_axis(columns, axis=1)
    records = frame.to_dict(orient="records")
    if len(records) > _max_rows():
        raise ValidationError({"file": _("At most %(n)d rows per file.") % {"n": _max_rows()}})
    legal_ids = [normalize_legal_id(r.get("legal_id")) for r in records]
    existing = existing_supplier_legal_ids(legal_ids=[x for x in legal_ids if x])

    rows: list[_Row] = []
    errors: dict[str, list[str]] = {}
    first_seen: dict[str, int] = {}
    for index, record in enumerate(records):
        number = index + HEADER_ROW + 1
        raw = {str(key): _text(value) for key, value in record.items()}
        if not any(raw.values()):
            continue  # a blank line in the sheet
        values, row_errors = _validate_row(raw, existing)
        legal_id = values["legal_id"]
        if legal_id:
            if legal_id in first_seen:
                row_errors.append(
                    _("legal_id: '%(v)s' is already on row %(n)d")
                    % {"v": legal_id, "n": first_seen[legal_id]}
                )
            else:
                first_seen[legal_id] = number
        if row_errors:
            errors[_row_key(number)] = row_errors
        rows.append(_Row(number=number, values=values))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError({"file": _("The file has no supplier rows.")})
    return rows


# -- the service -----------------------------------------------------------------------------


def suppliers_import(*, buyer: Organization, file, actor: User | None) -> ImportSummary:
    """Validate every row of ``file`` then save them all in one transaction.

    Raises ValidationError (400) with ``{"row N": [messages]}`` or ``{"file": [...]}`` and
    saves nothing when any row is bad. Returns counts of suppliers created (new on Fairlink,
    administrator invited), linked (already on Fairlink, new to this buyer), updated (the
    buyer's reference, criticality or category changed, or reactivated) and unchanged."""
    if actor is not None and not has_org_perm(actor, "accounts.manage_suppliers", buyer):
        raise PermissionDenied(_("You may not manage this buyer's suppliers."))
    rows = validate_table(read_table(file))
    summary = ImportSummary(rows=len(rows))
    with transaction.atomic():
        for row in rows:
            v = row.values
            try:
                result = supplier_add(
                    buyer=buyer,
                    legal_id=v["legal_id"],
                    name=v["name"],
                    country=v["country"],
                    industry=v["industry"],
                    size_class=v["size_class"],
                    headcount=v["headcount"],
                    province=v["province"],
                    buyer_ref=v["buyer_ref"],
                    criticality=v["criticality"],
                    category=v["category"],
                    owner=actor if actor is not None and actor.is_authenticated else None,
                    admin_email=v["admin_email"],
                    admin_name=v["admin_name"],
                    admin_language=v["admin_language"],
                    actor=actor,
                    on_existing="update",
                )
            except ValidationError as exc:
                # A check only the database can make (e.g. the invited admin is already a
                # member elsewhere in a conflicting way): report it on its row, save nothing.
                messages = (
                    [f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms]
                    if hasattr(exc, "error_dict")
                    else list(exc.messages)
                )
                raise ValidationError({_row_key(row.number): messages}) from exc
            setattr(summary, result.outcome, getattr(summary, result.outcome) + 1)
        organization_event(
            Verb.SUPPLIERS_IMPORTED,
            actor=actor,
            organization=buyer,
            data={"file": getattr(file, "name", ""), **summary.as_dict()},
        )
    return summary
