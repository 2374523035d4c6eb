"""A supplier programme at scale, for benchmarks: buyers, suppliers, accepted audits with
answers, their final scores, findings and corrective actions, written in bulk.

Audit ``i`` goes to supplier ``i % suppliers`` of buyer ``(i // suppliers) % buyers``, accepted
later the higher ``i``: with 2 buyers, 10,000 suppliers and 30,000 audits, the first buyer has
two accepted audits of every supplier (a latest and a previous one) and the second one audit of
every supplier. Answers are random (seeded) answers to the library questionnaire
``sme-csr-core``; scores come from ``scoring.services.rescore_bulk`` with the library rule set,
so they are the engine's; findings are those of the scores, and each finding that is not an
observation has a corrective action in a random state.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from collections.abc import Iterator
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.permissions import role_group
from actions.models import CorrectiveAction
from audits.models import Answer, Audit
from questionnaires.models import QuestionnaireVersion
from rulesets import compiled as inputs
from rulesets.models import RuleSet
from scoring.engine import QuestionSpec
from scoring.models import Finding, Score
from scoring.services import rescore_bulk
from suppliers.models import SupplierRelationship

QUESTIONNAIRE = "sme-csr-core"
BATCH = 5000
SIZES = ("micro", "small", "medium", "large")
COUNTRIES = ("CN", "VN", "BD", "IN", "DE", "TH", "MY", "ID")
INDUSTRIES = ("13", "14", "15", "22", "25", "26", "27")
# Corrective action states and their shares: most earlier actions are closed by now.
ACTION_STATES = {
    "open": 0.15,
    "plan_submitted": 0.1,
    "plan_accepted": 0.1,
    "evidence_submitted": 0.05,
    "verified": 0.55,
    "cancelled": 0.05,
}


# Share of the answers that are the best-scoring one: most suppliers of a real programme pass
# most questions (about three findings per audit; the earlier register benchmarks had four).
GOOD_ANSWERS = 0.7


def _best_answers(ruleset: RuleSet, version) -> dict[str, Any]:
    """The best-scoring answer of every scored question: the top choice (a list of every
    choice worth points, for a multiple choice) or a number in the best band."""
    best: dict[str, Any] = {}
    questions = {q.code: q for q in inputs.compiled_questionnaire(version)[0].spec.questions}
    for rule in inputs.compiled_ruleset(ruleset, version).spec.scores:
        points = rule.points or {}
        if questions[rule.question].type == "multi_choice":
            best[rule.question] = [value for value, p in points.items() if p > 0]
        elif points:
            best[rule.question] = max(points, key=lambda value: points[value])
        elif rule.bands:
            band = max(rule.bands, key=lambda b: b.points)
            best[rule.question] = int(band.max) if band.max is not None else 1000
    return best


def random_answer(
    question: QuestionSpec, best: dict[str, Any], rng: random.Random
) -> tuple[Any, bool]:
    """A random answer, the best-scoring one ``GOOD_ANSWERS`` of the time: ``(value, N/A)``."""
    if question.code in best and rng.random() < GOOD_ANSWERS:
        return best[question.code], False
    if question.allow_na and rng.random() < 0.05:
        return None, True
    kind = question.type
    if kind in ("yes_no", "single_choice"):
        return rng.choice(question.choice_values), False
    if kind == "multi_choice":
        values = list(question.choice_values)
        return rng.sample(values, rng.randint(0, len(values))), False
    if kind == "number":
        return rng.choice((0, 1, 2, 5, 10, 16, 18, 40, 48, 55, 60, 72, 100)), False
    if kind == "date":
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", False
    return "Answer text", False


def _library() -> tuple[QuestionnaireVersion, RuleSet]:
    """The library questionnaire's published version and rule set (loaded when missing)."""
    version = (
        QuestionnaireVersion.objects.filter(
            questionnaire__code=QUESTIONNAIRE, questionnaire__owner__isnull=True
        )
        .exclude(status="draft")
        .order_by("-number")
        .first()
    )
    if version is None:
        call_command("load_library", stdout=io.StringIO())
        return _library()
    ruleset = RuleSet.objects.published().filter(
        owner__isnull=True, questionnaire_code=QUESTIONNAIRE
    )
    return version, ruleset.order_by("-version").get()


def _organizations(n_buyers: int, n_suppliers: int, rng: random.Random) -> tuple[list, list]:
    buyers = Organization.objects.bulk_create(
        Organization(
            kind="buyer",
            name=f"Programme buyer {b + 1}",
            legal_id=f"PRG-B{b + 1:04d}",
            country="DE",
            industry="47",
            size_class="large",
        )
        for b in range(n_buyers)
    )
    for n, buyer in enumerate(buyers):
        # One administrator per buyer, with an unusable password: a login for measurements.
        admin = User.objects.create_user(f"admin@programme-buyer-{n + 1}.example", password=None)
        Membership.objects.create(user=admin, organization=buyer, role="admin")
        role_group(buyer, "admin").user_set.add(admin)
    suppliers = Organization.objects.bulk_create(
        (
            Organization(
                kind="supplier",
                name=f"Supplier {n + 1:06d}",
                legal_id=f"PRG-S{n + 1:06d}",
                country=rng.choice(COUNTRIES),
                industry=rng.choice(INDUSTRIES),
                size_class=rng.choice(SIZES),
            )
            for n in range(n_suppliers)
        ),
        batch_size=BATCH,
    )
    SupplierRelationship.objects.bulk_create(
        (
            SupplierRelationship(
                buyer=buyer,
                supplier=supplier,
                buyer_ref=f"R-{n + 1:06d}",
                criticality=rng.choice(SupplierRelationship.Criticality.values),
                category=rng.choice(("textiles", "electronics", "packaging", "metal")),
            )
            for buyer in buyers
            for n, supplier in enumerate(suppliers)
        ),
        batch_size=BATCH,
    )
    return buyers, suppliers


def _audits(buyers: list, suppliers: list, n_audits: int, version, ruleset) -> list[Audit]:
    start = timezone.now() - datetime.timedelta(days=730)
    step = datetime.timedelta(days=720) / max(n_audits, 1)
    audits = []
    for i in range(n_audits):
        accepted = start + step * i
        audits.append(
            Audit(
                buyer=buyers[(i // len(suppliers)) % len(buyers)],
                supplier=suppliers[i % len(suppliers)],
                questionnaire_version=version,
                ruleset=ruleset,
                status=Audit.Status.ACCEPTED,
                due_date=timezone.localdate(accepted),
                issued_at=accepted - datetime.timedelta(days=30),
                submitted_at=accepted - datetime.timedelta(days=3),
                accepted_at=accepted,
                score_released=True,
            )
        )
    return Audit.objects.bulk_create(audits, batch_size=BATCH)


def _answers(audits: list[Audit], version, ruleset, rng: random.Random) -> Iterator[Answer]:
    best = _best_answers(ruleset, version)
    compiled, codes = inputs.compiled_questionnaire(version)
    by_code = {q.code: q for q in compiled.spec.questions}
    questions = [(pk, by_code[code]) for pk, code in codes.items()]
    for audit in audits:
        for question_id, question in questions:
            value, na = random_answer(question, best, rng)
            yield Answer(audit_id=audit.pk, question_id=question_id, value=value, not_applicable=na)


def _bulk(model, rows: Iterator, batch: int = BATCH) -> int:
    """Insert ``rows`` in batches without holding them all; returns how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            model.objects.bulk_create(chunk)
            count += len(chunk)
            chunk = []
    model.objects.bulk_create(chunk)
    return count + len(chunk)


def _findings_and_actions(ruleset: RuleSet, version, rng: random.Random) -> tuple[int, int]:
    """Finding rows of the final scores (titles from the rule set) and their actions."""
    compiled = inputs.compiled_ruleset(ruleset, version)
    rules = {f.rule.code: f for f in compiled.findings}
    scores = Score.objects.filter(ruleset=ruleset, final=True).values_list(
        "pk", "audit_id", "audit__buyer_id", "audit__supplier_id", "findings"
    )
    n_findings = n_actions = 0
    for start in range(0, scores.count(), BATCH):
        findings: list[Finding] = []
        due: list[int | None] = []
        page = scores.order_by("pk")[start : start + BATCH]
        for score_id, audit_id, buyer_id, supplier_id, stored in page:
            for f in stored:
                rule = rules[f["code"]]
                findings.append(
                    Finding(
                        audit_id=audit_id,
                        buyer_id=buyer_id,
                        supplier_id=supplier_id,
                        score_id=score_id,
                        rule_code=rule.rule.code,
                        severity=rule.rule.severity,
                        category=rule.rule.category,
                        title=dict(rule.rule.title),
                        guidance=dict(rule.rule.guidance),
                        values=f.get("values") or {},
                    )
                )
                due.append(rule.due_days)
        Finding.objects.bulk_create(findings)
        actions = [
            CorrectiveAction(
                finding=finding,
                audit_id=finding.audit_id,
                buyer_id=finding.buyer_id,
                supplier_id=finding.supplier_id,
                severity=finding.severity,
                status=rng.choices(list(ACTION_STATES), list(ACTION_STATES.values()))[0],
                due_date=timezone.localdate() + datetime.timedelta(days=rng.randint(-120, days)),
                original_due_date=timezone.localdate(),
            )
            for finding, days in zip(findings, due, strict=True)
            if days is not None
        ]
        CorrectiveAction.objects.bulk_create(actions)
        n_findings += len(findings)
        n_actions += len(actions)
    return n_findings, n_actions


def _analyze() -> None:
    """Fresh statistics on PostgreSQL, so the next steps' queries are planned for the rows
    just loaded rather than for empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate_programme(
    *, buyers: int, suppliers: int, audits: int, seed: int = 20261201
) -> dict[str, Any]:
    """Write the programme (see the module docstring); returns what was made and how long
    each step took (seconds)."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    version, ruleset = _library()
    with transaction.atomic():
        buyer_rows, supplier_rows = _organizations(buyers, suppliers, rng)
        audit_rows = _audits(buyer_rows, supplier_rows, audits, version, ruleset)
        n_answers = _bulk(Answer, _answers(audit_rows, version, ruleset, rng))
    timings["organizations_audits_answers_s"] = round(time.perf_counter() - started, 1)
    _analyze()
    step = time.perf_counter()
    scored = rescore_bulk(ruleset=ruleset).scored
    timings["scores_s"] = round(time.perf_counter() - step, 1)
    _analyze()
    step = time.perf_counter()
    with transaction.atomic():
        n_findings, n_actions = _findings_and_actions(ruleset, version, rng)
    timings["findings_actions_s"] = round(time.perf_counter() - step, 1)
    return {
        "buyers": [b.pk for b in buyer_rows],
        "suppliers": len(supplier_rows),
        "audits": len(audit_rows),
        "answers": n_answers,
        "scores": scored,
        "findings": n_findings,
        "actions": n_actions,
        **timings,
    }
