"""Certificate pages: the supplier's list (add, edit, delete, upload; its admins only), the
document download for both sides, and the buyer's Verify button on its supplier page.

The services check the rights again; a certificate the user may not see, or one of another
organization than the one the user acts for now, is a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import has_org_perm
from suppliers.certificates import (
    certificate_create,
    certificate_delete,
    certificate_get_for,
    certificate_list_for,
    certificate_update,
    certificate_verify,
)
from suppliers.http import certificate_document_response
from suppliers.models import Certificate, SupplierRelationship
from suppliers.selectors import relationship_get_for

from ..http import PortalRequest
from ._helpers import add_errors, buyer_page, member_page, own, supplier_page
from .buyer import run

CHANGE = "accounts.change_organization"


class DateInput(forms.DateInput):
    input_type = "date"


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Certificate.Kind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name (for another type)"), max_length=200, required=False
    )
    level = forms.CharField(
        label=gettext_lazy("Level or rating"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("RBA VAP: platinum, gold or silver. amfori BSCI: A to E."),
    )
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=200)
    number = forms.CharField(label=gettext_lazy("Certificate number"), max_length=100)
    scope = forms.CharField(
        label=gettext_lazy("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=gettext_lazy("Valid to"), widget=DateInput)
    document = forms.FileField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy("The certificate or audit report: PDF, PNG, JPEG, DOCX or XLSX."),
    )


def _list_context(request: PortalRequest, form: CertificateForm | None = None) -> dict[str, Any]:
    organization = request.organization
    manager = has_org_perm(request.user, CHANGE, organization)
    return {
        "certificates": certificate_list_for(user=request.user, supplier_id=organization.pk),
        "manager": manager,
        "form": form or (CertificateForm() if manager else None),
    }


def _save(request: PortalRequest, form: CertificateForm, cert: Certificate | None):
    """Create or update from a valid form: (certificate or None, HTTP status)."""
    data = dict(form.cleaned_data)
    document = data.pop("document", None)
    if cert is None:
        result, errors, _conflict, status = run(
            lambda: certificate_create(
                supplier=request.organization, actor=request.user, document=document, **data
            )
        )
    else:
        result, errors, _conflict, status = run(
            lambda: certificate_update(
                certificate=cert, actor=request.user, document=document, **data
            )
        )
    if result is None:
        add_errors(form, ValidationError(errors or {}))
    return result, status


@supplier_page
def supplier_certificates(request: PortalRequest) -> HttpResponse:
    """GET the list (and, for admins, the form to add one); POST adds one."""
    if request.method != "POST":
        return render(request, "portal/supplier/certificates.html", _list_context(request))
    form = CertificateForm(request.POST, request.FILES)
    cert, status = _save(request, form, None) if form.is_valid() else (None, 400)
    if cert is None:
        context = _list_context(request, form)
        return render(request, "portal/supplier/certificates.html", context, status=status)
    messages.success(request, _("The certificate %(title)s was added.") % {"title": cert.title})
    return redirect("portal:supplier_certificates")


def _own_certificate(request: PortalRequest, certificate_id: int, action: str) -> Certificate:
    return own(
        request,
        certificate_get_for(user=request.user, certificate_id=certificate_id, action=action),
    )


@supplier_page
def supplier_certificate(request: PortalRequest, certificate_id: int) -> HttpResponse:
    """GET the edit form; POST ``action=save`` changes it, ``action=delete`` deletes it."""
    action = "change" if request.method == "POST" else "view"
    cert = _own_certificate(request, certificate_id, action)
    if request.method == "POST" and request.POST.get("action") == "delete":
        certificate_delete(certificate=cert, actor=request.user)
        messages.success(
            request, _("The certificate %(title)s was deleted.") % {"title": cert.title}
        )
        return redirect("portal:supplier_certificates")
    manager = has_org_perm(request.user, CHANGE, request.organization)
    if request.method != "POST":
        initial = {field: getattr(cert, field) for field in CertificateForm.base_fields}
        form = CertificateForm(initial=initial)
        return render(
            request,
            "portal/supplier/certificate_edit.html",
            {"cert": cert, "form": form, "manager": manager},
        )
    form = CertificateForm(request.POST, request.FILES)
    saved, status = _save(request, form, cert) if form.is_valid() else (None, 400)
    if saved is None:
        context = {"cert": cert, "form": form, "manager": manager}
        return render(request, "portal/supplier/certificate_edit.html", context, status=status)
    messages.success(request, _("The certificate %(title)s was saved.") % {"title": saved.title})
    return redirect("portal:supplier_certificates")


def _works_with(request: PortalRequest, supplier_id: int) -> bool:
    return SupplierRelationship.objects.filter(
        buyer=request.organization, supplier_id=supplier_id, active=True
    ).exists()


@member_page
def certificate_document(request: PortalRequest, certificate_id: int) -> HttpResponseBase:
    """The document, for the supplier's members and the buyers that work with it."""
    cert = certificate_get_for(user=request.user, certificate_id=certificate_id)
    if request.organization.is_supplier:
        own(request, cert)
    elif not _works_with(request, cert.supplier_id):
        raise Http404
    return certificate_document_response(cert)


@buyer_page
def buyer_certificate_verify(
    request: PortalRequest, relationship_id: int, certificate_id: int
) -> HttpResponse:
    """POST: mark a certificate of this supplier verified; back to the supplier page."""
    rel = own(request, relationship_get_for(user=request.user, relationship_id=relationship_id))
    cert = certificate_get_for(user=request.user, certificate_id=certificate_id, action="verify")
    if cert.supplier_id != rel.supplier_id:
        raise Http404
    if request.method != "POST":
        return redirect("portal:buyer_supplier", relationship_id=rel.pk)
    _result, _errors, conflict, _status = run(
        lambda: certificate_verify(certificate=cert, actor=request.user, buyer=request.organization)
    )
    if conflict:
        messages.error(request, conflict)
    else:
        messages.success(request, _("%(title)s is marked verified.") % {"title": cert.title})
    return redirect("portal:buyer_supplier", relationship_id=rel.pk)
