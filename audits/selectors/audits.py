"""Reads of audits: fetch-and-authorize, the filtered list, answers, evidence, events,
campaigns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, User
from accounts.permissions import (
    granted_ids,
    org_ids_with_perm,
    organizations_with_perm,
    sees_every_audit,
)
from activity.models import ActivityEvent
from audits.models import (
    Answer,
    Audit,
    AuditQuerySet,
    AuditTally,
    Campaign,
    Evidence,
    audit_visible,
)
from audits.share_models import shared_audit_ids
from backend.api.filters import FilterSet, tallied_filters
from scoring.engine import AnswerValue
from suppliers.selectors import supplier_text_matches

Status = Audit.Status


def _base() -> AuditQuerySet:
    return Audit.objects.select_related(
        "buyer", "supplier", "questionnaire_version__questionnaire", "ruleset", "campaign"
    )


def audit_get_for(
    *, user, audit_id: int, perm: str | None = None, answering: bool = False
) -> Audit:
    """The audit if ``user`` may see it (else 404) and, when ``perm`` is given, holds it on the
    audit (else 403 with a message). ``answering``: for reading and saving its answers, which
    never read the campaign (it is not joined) nor the rule set's document (about 25 kB of
    JSON; the compiled rule set is cached by the rule set's id): they are read lazily if
    ever."""
    # One row read by its key, then visibility decided on it (``audit_visible``, the same rule
    # as ``visible_to``): no permission rows read for the organization's members.
    audits = _base()
    if answering:
        audits = (
            audits.select_related(None)
            .select_related("buyer", "supplier", "questionnaire_version__questionnaire", "ruleset")
            .defer("ruleset__document")
        )
    audit = next(iter(audits.filter(pk=audit_id).order_by()[:1]), None)
    if audit is None or not audit_visible(user, audit):
        raise Http404
    if perm is not None and not user.has_perm(perm, audit):
        raise PermissionDenied(_("Your role does not allow this on this audit."))
    return audit


def audits_get_for(*, user, audit_ids: list[int]) -> list[Audit]:
    """Several audits by id, all visible to ``user``; a 400 naming the ids that are not (an
    invisible audit reads like one that does not exist)."""
    found = list(_base().visible_to(user).filter(pk__in=audit_ids))
    missing = sorted(set(audit_ids) - {a.pk for a in found})
    if missing:
        raise ValidationError(
            {
                "audits": [
                    _("No such audit: %(ids)s.") % {"ids": ", ".join(f"#{i}" for i in missing)}
                ]
            }
        )
    return found


class AuditFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    supplier = django_filters.NumberFilter(field_name="supplier_id")
    buyer = django_filters.NumberFilter(field_name="buyer_id")
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    questionnaire = django_filters.CharFilter(
        field_name="questionnaire_version__questionnaire__code"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Supplier name, legal id, the buyer's supplier reference, audit title or id.",
    )
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Audit
        fields = ["status", "supplier", "buyer", "campaign", "questionnaire", "overdue", "search"]

    def filter_search(self, queryset, name, value):
        return audit_search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


def audit_search(queryset: QuerySet[Audit], text: str) -> QuerySet[Audit]:
    """Audits whose supplier name, legal id or buyer reference (the audit's buyer's, for that
    supplier), title, or id (``123`` or ``#123``) contains ``text``; case-insensitive."""
    text = (text or "").strip()
    if not text:
        return queryset
    match = supplier_text_matches(text) | Q(title__icontains=text)
    number = text.removeprefix("#")
    if number.isdigit() and len(number) < 19:
        match |= Q(pk=int(number))
    return queryset.filter(match)


def audit_list_for(*, user) -> AuditQuerySet:
    """Every audit ``user`` may see, newest first, with what the lists read (constant queries).

    Lists send ids of the rule set and the campaign, not their contents: joining them would
    decode the rule set's document (about 25 kB of JSON) and a campaign's supplier list for
    every row. The message to the supplier is left for the detail view too."""
    return (
        Audit.objects.visible_to(user)
        .select_related("buyer", "supplier", "questionnaire_version__questionnaire")
        .defer("message", "questionnaire_version__description")
        .prefetch_related("respondents", "reviewers")
        .order_by("-created_at", "-pk")
    )


# What the API's audit list sends (``AuditSerializer``): the other columns of the audit and its
# related rows are not read. Each row costs the ORM per column read (datetimes above all).
API_LIST_COLUMNS = (
    "title",
    "status",
    "due_date",
    "ruleset_id",
    "campaign_id",
    "created_at",
    "issued_at",
    "submitted_at",
    "accepted_at",
    "cancelled_at",
    "buyer__name",
    "supplier__name",
    "questionnaire_version__number",
    "questionnaire_version__title",
    "questionnaire_version__questionnaire__code",
)


API_LIST_VALUES = ("id", "buyer_id", "supplier_id", "questionnaire_version_id", *API_LIST_COLUMNS)


def audit_api_list_for(*, user) -> AuditQuerySet:
    """``audit_list_for`` without its prefetches: the API's list reads each page as values of
    ``API_LIST_VALUES`` (a dict per row, no model instances), and the page's respondents and
    reviewers with ``audit_people``."""
    return audit_list_for(user=user).prefetch_related(None)


def audit_visibility_buyers(user) -> list[int] | None:
    """The buyers whose audits ``user`` sees when that is all ``audit_visibility`` lets them
    see (no supplier side, grant or share); None otherwise. Then the tally counts their
    lists."""
    buyers = org_ids_with_perm(user, "accounts.view_all_audits", kind=Organization.Kind.BUYER)
    if (
        not buyers
        or shared_audit_ids(user, buyers)
        or granted_ids(user, "audits.view_audit", Audit)
    ):
        return None
    if org_ids_with_perm(user, "accounts.view_all_audits", kind=Organization.Kind.SUPPLIER):
        return None
    return buyers


def audit_list_count(*, user, params) -> int | None:
    """How many audits the API's list filtered by ``params`` counts, from the tally when it
    can tell (``audit_visibility_buyers``, ``TallyQuerySet.count_for``); None: count them."""
    buyers, filters = audit_visibility_buyers(user), tallied_filters(params)
    if buyers is None or filters is None:
        return None
    return AuditTally.objects.count_for(buyers, **filters)


def audit_people(audit_ids: Iterable[int]) -> dict[int, dict[str, list[dict]]]:
    """The respondents and reviewers of the audits, by audit id and role, each person as
    ``{"id", "name"}`` ordered by email (``User``'s ordering): one query for both roles."""

    def role(relation, name: str) -> QuerySet:
        return (
            relation.through.objects.filter(audit_id__in=ids)
            .annotate(role=Value(name))
            .values_list("audit_id", "role", "user_id", "user__full_name", "user__email")
        )

    ids = list(audit_ids)
    people: dict[int, dict[str, list[dict]]] = {
        pk: {"respondents": [], "reviewers": []} for pk in ids
    }
    if not ids:
        return people
    rows = role(Audit.respondents, "respondents").union(
        role(Audit.reviewers, "reviewers"), all=True
    )
    for audit_id, name, user_id, full_name, email in sorted(rows, key=lambda row: row[4]):
        people[audit_id][name].append({"id": user_id, "name": full_name or email})
    return people


def _buyer_audits(user, buyer: Organization) -> AuditQuerySet:
    """The audits of ``buyer`` that ``user`` sees: all of them, without reading the user's
    grants and shares, when the user's role sees every audit of the buyer."""
    audits = Audit.objects.filter(buyer=buyer)
    return audits if sees_every_audit(user, buyer) else audits.visible_to(user)


def buyer_audit_counts(*, user, buyer: Organization) -> tuple[dict[str, int], int]:
    """The audits of ``buyer`` that ``user`` sees, per state, and how many are overdue. When
    the user's role sees every audit of the buyer (``audit_visibility``), they come from the
    tally (a few rows per supplier, however many audits there are); otherwise counted."""
    today = timezone.localdate()
    if sees_every_audit(user, buyer):
        by_status, late = AuditTally.objects.by_status(buyer.pk, today)
        return by_status, sum(late.get(status, 0) for status in Audit.OVERDUE_STATES)
    audits = _buyer_audits(user, buyer).order_by()
    by_status = dict(audits.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return by_status, audits.overdue(today).count()


def audits_to_review(*, user, buyer: Organization, limit: int) -> list[Mapping[str, Any]]:
    """The submitted audits of ``buyer`` waiting for review that ``user`` sees, latest
    submission first, as the dashboard lists them (a dict per audit: ``pk``, ``submitted_at``,
    ``supplier__name``, ``questionnaire_version__questionnaire__code``)."""
    audits = _buyer_audits(user, buyer).filter(status=Status.SUBMITTED)
    return list(
        audits.order_by("-submitted_at", "-pk").values(
            "pk", "submitted_at", "supplier__name", "questionnaire_version__questionnaire__code"
        )[:limit]
    )


def answers_for(audit: Audit) -> QuerySet[Answer]:
    """The audit's answers in questionnaire order, with the question's code and who saved
    each; the question's texts and the user's other columns are not read."""
    return (
        Answer.objects.filter(audit=audit)
        .select_related("question", "updated_by")
        .only(
            "audit_id",
            "value",
            "not_applicable",
            "updated_at",
            "question__code",
            "updated_by__full_name",
            "updated_by__email",
        )
        .order_by("question__section__position", "question__position")
    )


ANSWER_VALUES = (
    "question__code",
    "value",
    "not_applicable",
    "updated_at",
    "updated_by_id",
    "updated_by__full_name",
    "updated_by__email",
)


def answer_values_for(audit: Audit) -> list[dict[str, Any]]:
    """``answers_for`` read as values of ``ANSWER_VALUES`` (a dict per answer, no model
    instances): what the answer API sends."""
    return list(answers_for(audit).values(*ANSWER_VALUES))


def evidence_for(audit: Audit) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(audit=audit)
        .select_related("question", "uploaded_by")
        .order_by("created_at", "pk")
    )


def evidence_get_for(*, audit: Audit, evidence_id: int) -> Evidence:
    evidence = evidence_for(audit).filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return evidence


def events_for(*, user, audit: Audit) -> QuerySet[ActivityEvent]:
    """The audit's story; buyer-internal events are hidden from everyone but the members of
    the audit's buyer (its supplier, and a buyer it was shared with)."""
    events = (
        ActivityEvent.objects.filter(audit=audit)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    if not Membership.objects.filter(user=user, organization_id=audit.buyer_id).exists():
        events = events.filter(internal=False)
    return events


def campaign_list_for(*, user) -> QuerySet[Campaign]:
    """Campaigns of the buyers where ``user`` sees every audit (administrators, officers and
    viewers; reviewers see only the audits assigned to them)."""
    buyers = organizations_with_perm(user, "accounts.view_all_audits").filter(kind="buyer")
    return (
        Campaign.objects.filter(buyer__in=buyers)
        .select_related("buyer", "questionnaire_version__questionnaire", "created_by")
        .order_by("-created_at", "-pk")
    )


def campaign_get_for(*, user, campaign_id: int) -> Campaign:
    campaign = campaign_list_for(user=user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def answers_by_audit(audits: Iterable) -> dict[int, dict[str, AnswerValue]]:
    """``{audit id: {question code: AnswerValue}}`` for audits the caller already fetched
    through ``audit_list_for`` (so already authorized), in one query: the dashboard and the
    campaign page show every audit's progress without a query per audit."""
    ids = [a.pk for a in audits]
    answers: dict[int, dict[str, AnswerValue]] = defaultdict(dict)
    if not ids:
        return answers
    for audit_id, code, value, na in Answer.objects.filter(audit_id__in=ids).values_list(
        "audit_id", "question__code", "value", "not_applicable"
    ):
        answers[audit_id][code] = AnswerValue(value=value, not_applicable=na)
    return answers


def evidence_codes_by_audit(audits: Iterable) -> dict[int, set[str]]:
    """``{audit id: {question codes with at least one evidence file}}`` for audits the caller
    already fetched through ``audit_list_for``, in one query (the dashboard's progress)."""
    ids = [a.pk for a in audits]
    codes: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return codes
    rows = (
        Evidence.objects.filter(audit_id__in=ids, question__isnull=False)
        .order_by()
        .values_list("audit_id", "question__code")
        .distinct()
    )
    for audit_id, code in rows:
        codes[audit_id].add(code)
    return codes


def respondent_choices(audit: Audit) -> dict[str, list]:
    """The supplier's members who may answer ``audit`` (admins and respondents), each with
    whether they are assigned now (``members``), and the emails the buyer named when issuing
    it that have not accepted their invitation yet (``pending``)."""
    assigned = set(audit.respondents.values_list("pk", flat=True))
    members = (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=audit.supplier_id,
            memberships__role__in=(Membership.Role.ADMIN, Membership.Role.RESPONDENT),
        )
        .order_by("email")
        .distinct()
    )
    return {
        "members": [{"user": u, "assigned": u.pk in assigned} for u in members],
        "pending": list(audit.pending_respondents.values_list("email", flat=True)),
    }
