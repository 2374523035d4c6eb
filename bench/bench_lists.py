"""Benchmark the buyer's lists at scale: the audit, corrective-action and finding APIs and the
buyer dashboard page, as a buyer admin, on PostgreSQL.

Run: ``.venv/bin/python bench/bench_lists.py [--audits 20000] [--suppliers 500] [--reuse]
[--amplify 10]``.
Prints one JSON object.

1. Generator: (re)creates the PostgreSQL database ``fairlink_bench`` (``--database-url``, default
   ``postgres://postgres@127.0.0.1:5432/fairlink_bench``), migrates it, loads the shared
   library (questionnaires and their rule sets: the core rule set document is about 24.5 kB),
   and writes with ``bulk_create`` one buyer with an admin, an officer and a reviewer, N
   suppliers (each with an admin and a respondent, a relationship to the buyer), ``--audits``
   audits spread over the suppliers, the states and two years, the respondent of each sent
   audit, preliminary and final scores with a trace, four findings per accepted audit and a
   corrective action per finding that is not an observation. The django-guardian rows are the
   ones the services write (role groups of both sides, assigned respondents), so the old and
   the new visibility rules read the same data. Then ``ANALYZE``. ``--reuse`` keeps an existing
   database of the same size (the schema must match the code's migrations). ``--amplify N``
   then copies the audits, scores, findings and actions in SQL to N times as many (``amplify``).
2. Measurement: Django's test ``Client`` signed in as the buyer admin, ``DEBUG`` off; for each
   page 3 warm-up requests, then ``--repeat`` timed ones: p50 / p95 / max in ms, the number of
   queries of one request and the slowest query's time, the response size.
   ``--explain`` writes ``EXPLAIN ANALYZE`` of every query above 2 ms to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fairlink_bench"
SEED = 20261201
BATCH = 5000
STATUS_MIX = (  # share of the audits in each state
    ("draft", 0.05),
    ("sent", 0.15),
    ("in_progress", 0.15),
    ("submitted", 0.10),
    ("returned", 0.05),
    ("accepted", 0.45),
    ("cancelled", 0.05),
)
ACTION_STATUS_MIX = (
    ("open", 0.35),
    ("plan_submitted", 0.15),
    ("plan_accepted", 0.15),
    ("evidence_submitted", 0.1),
    ("verified", 0.2),
    ("cancelled", 0.05),
)
SEVERITIES = (("critical", 0.1), ("major", 0.3), ("minor", 0.4), ("observation", 0.2))
CATEGORIES = ("management", "employee", "environment", "market", "community")


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _recreate_database(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _database_exists(database_url: str) -> bool:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _mix(rng: random.Random, mix: tuple[tuple[str, float], ...], n: int) -> list[str]:
    values, weights = zip(*mix, strict=True)
    return rng.choices(values, weights=weights, k=n)


# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------


def _organizations(n_suppliers: int) -> dict[str, Any]:
    """The buyer with its three users, the suppliers with an admin and a respondent each, the
    memberships, the role groups (with their organization permissions) and relationships."""
    from accounts.models import Membership, Organization, User
    from accounts.permissions import role_group
    from suppliers.models import SupplierRelationship

    buyer = Organization.objects.create(
        kind="buyer",
        name="Contoso Retail",
        legal_id="BUYER-1",
        country="DE",
        industry="47",
        size_class="large",
    )
    buyer_users = {
        role: User.objects.create_user(f"{role}@buyer.example", password="bench-pass-1")
        for role in ("admin", "officer", "reviewer")
    }
    Membership.objects.bulk_create(
        [Membership(user=u, organization=buyer, role=r) for r, u in buyer_users.items()]
    )
    for role in ("admin", "officer", "reviewer"):
        role_group(buyer, role).user_set.add(buyer_users[role])
    suppliers = Organization.objects.bulk_create(
        [
            Organization(
                kind="supplier",
                name=f"Supplier {i:05d} Co., Ltd.",
                legal_id=f"91{i:016d}",
                country=("CN", "VN", "BD", "IN")[i % 4],
                industry=("13", "14", "26")[i % 3],
                size_class=("micro", "small", "medium", "large")[i % 4],
            )
            for i in range(n_suppliers)
        ],
        batch_size=BATCH,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"{role}{i}@supplier.example", password="!")
            for i in range(n_suppliers)
            for role in ("admin", "respondent")
        ],
        batch_size=BATCH,
    )
    admins, respondents = users[0::2], users[1::2]
    Membership.objects.bulk_create(
        [
            Membership(user=u, organization=s, role=role)
            for s, a, r in zip(suppliers, admins, respondents, strict=True)
            for u, role in ((a, "admin"), (r, "respondent"))
        ],
        batch_size=BATCH,
    )
    groups = {}
    through = User.groups.through
    links = []
    for s, a, r in zip(suppliers, admins, respondents, strict=True):
        groups[s.pk] = role_group(s, "admin")
        links.append(through(user_id=a.pk, group_id=groups[s.pk].pk))
        links.append(through(user_id=r.pk, group_id=role_group(s, "respondent").pk))
    through.objects.bulk_create(links, batch_size=BATCH)
    SupplierRelationship.objects.bulk_create(
        [
            SupplierRelationship(
                buyer=buyer,
                supplier=s,
                buyer_ref=f"SUP-{i:05d}",
                criticality=("low", "medium", "high")[i % 3],
                category="apparel",
            )
            for i, s in enumerate(suppliers)
        ],
        batch_size=BATCH,
    )
    return {
        "buyer": buyer,
        "buyer_users": buyer_users,
        "suppliers": suppliers,
        "respondents": respondents,
        "supplier_admin_groups": groups,
        "buyer_groups": {r: role_group(buyer, r) for r in ("admin", "officer")},
    }


def _audits(world: dict[str, Any], n_audits: int, rng: random.Random) -> list:
    from django.db import connection
    from django.utils import timezone

    from audits.models import Audit
    from questionnaires.models import QuestionnaireVersion
    from rulesets.models import RuleSet

    ruleset = RuleSet.objects.get(code="sme-csr-core-rules", owner__isnull=True)
    version = QuestionnaireVersion.objects.get(
        questionnaire__code=ruleset.questionnaire_code, status="published"
    )
    now = timezone.now()
    today = timezone.localdate()
    suppliers = world["suppliers"]
    statuses = _mix(rng, STATUS_MIX, n_audits)
    audits = []
    for i, status in enumerate(statuses):
        age = datetime.timedelta(minutes=50 * (n_audits - i))  # newest last, ~2 years
        issued = now - age if status != "draft" else None
        audits.append(
            Audit(
                buyer=world["buyer"],
                supplier=suppliers[i % len(suppliers)],
                questionnaire_version=version,
                ruleset=ruleset,
                status=status,
                due_date=today + datetime.timedelta(days=rng.randint(-90, 120)),
                title=f"CSR self-assessment {i}",
                issued_by=world["buyer_users"]["officer"],
                issued_at=issued,
                submitted_at=(now - age / 2) if status in ("submitted", "accepted") else None,
                accepted_at=(now - age / 3) if status == "accepted" else None,
                cancelled_at=(now - age / 2) if status == "cancelled" else None,
                score_released=status == "accepted",
            )
        )
    audits = Audit.objects.bulk_create(audits, batch_size=BATCH)
    # ``created_at`` is auto_now_add: spread it afterwards, one audit every 50 minutes.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audits_audit SET created_at = %s - (%s - id) * interval '50 minutes'",
            [now, audits[-1].pk],
        )
    return audits


def _audit_grants(world: dict[str, Any], audits: list) -> int:
    """The rows ``audits.permissions`` writes: role groups of the buyer on issue, the supplier
    admin group and the respondent on send."""
    from accounts.permissions import _permission
    from audits.models import Audit, AuditGroupObjectPermission, AuditUserObjectPermission
    from audits.permissions import AUDIT_GROUP_PERMS, RESPONDENT_PERMS

    respondents = world["respondents"]
    n_suppliers = len(world["suppliers"])
    group_rows, user_rows, assigned = [], [], []
    perms = {k: [_permission(Audit, p) for p in v] for k, v in AUDIT_GROUP_PERMS.items()}
    respondent_perms = [_permission(Audit, p) for p in RESPONDENT_PERMS]
    for i, audit in enumerate(audits):
        for (side, role), side_perms in perms.items():
            if side == "buyer":
                group = world["buyer_groups"][role]
            elif audit.status != "draft":
                group = world["supplier_admin_groups"][audit.supplier_id]
            else:
                continue
            group_rows += [
                AuditGroupObjectPermission(permission=p, group=group, content_object=audit)
                for p in side_perms
            ]
        if audit.status != "draft":
            respondent = respondents[i % n_suppliers]
            assigned.append(Audit.respondents.through(audit_id=audit.pk, user_id=respondent.pk))
            user_rows += [
                AuditUserObjectPermission(permission=p, user=respondent, content_object=audit)
                for p in respondent_perms
            ]
    AuditGroupObjectPermission.objects.bulk_create(group_rows, batch_size=BATCH)
    AuditUserObjectPermission.objects.bulk_create(user_rows, batch_size=BATCH)
    Audit.respondents.through.objects.bulk_create(assigned, batch_size=BATCH)
    return len(group_rows) + len(user_rows)


def _trace(rng: random.Random) -> dict[str, Any]:
    return {
        "questions": {
            f"Q{k:02d}": {"answer": "yes", "points": rng.choice([0, 0.5, 1]), "weight": 2}
            for k in range(80)
        },
        "categories": {c: {"sum": "12.5", "weights": "15"} for c in CATEGORIES},
    }


def _scores_findings(audits: list, rng: random.Random) -> tuple[int, list, list]:
    """A preliminary score for every submitted / returned / accepted audit, a final one for the
    accepted, and four findings per accepted audit."""
    from scoring.models import Finding, Score

    scored = [a for a in audits if a.status in ("submitted", "returned", "accepted")]
    scores = []
    for audit in scored:
        for final in (False, True) if audit.status == "accepted" else (False,):
            overall = Decimal(rng.randint(250, 980)) / 10
            scores.append(
                Score(
                    audit=audit,
                    ruleset_id=audit.ruleset_id,
                    overall=overall,
                    categories={c: str(overall) for c in CATEGORIES},
                    rating="low" if overall >= 80 else "medium" if overall >= 60 else "high",
                    findings=[{"code": f"F_{k}", "severity": "major"} for k in range(4)],
                    trace=_trace(rng),
                    final=final,
                )
            )
    scores = Score.objects.bulk_create(scores, batch_size=1000)
    finals = [s for s in scores if s.final]
    severities = _mix(rng, SEVERITIES, 4 * len(finals))
    findings = Finding.objects.bulk_create(
        [
            Finding(
                audit_id=score.audit_id,
                buyer_id=score.audit.buyer_id,
                supplier_id=score.audit.supplier_id,
                score=score,
                rule_code=f"F_RULE_{k}",
                severity=severities[4 * j + k],
                category=CATEGORIES[k],
                title={"en": f"Finding {k}", "zh-Hans": f"发现项 {k}"},
                guidance={
                    "en": "Write a procedure and train the staff. " * 4,
                    "zh-Hans": "制定程序并培训员工。" * 4,
                },
                values={"Q01": "no", "Q02": None},
            )
            for j, score in enumerate(finals)
            for k in range(4)
        ],
        batch_size=BATCH,
    )
    return len(scores), findings, finals


def _actions(world: dict[str, Any], audits: list, findings: list, rng: random.Random) -> int:
    """A corrective action per finding that is not an observation, with the grants
    ``actions.permissions.grant_action_to_organizations`` writes."""
    from django.utils import timezone

    from accounts.permissions import _permission
    from actions.models import (
        CorrectiveAction,
        CorrectiveActionGroupObjectPermission,
        CorrectiveActionUserObjectPermission,
    )
    from actions.permissions import ACTION_GROUP_PERMS, ACTION_RESPONDENT_PERMS

    by_id = {a.pk: a for a in audits}
    index = {a.pk: i for i, a in enumerate(audits)}
    today = timezone.localdate()
    todo = [f for f in findings if f.severity != "observation"]
    statuses = _mix(rng, ACTION_STATUS_MIX, len(todo))
    actions = []
    for f, status in zip(todo, statuses, strict=True):
        audit = by_id[f.audit_id]
        due = today + datetime.timedelta(days=rng.randint(-120, 240))
        actions.append(
            CorrectiveAction(
                finding=f,
                audit=audit,
                buyer_id=audit.buyer_id,
                supplier_id=audit.supplier_id,
                severity=f.severity,
                status=status,
                due_date=due,
                original_due_date=due,
            )
        )
    actions = CorrectiveAction.objects.bulk_create(actions, batch_size=BATCH)
    perms = {
        k: [_permission(CorrectiveAction, p) for p in v] for k, v in ACTION_GROUP_PERMS.items()
    }
    respondent_perms = [_permission(CorrectiveAction, p) for p in ACTION_RESPONDENT_PERMS]
    group_rows, user_rows = [], []
    n_suppliers = len(world["suppliers"])
    for action in actions:
        for (side, role), side_perms in perms.items():
            group = (
                world["buyer_groups"][role]
                if side == "buyer"
                else world["supplier_admin_groups"][action.supplier_id]
            )
            group_rows += [
                CorrectiveActionGroupObjectPermission(
                    permission=p, group=group, content_object=action
                )
                for p in side_perms
            ]
        respondent = world["respondents"][index[action.audit_id] % n_suppliers]
        user_rows += [
            CorrectiveActionUserObjectPermission(
                permission=p, user=respondent, content_object=action
            )
            for p in respondent_perms
        ]
    CorrectiveActionGroupObjectPermission.objects.bulk_create(group_rows, batch_size=BATCH)
    CorrectiveActionUserObjectPermission.objects.bulk_create(user_rows, batch_size=BATCH)
    return len(actions)


def generate(n_audits: int, n_suppliers: int) -> dict[str, Any]:
    import yaml
    from django.core.management import call_command
    from django.db import connection, transaction

    from rulesets.services import ruleset_import

    rng = random.Random(SEED)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", skip_rules=True, stdout=io.StringIO())
    document = yaml.safe_load((ROOT / "rulesets/library/sme-csr-core-rules.yaml").read_text())
    ruleset_import(document=document, owner=None, actor=None, publish=True)
    migrated = time.perf_counter()
    with transaction.atomic():
        world = _organizations(n_suppliers)
        audits = _audits(world, n_audits, rng)
        grants = _audit_grants(world, audits)
        n_scores, findings, _ = _scores_findings(audits, rng)
        n_actions = _actions(world, audits, findings, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "suppliers": n_suppliers,
        "audits": len(audits),
        "audit_permission_rows": grants,
        "scores": n_scores,
        "findings": len(findings),
        "actions": n_actions,
        "migrate_s": round(migrated - started, 1),
        "generate_s": round(time.perf_counter() - migrated, 1),
    }


# Tables copied by ``amplify`` and, per table, the columns that hold an id of a copied table
# (shifted with the copy) or that must be cleared (None: a campaign holds a supplier once).
COPIED: tuple[tuple[str, dict[str, str | None]], ...] = (
    ("audits_audit", {"id": "audits_audit", "campaign_id": None}),
    ("scoring_score", {"id": "scoring_score", "audit_id": "audits_audit"}),
    (
        "scoring_finding",
        {"id": "scoring_finding", "audit_id": "audits_audit", "score_id": "scoring_score"},
    ),
    (
        "actions_correctiveaction",
        {
            "id": "actions_correctiveaction",
            "audit_id": "audits_audit",
            "finding_id": "scoring_finding",
            "suggested_by_audit_id": "audits_audit",
        },
    ),
)


def amplify(factor: int) -> dict[str, Any]:
    """Multiply the generated audits, scores, findings and actions ``factor`` times in SQL
    (``INSERT ... SELECT`` over ``generate_series``): copy k of a row has the ids shifted by k
    times the table's largest id, so the copies keep their links to each other, the same
    buyer, suppliers, states and dates. Generating 200,000 audits through the ORM takes most
    of an hour on two cores; copying 20,000 takes a minute. Then ``ANALYZE``."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        shift = {}
        for table, _columns in COPIED:
            cursor.execute(f"SELECT max(id) FROM {table}")
            shift[table] = cursor.fetchone()[0] or 0
        for table, mapped in COPIED:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
            values = [
                column
                if column not in mapped
                else "NULL"
                if mapped[column] is None
                else f"{column} + k * {shift[mapped[column]]}"
                for column in columns
            ]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {table}, generate_series(1, %s) AS k "
                f"WHERE {table}.id <= %s",
                [factor - 1, shift[table]],
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        counts = {}
        for table, _columns in COPIED:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return {
        "amplified": factor,
        "rows": counts,
        "amplify_s": round(time.perf_counter() - started, 1),
    }


# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------


class _QueryLog:
    """Every query of the requests it wraps, with its time (``CaptureQueriesContext`` cannot
    be used: each request starts by clearing the connection's query log)."""

    def __init__(self) -> None:
        self.queries: list[dict[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"sql": sql, "params": params, "time": time.perf_counter() - t0})


def _explain(queries: list[dict[str, Any]]) -> None:
    from django.db import connection

    for q in queries:
        if q["time"] < 0.002:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"], q["params"])
            plan = "\n".join(r[0] for r in cursor.fetchall())
        print(f"--- {1000 * q['time']:.1f} ms\n{q['sql'][:3000]}\n{plan}\n", file=sys.stderr)


def measure(url: str, client, repeat: int, explain: bool) -> dict[str, Any]:
    from django.db import connection

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    log = _QueryLog()
    with connection.execute_wrapper(log):
        response = client.get(url)
    timings, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    timings.sort()
    body = response.content
    result: dict[str, Any] = {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, round(0.95 * len(timings)) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        # On a shared machine wall time includes waiting for a core: the Python CPU time and
        # the database time of one request say where the time goes.
        "python_cpu_p50_ms": round(statistics.median(cpu), 1),
        "db_ms": round(1000 * sum(q["time"] for q in log.queries), 1),
        "queries": len(log.queries),
        "slowest_query_ms": round(1000 * max((q["time"] for q in log.queries), default=0.0), 1),
        "bytes": len(body),
    }
    if response.headers.get("Content-Type", "").startswith("application/json"):
        result["count"] = json.loads(body).get("count")
    if explain:
        print(f"=== {url}", file=sys.stderr)
        _explain(log.queries)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--audits", type=int, default=20000)
    parser.add_argument("--suppliers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
    parser.add_argument(
        "--vacuum", action="store_true", help="VACUUM ANALYZE before measuring (as autovacuum)"
    )
    parser.add_argument(
        "--amplify",
        type=int,
        default=1,
        help="copy the generated audits (and their scores, findings, actions) in SQL to this "
        "many times --audits (10: 200,000 from 20,000)",
    )
    args = parser.parse_args()

    reuse = args.reuse and _database_exists(args.database_url)
    if not reuse:
        _recreate_database(args.database_url)
    _setup(args.database_url)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from audits.models import Audit

    assert not settings.DEBUG
    if reuse and Audit.objects.count() in (args.audits, args.audits * args.amplify):
        data: dict[str, Any] = {"audits": args.audits, "reused": True}
    else:
        if reuse:
            _recreate_database(args.database_url)
            from django.db import connection

            connection.close()
        data = generate(args.audits, args.suppliers)
    if args.amplify > 1 and Audit.objects.count() == args.audits:
        data |= amplify(args.amplify)
    data["audits_in_table"] = Audit.objects.count()
    if args.vacuum:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        data["vacuumed"] = True
    client = Client()
    client.force_login(User.objects.get(email="admin@buyer.example"))
    pages = {
        "audits": "/api/v1/audits/",
        "corrective_actions": "/api/v1/corrective-actions/",
        "findings": "/api/v1/findings/",
        "buyer_dashboard": reverse("portal:buyer_dashboard"),
    }
    results = {name: measure(url, client, args.repeat, args.explain) for name, url in pages.items()}
    commit = (
        os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    print(json.dumps({"commit": commit, "data": data, "as": "buyer admin", **results}, indent=2))


if __name__ == "__main__":
    main()
