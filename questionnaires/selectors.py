"""Reading questionnaire templates, and fetch-and-authorize helpers.

Visibility: the shared library and the templates of the buyers where the user issues audits
or manages templates (``Questionnaire.objects.visible_to``). Suppliers never list templates; they
see a version only through an audit they can see. Changing a template needs
``accounts.manage_templates`` on its owner; library templates are read-only through the API.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.permissions import has_org_perm, organizations_with_perm
from questionnaires.models import Questionnaire, QuestionnaireVersion

MANAGE = "accounts.manage_templates"
VIEW_PERMS = ("accounts.issue_audits", MANAGE)


def can_list_templates(user: User) -> bool:
    """Only buyer members who issue audits or manage templates see the template catalogue."""
    return any(organizations_with_perm(user, perm).exists() for perm in VIEW_PERMS)


def questionnaire_list(*, user: User) -> QuerySet[Questionnaire]:
    """The library and the caller's buyers' templates, with their versions (two queries)."""
    return (
        Questionnaire.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related(
            Prefetch("versions", queryset=QuestionnaireVersion.objects.order_by("-number"))
        )
        .order_by("owner_id", "code")
    )


def questionnaire_get_for(
    *, user: User, questionnaire_id: int, manage: bool = False
) -> Questionnaire:
    """The questionnaire if the caller may see it (else 404); with ``manage=True`` also the
    right to change it (else 403: library templates and other roles)."""
    questionnaire = (
        Questionnaire.objects.visible_to(user)
        .select_related("owner")
        .filter(pk=questionnaire_id)
        .first()
    )
    if questionnaire is None:
        raise Http404("No such questionnaire.")
    if manage:
        _require_manage(user, questionnaire)
    return questionnaire


def _require_manage(user: User, questionnaire: Questionnaire) -> None:
    if questionnaire.owner is None:
        raise PermissionDenied(_("Library templates are read-only; create your own version."))
    if not has_org_perm(user, MANAGE, questionnaire.owner):
        raise PermissionDenied(_("Only the buyer's administrators manage templates."))


def version_get_for(
    *, user: User, questionnaire_id: int, number: int, manage: bool = False
) -> QuestionnaireVersion:
    """A version of a questionnaire the caller may see, or one used by an audit the caller may
    see (suppliers); 404 otherwise. ``manage=True`` also requires the right to change it."""
    version = (
        QuestionnaireVersion.objects.select_related("questionnaire", "questionnaire__owner")
        .filter(questionnaire_id=questionnaire_id, number=number)
        .first()
    )
    if version is None:
        raise Http404("No such questionnaire version.")
    visible = Questionnaire.objects.visible_to(user).filter(pk=questionnaire_id).exists()
    through_audit = (
        not visible
        and not manage
        # ``audits`` is the reverse of Audit.questionnaire_version: the audits app (above this
        # one) decides which audits the user sees, and questionnaires need not import it.
        and version.audits.visible_to(user).exists()
    )
    if not visible and not through_audit:
        raise Http404("No such questionnaire version.")
    if manage:
        _require_manage(user, version.questionnaire)
    return version


def template_owner_for(*, user: User, owner_id: int | str | None) -> Organization:
    """The buyer a new template belongs to: ``owner_id`` if given, else the caller's only buyer
    where they manage templates. 403 if they manage none; 400 if ambiguous or not theirs."""
    buyers = organizations_with_perm(user, MANAGE).filter(kind=Organization.Kind.BUYER)
    if owner_id in (None, ""):
        owners = list(buyers[:2])
        if not owners:
            raise PermissionDenied(_("Only a buyer's administrators create templates."))
        if len(owners) > 1:
            raise ValidationError({"owner": [_("You manage several buyers; choose one.")]})
        return owners[0]
    try:
        owner = buyers.filter(pk=int(owner_id)).first()
    except (TypeError, ValueError):
        owner = None
    if owner is None:
        raise ValidationError({"owner": [_("Not a buyer whose templates you manage.")]})
    return owner
