"""Supplier certificates: reads (who sees which), writes (the supplier admin's), verification
(a buyer working with the supplier) and expiry reminders.

Visibility: a supplier's members read its certificates; the buyers with an active
relationship to the supplier read them too (members who may view the supplier network).
Only the supplier's admins add, change and delete them; a buyer's admins and officers verify
them. A change to what a certificate says (type, level, number, dates, document) clears its
verification: the buyer verified the old one.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import notify
from accounts.models import Membership, Organization, User
from accounts.permissions import has_org_perm, org_ids_with_perm
from activity.events import Verb, certificate_event
from backend.errors import Conflict
from backend.uploads import EXTENSIONS, STORAGE_ERRORS, atomic_with_files, validate_upload
from scoring.engine import CERTIFICATE_LEVELS, HeldCertificate

from .models import Certificate, SupplierRelationship

logger = logging.getLogger(__name__)

Kind = Certificate.Kind
#: Fields whose change clears a verification.
VERIFIED_FIELDS = ("kind", "name", "level", "number", "valid_from", "valid_to")
EDITABLE_FIELDS = ("kind", "name", "level", "issuer", "number", "scope", "valid_from", "valid_to")
#: How many days before the end of validity the supplier's admins are reminded.
REMIND_DAYS = 30

# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def certificate_list_for(*, user: User, supplier_id: int | None = None) -> QuerySet[Certificate]:
    """The certificates ``user`` may read (of one supplier when ``supplier_id`` is given)."""
    qs = Certificate.objects.visible_to(user).select_related(
        "supplier", "verified_by", "verified_buyer"
    )
    return qs if supplier_id is None else qs.filter(supplier_id=supplier_id)


def verifying_buyer(user: User, supplier_id: int) -> Organization | None:
    """A buyer where ``user`` manages suppliers and that works with the supplier, or None."""
    buyers = org_ids_with_perm(user, "accounts.manage_suppliers", kind=Organization.Kind.BUYER)
    link = (
        SupplierRelationship.objects.filter(buyer_id__in=buyers, supplier_id=supplier_id)
        .filter(active=True)
        .select_related("buyer")
        .order_by("buyer_id")
        .first()
    )
    return link.buyer if link is not None else None


def certificate_get_for(*, user: User, certificate_id: int, action: str = "view") -> Certificate:
    """The certificate if ``user`` may read it (else 404) and, for ``action`` "change" (the
    supplier's admins) or "verify" (a working buyer's admins and officers), do that (else
    403)."""
    cert = certificate_list_for(user=user).filter(pk=certificate_id).first()
    if cert is None:
        raise Http404(_("No such certificate."))
    if action == "change" and not has_org_perm(user, "accounts.change_organization", cert.supplier):
        raise PermissionDenied(_("Only the supplier's administrators manage its certificates."))
    if action == "verify" and verifying_buyer(user, cert.supplier_id) is None:
        raise PermissionDenied(_("Only a buyer's administrators and officers verify certificates."))
    return cert


def supplier_for(*, user: User, supplier_id: int | None) -> Organization:
    """The supplier whose certificates ``user`` adds: the given one if the user belongs to it
    (else 404) as an admin (else 403); without an id, the one supplier the user administers."""
    if supplier_id is not None:
        supplier = Organization.objects.visible_to(user).suppliers().filter(pk=supplier_id).first()
        if supplier is None:
            raise Http404(_("No such supplier."))
        if not has_org_perm(user, "accounts.change_organization", supplier):
            raise PermissionDenied(_("Only the supplier's administrators manage its certificates."))
        return supplier
    ids = org_ids_with_perm(user, "accounts.change_organization", kind=Organization.Kind.SUPPLIER)
    if not ids:
        raise PermissionDenied(_("Only the supplier's administrators manage its certificates."))
    if len(ids) > 1:
        raise ValidationError({"supplier": _("You belong to several suppliers: say which one.")})
    return Organization.objects.get(pk=ids[0])


def held_certificates(supplier_id: int) -> tuple[HeldCertificate, ...]:
    """The supplier's certificates as the scoring engine takes them."""
    return held_certificates_of([supplier_id]).get(supplier_id, ())


def held_certificates_of(supplier_ids: Iterable[int]) -> dict[int, tuple[HeldCertificate, ...]]:
    """The certificates of many suppliers, by supplier id, in one query."""
    rows = Certificate.objects.filter(supplier_id__in=list(supplier_ids)).values_list(
        "supplier_id", "pk", "kind", "valid_from", "valid_to", "number", "level", "verified_at"
    )
    held: dict[int, list[HeldCertificate]] = defaultdict(list)
    for supplier_id, pk, kind, valid_from, valid_to, number, level, verified_at in rows:
        held[supplier_id].append(
            HeldCertificate(
                id=pk,
                kind=kind,
                valid_from=valid_from,
                valid_to=valid_to,
                number=number,
                level=level,
                verified=verified_at is not None,
            )
        )
    return {supplier_id: tuple(certs) for supplier_id, certs in held.items()}


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check a certificate's fields together; a 400 with a message per field."""
    errors: dict[str, list[str]] = {}
    kind = values.get("kind")
    levels = CERTIFICATE_LEVELS.get(str(kind), ())
    level = str(values.get("level") or "").strip()
    if kind == Kind.RBA_VAP:
        level = level.lower()
    elif kind == Kind.AMFORI_BSCI:
        level = level.upper()
    if levels and level not in levels:
        errors["level"] = [_("Choose one of: %(levels)s.") % {"levels": ", ".join(levels)}]
    elif not levels and level:
        errors["level"] = [_("This type of certificate has no level.")]
    name = str(values.get("name") or "").strip()
    if kind == Kind.OTHER and not name:
        errors["name"] = [_("Name the certificate.")]
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = [_("The end of validity comes before its start.")]
    if errors:
        raise ValidationError(errors)
    return {**values, "level": level, "name": name if kind == Kind.OTHER else ""}


def _store_document(cert: Certificate, file) -> None:
    """Check ``file`` like evidence and attach it (written now, removed on rollback)."""
    content_type, size, sha256 = validate_upload(file)
    cert.document_name = (getattr(file, "name", "") or "certificate").rsplit("/", 1)[-1][:255]
    cert.document_type, cert.document_size, cert.document_sha256 = content_type, size, sha256
    try:
        cert.document.save(f"upload.{EXTENSIONS[content_type]}", File(file), save=False)
    except STORAGE_ERRORS as exc:
        logger.exception("Storage refused a certificate of supplier %s", cert.supplier_id)
        raise ValidationError(
            {"document": [_("The file could not be stored just now; nothing was saved.")]},
            code="storage_unavailable",
        ) from exc


def _delete_file_on_commit(name: str, storage) -> None:
    if name:
        transaction.on_commit(partial(storage.delete, name))


def _document_errors(exc: ValidationError) -> ValidationError:
    """``validate_upload`` speaks of ``file``; here the field is ``document``."""
    return ValidationError({"document": exc.message_dict.get("file", exc.messages)})


def certificate_create(
    *, supplier: Organization, actor: User | None, document=None, **values: Any
) -> Certificate:
    """Record a certificate of ``supplier`` (its admins only: 403), with its document checked
    like evidence (400 ``document``), the values checked together (400 per field)."""
    if actor is not None and not has_org_perm(actor, "accounts.change_organization", supplier):
        raise PermissionDenied(_("Only the supplier's administrators manage its certificates."))
    cert = Certificate(supplier=supplier, created_by=actor, **_clean(values))
    with atomic_with_files() as written:
        if document is not None:
            try:
                _store_document(cert, document)
            except ValidationError as exc:
                raise _document_errors(exc) from exc
            written.append((cert.document.storage, str(cert.document.name)))
        cert.save()
        certificate_event(Verb.CERTIFICATE_ADDED, actor=actor, certificate=cert)
    return cert


def certificate_update(
    *, certificate: Certificate, actor: User | None, document=None, **changes: Any
) -> Certificate:
    """Change a certificate (its supplier's admins only: 403); a change of what it certifies
    or a new document clears the verification. The old document goes after commit."""
    if actor is not None and not has_org_perm(
        actor, "accounts.change_organization", certificate.supplier
    ):
        raise PermissionDenied(_("Only the supplier's administrators manage its certificates."))
    current = {f: getattr(certificate, f) for f in EDITABLE_FIELDS}
    values = _clean(current | {k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
    changed = [f for f in EDITABLE_FIELDS if values[f] != current[f]]
    with atomic_with_files() as written:
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        for field in changed:
            setattr(cert, field, values[field])
        if document is not None:
            old = (str(cert.document.name), cert.document.storage)
            try:
                _store_document(cert, document)
            except ValidationError as exc:
                raise _document_errors(exc) from exc
            written.append((cert.document.storage, str(cert.document.name)))
            _delete_file_on_commit(*old)
            changed += ["document"]
        if any(f in VERIFIED_FIELDS or f == "document" for f in changed):
            cert.verified_at = cert.verified_by = cert.verified_buyer = None
        cert.save()
        certificate_event(
            Verb.CERTIFICATE_UPDATED, actor=actor, certificate=cert, changed=sorted(changed)
        )
    return cert


@transaction.atomic
def certificate_delete(*, certificate: Certificate, actor: User | None) -> None:
    """Delete a certificate (its supplier's admins only: 403); its document goes after
    commit."""
    if actor is not None and not has_org_perm(
        actor, "accounts.change_organization", certificate.supplier
    ):
        raise PermissionDenied(_("Only the supplier's administrators manage its certificates."))
    certificate_event(Verb.CERTIFICATE_DELETED, actor=actor, certificate=certificate)
    _delete_file_on_commit(str(certificate.document.name), certificate.document.storage)
    certificate.delete()


@transaction.atomic
def certificate_verify(
    *, certificate: Certificate, actor: User, buyer: Organization | None = None
) -> Certificate:
    """Mark a certificate verified by ``actor`` for ``buyer`` (default: a buyer of the actor
    that works with the supplier), whose suppliers the actor manages (403 otherwise); 409 when
    it is already verified."""
    if buyer is None:
        buyer = verifying_buyer(actor, certificate.supplier_id)
    elif not (
        has_org_perm(actor, "accounts.manage_suppliers", buyer)
        and SupplierRelationship.objects.filter(
            buyer=buyer, supplier_id=certificate.supplier_id, active=True
        ).exists()
    ):
        buyer = None
    if buyer is None:
        raise PermissionDenied(_("Only a buyer's administrators and officers verify certificates."))
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.verified_at is not None:
        raise Conflict(_("This certificate is already verified."), code="already_verified")
    cert.verified_at, cert.verified_by, cert.verified_buyer = timezone.now(), actor, buyer
    cert.save(update_fields=["verified_at", "verified_by", "verified_buyer", "updated_at"])
    certificate_event(Verb.CERTIFICATE_VERIFIED, actor=actor, certificate=cert, buyer=buyer.pk)
    return cert


# ---------------------------------------------------------------------------------------------
# Expiry reminders
# ---------------------------------------------------------------------------------------------

EXPIRY_MAIL = "suppliers/email/certificate_expiry"


def send_certificate_reminders(*, today: datetime.date) -> int:
    """Mail the supplier's admins about each certificate whose validity ends within
    ``REMIND_DAYS`` days, once per validity (``reminded_for``): running twice sends nothing
    more, and a renewed certificate (a new ``valid_to``) is reminded again. Returns the number
    of mails scheduled."""
    due = Certificate.objects.filter(
        valid_to__gte=today, valid_to__lte=today + datetime.timedelta(days=REMIND_DAYS)
    ).exclude(reminded_for=F("valid_to"))
    sent = 0
    for cert in due.select_related("supplier"):
        with transaction.atomic():
            claimed = (
                Certificate.objects.filter(pk=cert.pk)
                .exclude(reminded_for=F("valid_to"))
                .update(reminded_for=F("valid_to"))
            )
            if not claimed:
                continue  # a parallel run took it
            admins = User.objects.filter(
                is_active=True,
                memberships__organization_id=cert.supplier_id,
                memberships__role=Membership.Role.ADMIN,
            )
            sent += notify(admins, EXPIRY_MAIL, _expiry_context(cert, today))
            certificate_event(Verb.CERTIFICATE_EXPIRY_REMINDED, actor=None, certificate=cert)
    return sent


def _expiry_context(cert: Certificate, today: datetime.date) -> dict[str, Any]:
    return {
        "certificate_id": cert.pk,
        "certificate": cert.title,
        "number": cert.number,
        "supplier_name": cert.supplier.name,
        "valid_to": cert.valid_to,
        "days_left": (cert.valid_to - today).days,
    }
