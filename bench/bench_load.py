"""Load benchmark: suppliers answering and uploading at once against gunicorn on PostgreSQL.

    .venv/bin/python bench/bench_load.py [--suppliers 50] [--seconds 60] [--workers 4]
        [--database postgres://postgres@127.0.0.1:5432/fairlink_load]

Creates (drops first) the database, migrates, loads the library, makes one buyer and
``--suppliers`` suppliers, each with one audit of ``sme-csr-core`` sent to it and an API token.
Starts ``gunicorn backend.wsgi`` with ``--workers`` processes on a free loopback port (DEBUG
off), then runs one thread per supplier for ``--seconds``: each loop saves one answer
(``PATCH /answers/``) and every tenth loop uploads a small PDF as evidence. Afterwards every
acknowledged answer and file is checked in the database. Prints one JSON object: requests per
second, p50/p95/p99 latency per kind, errors, lost answers and lost files.

Only loopback traffic; the loop stops by itself after ``--seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup(suppliers: int) -> tuple[list[dict], list[dict]]:
    """Data for the run: per supplier its token and audit; the questions answered."""
    import datetime

    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from audits.services.audits import audit_issue
    from questionnaires.models import Question, QuestionnaireVersion
    from rulesets.models import RuleSet
    from tests.factories import make_supplier_network

    call_command("migrate", verbosity=0)
    call_command("load_library", stdout=open(os.devnull, "w"))  # noqa: SIM115
    version = QuestionnaireVersion.objects.get(
        questionnaire__code="sme-csr-core", questionnaire__owner=None, status="published"
    )
    ruleset = RuleSet.objects.get(code="sme-csr-core-rules", owner=None)
    buyer, officer, suppliers_added = make_supplier_network("Load", suppliers)
    due = datetime.date.today() + datetime.timedelta(days=60)
    clients = []
    for supplier in suppliers_added:
        admin = supplier.memberships.get(role="admin").user
        audit = audit_issue(
            supplier=supplier,
            questionnaire_version=version,
            ruleset=ruleset,
            due_date=due,
            actor=officer,
            buyer=buyer,
        )
        token, _ = Token.objects.get_or_create(user=admin)
        clients.append({"token": token.key, "audit": audit.pk})
    # Questions every supplier sees whatever it answers: choice questions without a condition.
    questions = [
        {
            "code": q.code,
            "choices": ["yes", "no"] if q.type == "yes_no" else [c["value"] for c in q.choices],
            "evidence": q.evidence,
        }
        for q in Question.objects.filter(
            version=version, visible_if="", type__in=["yes_no", "single_choice"]
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return clients, questions


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"answer": [], "upload": []}
        self.errors: list[str] = []
        self.saved: dict[tuple[int, str], str] = {}
        self.files: dict[int, int] = {}

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _supplier(port, client, questions, deadline, recorder, seed) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {client['token']}"}
    base = f"/api/v1/audits/{client['audit']}"
    with_evidence = [q for q in questions if q["evidence"] != "none"]
    loop = 0
    while time.monotonic() < deadline:
        loop += 1
        try:
            if loop % 10 == 0 and with_evidence:
                question = rng.choice(with_evidence)
                body, content_type = _multipart({"question": question["code"]}, "p.pdf", PDF)
                start = time.perf_counter()
                conn.request(
                    "POST", base + "/evidence/", body, {**headers, "Content-Type": content_type}
                )
                response = conn.getresponse()
                response.read()
                recorder.record("upload", time.perf_counter() - start)
                if response.status == 201:
                    with recorder.lock:
                        recorder.files[client["audit"]] = recorder.files.get(client["audit"], 0) + 1
                else:
                    recorder.errors.append(f"upload {response.status}")
                continue
            question = rng.choice(questions)
            value = rng.choice(question["choices"])
            body = json.dumps({"answers": [{"question": question["code"], "value": value}]})
            start = time.perf_counter()
            conn.request(
                "PATCH", base + "/answers/", body, {**headers, "Content-Type": "application/json"}
            )
            response = conn.getresponse()
            response.read()
            recorder.record("answer", time.perf_counter() - start)
            if response.status == 200:
                with recorder.lock:
                    recorder.saved[(client["audit"], question["code"])] = value
            else:
                recorder.errors.append(f"answer {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            recorder.errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _warm_up(port: int, token: str, workers: int) -> None:
    """Let every worker import the project and open its database connection (not timed)."""
    for _ in range(4 * workers):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/api/v1/me/", headers={"Authorization": f"Token {token}"})
        conn.getresponse().read()
        conn.close()


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _verify(recorder: Recorder) -> tuple[int, int]:
    from audits.models import Answer, Evidence

    stored = {
        (audit_id, code): value
        for audit_id, code, value in Answer.objects.values_list(
            "audit_id", "question__code", "value"
        )
    }
    lost_answers = sum(1 for key, value in recorder.saved.items() if stored.get(key) != value)
    lost_files = sum(
        max(0, count - Evidence.objects.filter(audit_id=audit_id).count())
        for audit_id, count in recorder.files.items()
    )
    return lost_answers, lost_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/fairlink_load")
    args = parser.parse_args()

    _recreate_database(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "DJANGO_DEBUG": "false",
        "EMAIL_URL": "dummymail://",
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "FAIRLINK_THROTTLE_USER": "100000/minute",
        "FAIRLINK_MEDIA_ROOT": str(Path(os.environ.get("TMPDIR", "/tmp")) / "fairlink-load-media"),
    }
    os.environ.update(env)
    import django

    django.setup()
    clients, questions = _setup(args.suppliers)

    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "backend.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port, process)
        _warm_up(port, clients[0]["token"], args.workers)
        recorder = Recorder()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=_supplier, args=(port, client, questions, deadline, recorder, n)
            )
            for n, client in enumerate(clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=30)

    lost_answers, lost_files = _verify(recorder)
    everything = recorder.latencies["answer"] + recorder.latencies["upload"]
    print(
        json.dumps(
            {
                "benchmark": "load",
                "database": "postgresql",
                "gunicorn_workers": args.workers,
                "suppliers": args.suppliers,
                "seconds": round(elapsed, 1),
                "requests": len(everything),
                "requests_per_second": round(len(everything) / elapsed, 1),
                "latency_ms": {
                    kind: {
                        "count": len(values),
                        "p50": _percentile(values, 0.50),
                        "p95": _percentile(values, 0.95),
                        "p99": _percentile(values, 0.99),
                        "mean": round(1000 * statistics.fmean(values), 1) if values else None,
                    }
                    for kind, values in {**recorder.latencies, "all": everything}.items()
                },
                "errors": len(recorder.errors),
                "error_kinds": sorted(set(recorder.errors)),
                "answers_acknowledged": len(recorder.saved),
                "lost_answers": lost_answers,
                "files_acknowledged": sum(recorder.files.values()),
                "lost_files": lost_files,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
