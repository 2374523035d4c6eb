"""Demo audits for ``seed_demo``: one buyer's audits in every state, answered realistically
(texts in the respondent's language), all made through the lifecycle services so that events,
permissions, scores and mails are exactly what real use produces."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Membership, Organization, User
from audits.answers import AnswerError, clean_answer
from audits.models import Audit
from audits.services import audits as services
from audits.services.evidence import evidence_upload
from flows import services as flows
from questionnaires.models import Question, Questionnaire, QuestionnaireVersion
from rulesets.models import RuleSet
from suppliers.models import SupplierRelationship

LIBRARY_CODE = "sme-csr-core"
DEMO_TITLE = "CSR self-assessment 2026"

# Free-text answers, per language: a realistic line for any text question.
TEXTS = {
    "en": [
        "Dyeing wastewater is treated on site and tested monthly by a licensed laboratory.",
        "Our HR manager reviews working hours every week with the line supervisors.",
        "We hold a quarterly meeting with the village committee next to the factory.",
    ],
    "zh-Hans": [
        "印染废水经厂内污水处理站处理，每月由有资质的第三方实验室检测。",
        "人事经理每周与各生产线主管核对员工工时记录。",
        "每季度与工厂所在村委会召开一次沟通会。",
    ],
}
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _say(ctx, message: str) -> None:
    for name in ("log", "say", "info"):
        if callable(getattr(ctx, name, None)):
            getattr(ctx, name)(message)
            return
    stdout = getattr(ctx, "stdout", None)
    if stdout is not None:
        stdout.write(message)
    else:
        print(message)


def _member(org: Organization, *roles: str) -> User | None:
    membership = (
        Membership.objects.filter(organization=org, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _value(question: Question, n: int, language: str, positive: bool) -> object:
    """A plausible answer; ``positive`` leans towards good practice, else towards gaps."""
    kind = question.type
    choices = question.choice_values
    if kind == Question.Type.YES_NO:
        return "yes" if positive or n % 3 else "no"
    if kind == Question.Type.SINGLE_CHOICE:
        return choices[0] if positive else choices[min(1, len(choices) - 1)]
    if kind == Question.Type.MULTI_CHOICE:
        return list(choices[: 2 if positive else 1])
    if kind == Question.Type.NUMBER:
        low = float(question.min_value) if question.min_value is not None else 0.0
        high = float(question.max_value) if question.max_value is not None else low + 100
        value = low + (high - low) * (0.3 if positive else 0.6)
        return round(value) if question.integer else round(value, 1)
    if kind == Question.Type.DATE:
        return (timezone.localdate() - datetime.timedelta(days=40 + 17 * n)).isoformat()
    lines = TEXTS.get(language, TEXTS["en"])
    return lines[n % len(lines)]


def _answers(version: QuestionnaireVersion, language: str, positive: bool) -> list[dict]:
    batch: list[dict[str, Any]] = []
    texts = 0
    for n, question in enumerate(version.questions.order_by("section__position", "position")):
        if question.type == Question.Type.TEXT:
            texts += 1
        value = _value(
            question, texts if question.type == Question.Type.TEXT else n, language, positive
        )
        try:
            clean_answer(question, value, False)
        except AnswerError:
            if not question.allow_na:
                continue
            batch.append({"question": question.code, "value": None, "not_applicable": True})
            continue
        batch.append({"question": question.code, "value": value})
    return batch


def _answer_all(audit: Audit, actor: User | None, *, positive: bool, evidence: bool) -> None:
    language = getattr(actor, "preferred_language", "en") or "en"
    services.answers_save(
        audit=audit, answers=_answers(audit.questionnaire_version, language, positive), actor=actor
    )
    if not evidence:
        return
    for code in audit.questionnaire_version.questions.filter(
        evidence=Question.Evidence.REQUIRED
    ).values_list("code", flat=True):
        name = f"{code.lower()}-{hashlib.sha1(code.encode()).hexdigest()[:6]}.pdf"
        evidence_upload(
            audit=audit, question_code=code, file=SimpleUploadedFile(name, PDF), actor=actor
        )


def seed_audits(ctx=None) -> list[Audit]:
    """Create the demo audits (draft, sent, in_progress, submitted, returned, accepted,
    cancelled) for every buyer with suppliers; does nothing when they already exist or when
    the library questionnaire ``sme-csr-core`` is not loaded."""
    questionnaire = Questionnaire.objects.filter(code=LIBRARY_CODE, owner__isnull=True).first()
    version = (
        questionnaire.versions.filter(status=QuestionnaireVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
        if questionnaire
        else None
    )
    if version is None:
        _say(ctx, f"Demo audits skipped: load the library questionnaire {LIBRARY_CODE} first.")
        return []
    if Audit.objects.filter(title=DEMO_TITLE).exists():
        _say(ctx, "Demo audits already present.")
        return []

    ruleset = (
        RuleSet.objects.filter(
            questionnaire_code=LIBRARY_CODE, owner__isnull=True, status="published"
        )
        .order_by("-version")
        .first()
    )
    created: list[Audit] = []
    # Demo addresses are not real: the lifecycle's notification mails go nowhere while seeding.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for buyer in Organization.objects.buyers().order_by("pk"):
            created += _seed_buyer(ctx, buyer, version, ruleset)
    _say(ctx, f"Demo audits: {len(created)} created.")
    return created


# The demo audits of each buyer: (state, due in days, positive answers).
_DEMO_PLAN: tuple[tuple[str, int, bool], ...] = (
    (Audit.Status.ACCEPTED, 20, True),
    (Audit.Status.SUBMITTED, 12, True),
    (Audit.Status.IN_PROGRESS, 1, True),
    (Audit.Status.RETURNED, 7, False),
    (Audit.Status.SENT, -3, True),  # overdue
    (Audit.Status.DRAFT, 30, True),
    (Audit.Status.CANCELLED, 25, True),
)


def _bring_to(
    audit: Audit, state: str, *, actor: User, positive: bool, officer: User, reviewer: User | None
) -> None:
    """Move a sent audit on to ``state`` through the services, answering as ``actor``."""
    if state == Audit.Status.CANCELLED:
        services.audit_cancel(
            audit=audit, reason="Supplier relationship under renegotiation.", actor=officer
        )
        return
    if state not in (
        Audit.Status.IN_PROGRESS,
        Audit.Status.SUBMITTED,
        Audit.Status.RETURNED,
        Audit.Status.ACCEPTED,
    ):
        return
    done = state != Audit.Status.IN_PROGRESS
    _answer_all(audit, actor, positive=positive, evidence=done)
    if done:
        flows.audit_submit(audit=audit, actor=actor)
    if state == Audit.Status.RETURNED:
        services.audit_return(
            audit=audit,
            comment="Please upload the signed policy and check the weekly hours. "
            "请上传签署版政策文件，并核对每周工时。",
            actor=reviewer or officer,
        )
    if state == Audit.Status.ACCEPTED:
        flows.audit_accept(audit=audit, actor=reviewer or officer)


def _seed_buyer(ctx, buyer: Organization, version, ruleset) -> list[Audit]:
    officer = _member(buyer, Membership.Role.OFFICER, Membership.Role.ADMIN)
    reviewer = _member(buyer, Membership.Role.REVIEWER)
    suppliers = list(
        Organization.objects.filter(
            pk__in=SupplierRelationship.objects.filter(buyer=buyer, active=True).values("supplier")
        ).order_by("pk")
    )
    if officer is None or not suppliers:
        return []
    today = timezone.localdate()
    audits = []
    for i, (state, due_in, positive) in enumerate(_DEMO_PLAN):
        supplier = suppliers[i % len(suppliers)]
        respondent = _member(supplier, Membership.Role.RESPONDENT)
        actor = respondent or _member(supplier, Membership.Role.ADMIN)
        assert actor is not None, f"{supplier} has no administrator"
        audit = services.audit_issue(
            buyer=buyer,
            supplier=supplier,
            questionnaire_version=version,
            ruleset=ruleset,
            due_date=today + datetime.timedelta(days=max(due_in, 1)),
            actor=officer,
            title=DEMO_TITLE,
            message="Please complete this before the due date. 请在截止日期前完成。",
            reviewers=[reviewer] if reviewer else [],
            respondents=[respondent] if respondent else [],
            send=state != Audit.Status.DRAFT,
        )
        _bring_to(audit, state, actor=actor, positive=positive, officer=officer, reviewer=reviewer)
        if due_in < 0:
            # Overdue needs a due date in the past, which issuing refuses: backdate it.
            Audit.objects.filter(pk=audit.pk).update(
                due_date=today + datetime.timedelta(days=due_in)
            )
        audits.append(audit)
    _say(ctx, f"  {buyer.name}: {len(audits)} audits in every state.")
    return audits
