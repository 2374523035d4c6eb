"""Benchmark at programme scale: re-scoring 10,000 audits and the risk register exports of a
buyer with 10,000 suppliers, on PostgreSQL.

Run: ``.venv/bin/python bench/bench_scale.py [--reuse] [--suppliers 10000]``. Prints one JSON
object.

1. Data: (re)creates the database of ``--database-url`` (default
   ``postgres://postgres@127.0.0.1:5432/fl_bench_scale``; ``DATABASE_URL`` when it points at
   PostgreSQL), migrates it and runs ``manage.py generate_programme --buyers 2 --suppliers N
   --audits 3N``: the first buyer has two accepted audits of each of the N suppliers (a latest
   and a previous one), the second one audit of each; then ``ANALYZE``. ``--reuse`` keeps a
   database that already has the programme.
2. Re-score: a copy of the library rule set, owned by the second buyer, re-scores that
   buyer's N accepted audits (reading answers, scoring, inserting the scores and their events)
   three times: with ``scoring.services.rescore_bulk`` in this process (with the CPU time of
   its PostgreSQL backend, read from ``/proc``); with ``rescore_bulk(workers=W)``, W processes
   forked from this one (``--workers``, default 2: one per core), their CPU time added up; and
   with ``manage.py rescore --workers W`` (the same plus starting Django in a new process).
   Before each, the scores of earlier runs by that rule set are deleted, then ``VACUUM
   ANALYZE`` of the score and event tables. ``--skip-exports`` stops after the re-score.
3. Exports: the first buyer's register as JSON, CSV and XLSX, each in a fresh subprocess
   (``--export FORMAT``): through the export job (``register.services.export_run``, the path
   above the direct limit) and, for JSON and CSV, through the streamed API response as well
   (the direct limit raised for the measurement, the body read and thrown away). Each reports
   its wall time, the size of the output and the peak resident memory of the process
   (``VmHWM``), and the same peak before the export (Django started), for reference.

``DEBUG`` is off. Figures depend on the machine's load: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fl_bench_scale"
RESCORE_CODE = "bench-scale-rules"


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _peak_mb() -> float:
    """Peak resident memory of this process image (``VmHWM``; ``ru_maxrss`` would carry the
    parent's peak over ``exec`` on Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _recreate_database(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _has_programme(database_url: str, suppliers: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM accounts_organization WHERE kind = 'supplier'"
            ).fetchone()
    except psycopg.Error:
        return False
    return row is not None and row[0] == suppliers


def generate(database_url: str, suppliers: int, reuse: bool) -> dict[str, Any]:
    if reuse and _has_programme(database_url, suppliers):
        return {"reused": True}
    _recreate_database(database_url)
    started = time.perf_counter()
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_DEBUG="false")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)
    out = subprocess.run(
        [
            *manage,
            "generate_programme",
            "--buyers",
            "2",
            "--suppliers",
            str(suppliers),
            "--audits",
            str(3 * suppliers),
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    made = json.loads(out.strip().splitlines()[-1])
    made["generate_s"] = round(time.perf_counter() - started, 1)
    return made


def _rescore_ruleset():
    """The second buyer's own version of the library rule set, without any score yet."""
    import yaml
    from django.db import connection

    from accounts.models import Organization
    from activity.models import ActivityEvent
    from rulesets import compiled as inputs
    from rulesets.models import RuleSet
    from rulesets.services import ruleset_import
    from scoring.models import Score

    buyer = Organization.objects.filter(kind="buyer").order_by("pk")[1]
    ruleset = RuleSet.objects.filter(code=RESCORE_CODE, owner=buyer).first()
    if ruleset is None:
        doc = yaml.safe_load((ROOT / "rulesets/library/sme-csr-core-rules.yaml").read_text())
        doc.update(code=RESCORE_CODE, version=1)
        ruleset = ruleset_import(document=doc, owner=buyer, publish=True)
    ActivityEvent.objects.filter(verb="score_rescored", audit__buyer=buyer).delete()
    Score.objects.filter(ruleset=ruleset).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE scoring_score")
        cursor.execute("VACUUM ANALYZE activity_activityevent")
    inputs.clear_cache()
    return ruleset


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu() -> float | None:
    """CPU seconds of this process's PostgreSQL backend so far (``/proc``, same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed_rescore(**options: Any) -> dict[str, Any]:
    """``rescore_bulk`` of a fresh copy of the rule set in this process (``workers`` forked
    from it when given): wall, CPU of this process and of its workers, load average before."""
    from scoring.services import rescore_bulk

    ruleset = _rescore_ruleset()
    load = round(os.getloadavg()[0], 2)
    backend = _backend_cpu() if "workers" not in options else None
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    result = rescore_bulk(ruleset=ruleset, **options)
    figures: dict[str, Any] = {
        "audits": result.scored,
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "workers_cpu_seconds": round(_children_cpu() - children, 2),
        "load_average_before": load,
    }
    if backend is not None:
        after = _backend_cpu()
        figures["database_backend_cpu_seconds"] = after and round(after - backend, 2)
    return figures


def rescore(database_url: str, workers: int) -> dict[str, Any]:
    """``rescore_bulk`` in this process; then with ``workers`` processes forked from it; then
    ``manage.py rescore --workers N`` (the same, plus starting Django in a new process)."""
    from django.db import connection

    report: dict[str, Any] = {"target_seconds": 10, "one_process": _timed_rescore()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg(pg_column_size(trace) + pg_column_size(findings)), "
            "avg(octet_length(trace::text) + octet_length(findings::text)) FROM scoring_score "
            "WHERE ruleset_id = (SELECT id FROM rulesets_ruleset WHERE code = %s)",
            [RESCORE_CODE],
        )
        stored_bytes, json_bytes = cursor.fetchone()
    report["stored_bytes_per_score"] = int(stored_bytes or 0)
    report["json_bytes_per_score"] = int(json_bytes or 0)
    report["forked_workers"] = _timed_rescore(workers=workers)
    ruleset = _rescore_ruleset()
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_DEBUG="false")
    command = [sys.executable, str(ROOT / "manage.py"), "rescore", "--workers", str(workers)]
    command += ["--ruleset", f"{ruleset.code}@{ruleset.version}", "--owner", str(ruleset.owner_id)]
    load = round(os.getloadavg()[0], 2)
    started, children = time.perf_counter(), _children_cpu()
    out = subprocess.run(command, check=True, env=env, capture_output=True, text=True).stdout
    report["command"] = {
        "audits": json.loads(out.strip().splitlines()[-1])["scored"],
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(_children_cpu() - children, 2),
        "load_average_before": load,
    }
    return report


def export_in_process(fmt: str, path: str) -> dict[str, Any]:
    """One export of the first buyer's register (run in a fresh subprocess)."""
    from django.test import Client, override_settings

    from accounts.models import Membership, Organization
    from register.models import ExportJob
    from register.services import export_run

    buyer = Organization.objects.filter(kind="buyer").order_by("pk").first()
    assert buyer is not None
    baseline = _peak_mb()
    cpu = time.process_time()
    if path == "job":
        job = ExportJob.objects.create(buyer=buyer, format=fmt, language="en")
        started = time.perf_counter()
        job = export_run(job_id=job.pk)
        seconds = time.perf_counter() - started
        assert job.status == ExportJob.Status.DONE, job.error
        size = job.file.size
        job.file.delete(save=False)
        job.delete()
        rows = job.rows
    else:
        admin = Membership.objects.get(organization=buyer, role="admin").user
        client = Client()
        client.force_login(admin)
        started = time.perf_counter()
        limits = {"FAIRLINK_REGISTER_DIRECT_LIMIT": 10**9, "FAIRLINK_REGISTER_JSON_LIMIT": 10**9}
        with override_settings(ALLOWED_HOSTS=["testserver"], **limits):
            response = client.get("/api/v1/risk-register/", {"format": fmt, "buyer": buyer.pk})
            assert response.status_code == 200, response.status_code
            size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
        rows = None
    return {
        "format": fmt,
        "path": path,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "bytes": size,
        "rows": rows,
        "peak_rss_mb": _peak_mb(),
        "django_started_rss_mb": baseline,
    }


def _export_subprocess(database_url: str, fmt: str, path: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--database-url", database_url, "--export", fmt, "--path", path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    url = os.environ.get("DATABASE_URL", "")
    parser.add_argument(
        "--database-url", default=url if url.startswith("postgres") else DEFAULT_URL
    )
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep a generated database")
    parser.add_argument("--skip-rescore", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel re-score")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--export", choices=["json", "csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--path", choices=["job", "api"], default="job", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export:
        _setup(args.database_url)
        print(json.dumps(export_in_process(args.export, args.path)))
        return

    data = generate(args.database_url, args.suppliers, args.reuse)
    _setup(args.database_url)
    report: dict[str, Any] = {"database": args.database_url.rsplit("/", 1)[1], "data": data}
    if not args.skip_rescore:
        report["rescore"] = rescore(args.database_url, args.workers)
    if not args.skip_exports:
        report["exports"] = [
            _export_subprocess(args.database_url, fmt, path)
            for fmt, path in (
                ("json", "job"),
                ("csv", "job"),
                ("xlsx", "job"),
                ("json", "api"),
                ("csv", "api"),
            )
        ]
    report["machine"] = {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
