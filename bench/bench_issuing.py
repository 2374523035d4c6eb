"""Benchmark bulk issuing and answer saves on PostgreSQL: a campaign to 1,000 suppliers
in-process, a campaign to 10,000 suppliers run by two Celery worker processes, and one answer
saved (API and portal), as p50 over 200 saves with the queries of one.

Run: ``.venv/bin/python bench/bench_issuing.py [--small 1000] [--large 10000] [--saves 200]``.
Prints one JSON object. Targets: 1,000 suppliers <= 2 s in-process, 10,000 with two workers
<= 20 s, one answer saved in <= 8 queries and <= 15 ms p50.

1. Data: (re)creates the database ``fl_bench_issuing`` (``--database-url``, or ``DATABASE_URL``
   when it names a PostgreSQL database), migrates it, loads the shared questionnaires, and
   writes in bulk one buyer (an admin and an officer, through the services) and
   ``small + large`` suppliers, each with an active admin in its role group and a relationship
   to the buyer, as the services leave them. Then ``ANALYZE``. ``DEBUG`` off, mail to a dummy
   backend (rendered, not sent).
2. In-process: ``CELERY_TASK_ALWAYS_EAGER``; after an untimed campaign to 10 other suppliers
   (what a running process has loaded once), the campaign to ``--small`` suppliers is created
   and processed in the call (chunks of ``--chunk`` in order; the mails rendered after each
   chunk's commit). Timed from the request's service call to the campaign ``done``.
3. Two workers: ``celery -A backend worker -c 1`` started twice against Redis database 14 and
   the same database; the campaign to ``--large`` suppliers is queued and timed until ``done``
   (the workers claim chunks with ``select_for_update(skip_locked=True)``). Skipped with a
   message when Redis does not answer.
4. Answer save: the supplier's admin saves one answer of the core questionnaire
   (``sme-csr-core``) ``--saves`` times through ``PATCH /api/v1/audits/{id}/answers/`` and
   through the portal's per-question form (htmx): p50 / p95 in ms and the queries of one save.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fl_bench_issuing"
REDIS_URL = "redis://127.0.0.1:6379/14"
WARMUP = 10  # suppliers of the untimed campaign run before the in-process one

from bench_lists import _recreate_database  # noqa: E402  (this directory is on the path)


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else DEFAULT_URL


def _setup(database_url: str, redis_url: str | None, chunk: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["FAIRLINK_CAMPAIGN_CHUNK"] = str(chunk)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if redis_url:
        os.environ["CELERY_BROKER_URL"] = redis_url
        # As deployed with several web processes (docs/deploy.md): a shared cache, which
        # also holds the sessions.
        os.environ["CACHE_URL"] = redis_url.rsplit("/", 1)[0] + "/13"
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def _redis_answers(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


def _load(n: int) -> tuple:
    """One buyer (admin, officer) and ``n`` suppliers with an admin each, in bulk."""
    from django.contrib.auth.models import Group

    from accounts.grants import role_groups_for
    from accounts.models import Membership, Organization, User
    from accounts.services import membership_add, organization_create
    from suppliers.models import SupplierRelationship

    buyer = organization_create(
        kind="buyer", name="Bench Buyer", legal_id="BENCH-BUYER", country="DE", industry="47",
        size_class="large",
    )  # fmt: skip
    officer = membership_add(
        organization=buyer, email="officer@bench.example", role="officer", invite=False
    ).user
    membership_add(organization=buyer, email="admin@bench.example", role="admin", invite=False)
    suppliers = Organization.objects.bulk_create(
        Organization(
            kind="supplier",
            name=f"Bench Supplier {i}",
            legal_id=f"BENCH-{i:06d}",
            country="CN",
            industry="14",
            size_class="small",
        )
        for i in range(n)
    )
    SupplierRelationship.objects.bulk_create(
        SupplierRelationship(buyer=buyer, supplier=s, buyer_ref=f"S{s.pk}") for s in suppliers
    )
    users = User.objects.bulk_create(
        User(email=f"admin{s.pk}@supplier.bench.example", full_name=f"Admin {s.pk}")
        for s in suppliers
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=s, role="admin")
        for u, s in zip(users, suppliers, strict=True)
    )
    groups: dict[int, Group] = role_groups_for(suppliers, "admin")
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=groups[s.pk].pk)
        for u, s in zip(users, suppliers, strict=True)
    )
    return buyer, officer, suppliers


def _campaign(officer, version, supplier_ids, name: str):
    import datetime

    from audits.services.campaigns import campaign_create

    return campaign_create(
        actor=officer,
        name=name,
        questionnaire_version=version,
        due_date=datetime.date.today() + datetime.timedelta(days=30),
        supplier_ids=supplier_ids,
    )


def _result(campaign, seconds: float) -> dict:
    from audits.models import Audit

    campaign.refresh_from_db()
    audits = Audit.objects.filter(campaign=campaign)
    return {
        "suppliers": campaign.total,
        "seconds": round(seconds, 2),
        "audits_per_second": round(campaign.total / seconds) if seconds else None,
        "status": campaign.status,
        "processed": campaign.processed,
        "audits": audits.count(),
        "distinct_suppliers": audits.values("supplier").distinct().count(),
        "chunks": campaign.chunks.count(),
    }


def bench_in_process(officer, version, supplier_ids, warmup_ids) -> dict:
    from celery import current_app

    current_app.conf.task_always_eager = True
    try:
        # A small campaign first, as a running web process has done: templates, translations
        # and the compiled questionnaire are loaded once per process, not per campaign.
        _campaign(officer, version, warmup_ids, "Warm-up")
        start, cpu = time.perf_counter(), time.process_time()
        campaign = _campaign(officer, version, supplier_ids, "In-process")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        current_app.conf.task_always_eager = not os.environ.get("CELERY_BROKER_URL")
    return {**_result(campaign, seconds), "cpu_seconds": round(cpu, 2)}


def _start_workers(n: int) -> list[subprocess.Popen]:
    celery = str(Path(sys.executable).with_name("celery"))
    return [
        subprocess.Popen(
            [
                celery,
                "-A",
                "backend",
                "worker",
                "-c",
                "1",
                "-n",
                f"bench{i}@%h",
                "--loglevel",
                "warning",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for i in range(n)
    ]


def _wait_for_workers(n: int, timeout: float = 120) -> int:
    from celery import current_app

    deadline = time.monotonic() + timeout
    replies: list = []
    while time.monotonic() < deadline:
        replies = current_app.control.ping(timeout=1.0) or []
        if len(replies) >= n:
            break
    return len(replies)


def bench_workers(officer, version, supplier_ids, redis_url: str, timeout: float) -> dict:
    import redis
    from django.db import connection

    redis.Redis.from_url(redis_url).flushdb()
    workers = _start_workers(2)
    try:
        ready = _wait_for_workers(2)
        connection.close()  # the workers open their own; this one reconnects
        start = time.perf_counter()
        campaign = _campaign(officer, version, supplier_ids, "Two workers")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            campaign.refresh_from_db()
            if campaign.status in ("done", "failed"):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        redis.Redis.from_url(redis_url).flushdb()
    return {**_result(campaign, seconds), "workers": ready}


def _timed(send, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu_times = [], []
    for i in range(n):
        start, cpu = time.perf_counter(), time.process_time()
        response = send(i)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.content[:500]
    with CaptureQueriesContext(connection) as queries:
        send(n)
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))
    ]
    return {
        "saves": n,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(statistics.quantiles(times, n=20)[-1], 2),
        "cpu_p50_ms": round(statistics.median(cpu_times), 2),
        "queries": len(statements),
    }


def bench_answer_save(audit, user, n: int) -> dict:
    from django.test import Client
    from rest_framework.test import APIClient

    from questionnaires.spec import questions_for_version

    yes_no = [
        code
        for code, q in questions_for_version(audit.questionnaire_version).items()
        if q.type == "yes_no" and not q.visible_if
    ]
    api = APIClient()
    api.force_authenticate(user)
    url = f"/api/v1/audits/{audit.pk}/answers/"

    def patch(i: int):
        body = {"answers": [{"question": yes_no[i % len(yes_no)], "value": ("yes", "no")[i % 2]}]}
        return api.patch(url, body, format="json")

    patch(0)  # the first save starts the audit
    result = {"api": _timed(patch, n)}
    portal = Client()
    portal.force_login(user)
    assert portal.get(f"/s/audits/{audit.pk}/").status_code == 200

    def post(i: int):
        code = yes_no[i % len(yes_no)]
        return portal.post(
            f"/s/audits/{audit.pk}/answer/{code}/",
            {"value": ("no", "yes")[i % 2]},
            HTTP_HX_REQUEST="true",
        )

    result["portal"] = _timed(post, n)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=_database_url())
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    redis_ok = _redis_answers(args.redis_url)
    _recreate_database(args.database_url)
    _setup(args.database_url, args.redis_url if redis_ok else None, args.chunk)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from audits.models import Audit
    from questionnaires.models import QuestionnaireVersion

    assert not settings.DEBUG
    call_command("migrate", verbosity=0)
    call_command("load_library", "--skip-rules", verbosity=0, stdout=io.StringIO())
    version = QuestionnaireVersion.objects.get(
        questionnaire__code="sme-csr-core", questionnaire__owner=None, status="published"
    )
    load_start = time.perf_counter()
    _buyer, officer, suppliers = _load(args.small + args.large + WARMUP)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = [s.pk for s in suppliers]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(",")[0]
    out: dict = {
        "database": f"{connection.vendor} ({server})",
        "load_seconds": round(time.perf_counter() - load_start, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "chunk": args.chunk,
        "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
        "server_side_binding": bool(
            settings.DATABASES["default"].get("OPTIONS", {}).get("server_side_binding")
        ),
    }
    warmup, ids = ids[:WARMUP], ids[WARMUP:]
    out["campaign_in_process"] = bench_in_process(officer, version, ids[: args.small], warmup)
    if redis_ok:
        out["campaign_two_workers"] = bench_workers(
            officer, version, ids[args.small :], args.redis_url, args.timeout
        )
    else:
        out["campaign_two_workers"] = {"skipped": f"no Redis answers at {args.redis_url}"}
    audit = Audit.objects.filter(campaign__name="In-process").select_related("supplier").first()
    admin = audit.supplier.memberships.get(role="admin").user
    out["answer_save"] = bench_answer_save(audit, admin, args.saves)
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
